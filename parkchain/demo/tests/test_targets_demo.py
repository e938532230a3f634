"""The demo target book ("一高五新"): issued (the parts add up), every light in October, September
frozen, Q3's red items on the supervision list. County scale (two counties of the demo city)."""

from __future__ import annotations

import pytest

from parkchain.demo.generator import demo_seed
from parkchain.demo.targets import targets_demo_flush, targets_demo_seed
from parkchain.targets.checks import cascade_issues
from parkchain.targets.models import (
    AccountabilityRecord,
    BookStatus,
    DispatchSnapshot,
    SupervisionTask,
    Target,
    TargetBook,
)
from parkchain.targets.selectors import dispatch_figures

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo_book():
    demo_seed(scale="county", seed=42, history=False)
    summary = targets_demo_seed()
    return summary, TargetBook.objects.get()


def test_the_demo_book_is_issued_and_its_parts_add_up(demo_book):
    summary, book = demo_book
    assert book.status == BookStatus.ISSUED
    assert "一高五新" in book.description
    assert cascade_issues(list(Target.objects.filter(book=book))) == []
    assert summary.targets == Target.objects.filter(book=book).count() > 10


def test_october_shows_every_light(demo_book):
    from django.contrib.auth import get_user_model

    city_admin = get_user_model().objects.get(username="city")
    figures = dispatch_figures(user=city_admin, year=2026, month=10)
    assert figures.source == "live"
    assert {f.rag for f in figures.targets} >= {"green", "yellow", "red"}


def test_september_is_frozen_and_its_red_items_are_supervised(demo_book):
    summary, book = demo_book
    snapshot = DispatchSnapshot.objects.get(book=book)
    assert (snapshot.year, snapshot.month) == (2026, 9)
    assert (
        SupervisionTask.objects.filter(book=book, quarter=3).count()
        == summary.supervision_tasks
        > 0
    )
    assert AccountabilityRecord.objects.filter(book=book).count() == 2


def test_the_demo_book_is_flushed(demo_book):
    targets_demo_flush()
    assert not TargetBook.objects.exists()
    assert not Target.history.exists()
