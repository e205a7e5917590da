"""
The one GeoJSON encoder (events/features.py): every property set, built by
PostgreSQL, against the same values read through the ORM.
"""

import json

import pytest

from events.features import (
    EVENT_PROPERTIES,
    FEED_PROPERTIES,
    FULL_PROPERTIES,
    MAP_PROPERTIES,
    event_properties,
    features,
)
from events.models import Event

pytestmark = pytest.mark.django_db


def expected_properties(event: Event) -> dict:
    """Every property of EVENT_PROPERTIES, computed in Python."""
    start = event.start_date
    date = {
        "year": f"{start:%Y}",
        "month": f"{start:%b %Y}",
    }.get(event.date_precision, f"{start.day} {start:%b %Y}")
    place = event.location.name if event.location else None
    return {
        "title": event.title,
        "summary": event.summary,
        "event_type": event.event_type,
        "sub_event_type": event.sub_event_type,
        "start_date": start.isoformat(),
        "end_date": event.end_date.isoformat(),
        "date_precision": event.date_precision,
        "date": date,
        "location_id": event.location_id,
        "location": place,
        "place": place,
        "country_code": event.location.country_code if event.location else None,
        "geo_precision": event.geo_precision,
        "fatalities_low": event.fatalities_low,
        "fatalities_best": event.fatalities_best,
        "fatalities_high": event.fatalities_high,
        "actors": "; ".join(p.actor.name for p in event.participations.order_by("id"))
        or None,
        "confidence": event.confidence,
        "acled_id": event.acled_id or None,
        "ucdp_id": event.ucdp_id or None,
        "gdelt_id": event.gdelt_id or None,
        "status": event.status,
    }


@pytest.mark.parametrize(
    "properties", [FEED_PROPERTIES, FULL_PROPERTIES, MAP_PROPERTIES, EVENT_PROPERTIES]
)
def test_every_property_set_matches_the_orm(properties: dict) -> None:
    events = Event.objects.select_related("location").order_by("id")
    encoded = [json.loads(text) for text in features(events, properties=properties)]
    assert len(encoded) == events.count() > 0
    for event, feature in zip(events, encoded, strict=True):
        assert feature["type"] == "Feature"
        assert feature["id"] == event.pk
        if event.point is None:
            assert feature["geometry"] is None
        else:
            assert feature["geometry"]["coordinates"] == pytest.approx(
                [event.point.x, event.point.y], abs=1e-6
            )
        assert list(feature["properties"]) == list(properties)
        expected = expected_properties(event)
        for name, value in feature["properties"].items():
            if name in ("published_at", "updated_at"):
                continue  # timestamps: compared as instants elsewhere
            assert value == expected[name], name


def test_an_unknown_property_is_refused() -> None:
    with pytest.raises(KeyError, match="no event property named colour"):
        event_properties("title", "colour")
