"""Import pages: upload → detail (preview, errors) → apply → rollback; template; error workbook; scope."""

from __future__ import annotations

import io

import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from parkchain.indicators.models import BatchStatus, ImportBatch, Observation
from parkchain.indicators.tests.import_fixtures import MONTH, TODAY, YEAR, row_for, xlsx_bytes

NOW = f"{TODAY.isoformat()} 10:00:00+08:00"


def upload(client, registry, content, name="月报.xlsx"):
    return client.post(
        reverse("reporting:import_new"),
        {
            "form": registry.form.code,
            "year": YEAR,
            "month": MONTH,
            "file": SimpleUploadedFile(name, content),
        },
    )


@time_machine.travel(NOW, tick=False)
def test_upload_preview_apply_and_rollback_through_the_pages(client, world, city_analyst, registry):
    # given
    client.force_login(city_analyst)
    # when: upload
    response = upload(client, registry, xlsx_bytes([row_for(world.enterprise_a1)]))
    batch = ImportBatch.objects.get()
    # then: redirected to the detail page, which shows the preview
    assert response.url == reverse("reporting:import_detail", args=[batch.pk])
    page = client.get(response.url)
    assert page.status_code == 200
    assert "营业收入" in page.content.decode()
    # when: apply
    client.post(reverse("reporting:import_detail", args=[batch.pk]))
    batch.refresh_from_db()
    assert batch.status == BatchStatus.APPLIED
    assert Observation.objects.count() == 5
    # when: roll back
    client.post(reverse("reporting:import_rollback", args=[batch.pk]))
    batch.refresh_from_db()
    assert batch.status == BatchStatus.ROLLED_BACK
    assert Observation.objects.count() == 0


@time_machine.travel(NOW, tick=False)
def test_errors_are_listed_and_the_error_workbook_downloads(client, world, city_analyst, registry):
    client.force_login(city_analyst)
    upload(client, registry, xlsx_bytes([row_for(world.enterprise_a1, "abc")]))
    batch = ImportBatch.objects.get()
    page = client.get(reverse("reporting:import_detail", args=[batch.pk])).content.decode()
    assert "abc" in page
    response = client.get(reverse("reporting:import_errors", args=[batch.pk]))
    ws = load_workbook(io.BytesIO(response.content))["数据"]
    assert ws["H1"].value == "错误说明"


@time_machine.travel(NOW, tick=False)
def test_template_lists_the_users_above_scale_enterprises(client, world, park_a1_user, registry):
    # given: 规上 in 2025 only (the world's AboveScaleYear rows)
    client.force_login(park_a1_user)
    response = client.get(
        reverse("reporting:template"), {"form": registry.form.code, "year": 2025, "month": 12}
    )
    workbook = load_workbook(io.BytesIO(response.content))
    codes = [row[0] for row in workbook["数据"].iter_rows(min_row=2, values_only=True)]
    assert sorted(codes) == sorted(
        [world.enterprise_a1.credit_code, world.enterprise_a1_second.credit_code]
    )
    assert workbook["数据"]["D1"].value == "营业收入（万元）"
    assert "说明" in workbook.sheetnames


@time_machine.travel(NOW, tick=False)
def test_another_countys_batch_is_not_found(client, world, city_analyst, county_b_user, registry):
    client.force_login(city_analyst)
    upload(client, registry, xlsx_bytes([row_for(world.enterprise_a1)]))
    batch = ImportBatch.objects.get()
    client.force_login(county_b_user)
    assert client.get(reverse("reporting:import_detail", args=[batch.pk])).status_code == 404
    assert client.get(reverse("reporting:import_errors", args=[batch.pk])).status_code == 404
    assert client.post(reverse("reporting:import_rollback", args=[batch.pk])).status_code == 404
    listing = client.get(reverse("reporting:import_list")).content.decode()
    assert batch.original_name not in listing


@time_machine.travel(NOW, tick=False)
def test_import_list_shows_the_users_batches(
    client, world, city_analyst, registry, django_assert_max_num_queries
):
    client.force_login(city_analyst)
    for _ in range(3):
        upload(client, registry, xlsx_bytes([row_for(world.enterprise_a1)]))
    with django_assert_max_num_queries(12):
        page = client.get(reverse("reporting:import_list"))
    assert page.content.decode().count("月报") >= 3
