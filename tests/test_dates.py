import datetime

import pytest

from events.models import DatePrecision, content_hash, period_bounds
from tests.conftest import make_event

D = datetime.date


@pytest.mark.parametrize(
    ("day", "precision", "bounds"),
    [
        (D(2023, 3, 19), DatePrecision.DAY, (D(2023, 3, 19), D(2023, 3, 19))),
        (D(2023, 3, 19), DatePrecision.WEEK, (D(2023, 3, 13), D(2023, 3, 19))),
        (D(2024, 2, 10), DatePrecision.MONTH, (D(2024, 2, 1), D(2024, 2, 29))),
        (D(2022, 6, 5), DatePrecision.YEAR, (D(2022, 1, 1), D(2022, 12, 31))),
    ],
)
def test_period_bounds(day: D, precision: str, bounds: tuple[D, D]) -> None:
    assert period_bounds(day, precision) == bounds


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("start", "end", "precision", "text"),
    [
        (D(2023, 3, 19), D(2023, 3, 19), "day", "19 Mar 2023"),
        (D(2023, 3, 19), D(2023, 3, 20), "day", "19–20 Mar 2023"),
        (D(2023, 3, 30), D(2023, 4, 2), "day", "30 Mar 2023 – 2 Apr 2023"),
        (D(2023, 3, 13), D(2023, 3, 19), "week", "week of 13 Mar 2023"),
        (D(2022, 11, 1), D(2022, 11, 30), "month", "Nov 2022"),
        (D(2022, 11, 1), D(2023, 1, 31), "month", "Nov 2022 – Jan 2023"),
        (D(2022, 1, 1), D(2022, 12, 31), "year", "2022"),
        (D(2021, 1, 1), D(2022, 12, 31), "year", "2021–2022"),
    ],
)
def test_dates_display_at_their_precision(
    start: D, end: D, precision: str, text: str
) -> None:
    event = make_event(start_date=start, end_date=end, date_precision=precision)
    assert event.date_display() == text


def test_content_hash_ignores_case_and_spacing_only() -> None:
    assert content_hash("Iraq and  Iran\nsigned.") == content_hash(
        " iraq AND iran signed."
    )
    assert content_hash("Iraq and Iran signed.") != content_hash("Iraq and Iran met.")
