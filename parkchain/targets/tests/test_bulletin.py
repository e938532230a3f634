"""The 调度通报 and the 督办清单 as .docx: they open, and show dispatch_figures' numbers."""

from __future__ import annotations

import datetime as dt
import io
import re

import docx
import pytest
from django.core.management import CommandError, call_command
from docx.oxml.ns import qn

from parkchain.targets.bulletin import (
    amount_text,
    bulletin_docx,
    percent_text,
    pp_text,
    supervision_list_docx,
)
from parkchain.targets.models import DispatchSnapshot
from parkchain.targets.selectors import dispatch_figures, supervision_task_list

DAY = dt.date(2026, 11, 12)


def opened(content: bytes):
    return docx.Document(io.BytesIO(content))


def text_of(document) -> str:
    return "\n".join(p.text for p in document.paragraphs)


@pytest.fixture
def october(books, city_analyst):
    return dispatch_figures(user=city_analyst, year=2026, month=10)


def test_the_bulletin_opens_and_its_headline_numbers_are_dispatch_figures(october):
    # when
    document = opened(bulletin_docx(october, issued_on=DAY))
    text = text_of(document)
    # then: the city's target, as dispatch_figures computed it (140 of 200 万元, 70.0 %, −13.3 pp)
    (city,) = october.headline
    sentence = next(p.text for p in document.paragraphs if p.text.startswith("1. "))
    assert amount_text(city.actual, city.unit) == "140.0万元"
    assert amount_text(city.actual, city.unit) in sentence
    assert percent_text(city.completion) == "70.0%"
    assert "70.0%" in sentence
    assert pp_text(city.gap_pp) == "−13.3"
    assert "−13.3" in sentence
    assert october.period_label in text  # 2026年1-10月


def test_the_county_and_park_tables_carry_the_same_figures_and_places(october):
    document = opened(bulletin_docx(october, issued_on=DAY))
    counties, parks, chains = document.tables
    rows = {row.cells[0].text: [c.text for c in row.cells] for row in counties.rows[1:]}
    assert rows["吉首市"][1] == percent_text(
        next(f for f in october.targets if f.scope_name == "吉首市").completion
    )
    assert rows["吉首市"][-1] == "1/2"
    assert rows["花垣县"][-1] == "2/2"
    assert [row.cells[0].text for row in parks.rows[1:]] == ["吉首经济开发区", "花垣工业集中区"]
    assert {row.cells[0].text for row in chains.rows[1:]} == {"白酒", "锰锌新材料"} or len(
        chains.rows
    ) == 3


def test_the_red_items_are_listed_with_their_owners(october):
    text = text_of(opened(bulletin_docx(october, issued_on=DAY)))
    for item in october.red_items:
        assert item.title in text
        assert item.owner in text


def test_the_red_header_is_red_in_a_chinese_title_font(october):
    document = opened(bulletin_docx(october, issued_on=DAY, issue=7))
    title = document.paragraphs[0]
    assert title.text == "湘西州“五好”园区和产业链建设工作调度通报"
    run = title.runs[0]
    assert str(run.font.color.rgb) == "E60012"
    assert run._element.rPr.rFonts.get(qn("w:eastAsia")) == "方正小标宋简体"
    assert document.paragraphs[1].text == "第7期"
    assert "2026年11月12日" in document.paragraphs[2].text


def test_a_county_user_gets_a_bulletin_of_his_county_only(books, county_a_user):
    figures = dispatch_figures(user=county_a_user, year=2026, month=10)
    text = text_of(opened(bulletin_docx(figures, issued_on=DAY)))
    assert "花垣" not in text
    assert "锰锌" not in text


def test_the_supervision_list_has_a_row_per_task(books, city_analyst):
    tasks = list(supervision_task_list(user=city_analyst, book=books.book, quarter=3))
    document = opened(
        supervision_list_docx(book=books.book, tasks=tasks, year=2026, quarter=3, issued_on=DAY)
    )
    (table,) = document.tables
    assert [row.cells[1].text for row in table.rows[1:]] == [t.title for t in tasks]
    assert "2026年第3季度" in document.paragraphs[0].text


def test_the_command_writes_the_bulletin_and_freezes_the_month(books, city_analyst, tmp_path):
    out = tmp_path / "b.docx"
    stdout = io.StringIO()
    # when
    call_command(
        "bulletin",
        "--month",
        "2026-10",
        "--out",
        str(out),
        "--freeze",
        "--user",
        "city_analyst",
        "--date",
        "2026-11-12",
        "--supervision",
        stdout=stdout,
    )
    # then
    assert DispatchSnapshot.objects.filter(book=books.book, year=2026, month=10).exists()
    assert "snapshot" in stdout.getvalue()
    assert re.search(r"total \d+\.\d\d s", stdout.getvalue())
    assert opened(out.read_bytes()).paragraphs[1].text == "第10期"
    assert (tmp_path / "supervision-2026-Q4.docx").exists()


def test_the_command_refuses_a_month_it_cannot_read(books):
    with pytest.raises(CommandError, match="month must be 1–12"):
        call_command("bulletin", "--month", "2026-13", stdout=io.StringIO())
    with pytest.raises(CommandError, match="superuser"):
        call_command("bulletin", "--month", "2026-10", stdout=io.StringIO())


def test_the_rankings_come_with_charts_of_the_mean_gap(october):
    # given: counties and parks with figures in October
    assert any(r.mean_gap_pp is not None for r in october.counties)
    # when
    document = opened(bulletin_docx(october, issued_on=DAY))
    # then: one picture per ranking that has figures (counties, parks, chains)
    expected = sum(
        1
        for rows in (october.counties, october.parks, october.chains)
        if any(r.mean_gap_pp is not None for r in rows)
    )
    assert len(document.inline_shapes) == expected >= 1


def test_a_chart_draws_every_unit_with_a_figure_and_skips_an_empty_ranking():
    from PIL import Image

    from parkchain.targets.bulletin_charts import gap_chart_png
    from parkchain.targets.figures import RankingRow

    def row(name, gap, red=0, yellow=0, green=1):
        return RankingRow("county", 1, name, 1, 3, 2, green, yellow, red, 0, gap)

    png = gap_chart_png(
        [row("吉首市", 3.2), row("花垣县", -12.5, red=1), row("泸溪县", None)], title="t"
    )
    assert png is not None
    image = Image.open(io.BytesIO(png))
    # two rows with a figure: title band + 2 rows + footer, drawn at twice the size
    assert image.size[1] == (40 + 26 * 2 + 30) * 2
    assert gap_chart_png([row("泸溪县", None)], title="t") is None
