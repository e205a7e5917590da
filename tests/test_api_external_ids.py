"""Events and actors found by their ids in other datasets."""

import pytest
from django.test import Client

from events.models import Event

pytestmark = pytest.mark.django_db


def test_events_filter_by_each_external_id(client: Client) -> None:
    event = Event.objects.get(title__startswith="Iraq and Iran sign")
    Event.objects.filter(pk=event.pk).update(
        acled_id="IRQ12345", ucdp_id="987654", gdelt_id="1098765432"
    )
    for name, value in [
        ("acled_id", "IRQ12345"),
        ("ucdp_id", "987654"),
        ("gdelt_id", "1098765432"),
    ]:
        body = client.get("/api/v1/events/", {name: value}).json()
        assert [item["id"] for item in body["results"]] == [event.pk], name
        assert body["results"][0][name] == value
    assert client.get("/api/v1/events/", {"acled_id": "IRQ0"}).json()["results"] == []


def test_a_bad_external_id_is_a_400_naming_it(client: Client) -> None:
    response = client.get("/api/v1/events/", {"acled_id": "IRQ\x001"})
    assert response.status_code == 400
    assert "acled_id" in response.json()
    response = client.get("/api/v1/events/", {"ucdp_id": "9" * 41})
    assert response.status_code == 400
    assert "ucdp_id" in response.json()


def test_actors_filter_by_wikidata_id(client: Client) -> None:
    body = client.get("/api/v1/actors/", {"wikidata_id": "Q794"}).json()
    assert [actor["name"] for actor in body["results"]] == ["Iran"]
