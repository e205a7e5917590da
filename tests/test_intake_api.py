"""
Sources over the API and in the admin, the editors' inbox and its dismiss
action, and the articles' new fields and filters: who may do what, and
hostile values answered with a 400 naming the parameter, never a 500.
"""

import datetime
import json

import pytest
from django.db import connection
from django.test import Client

from events.models import Actor, Location, SourceArticle
from intake import queue
from intake.models import Item, Source, StoredSuggestions
from tests.conftest import PERSONAS, make_user, persona_client

pytestmark = pytest.mark.django_db


def make_source(**fields) -> Source:
    return Source.objects.create(
        **{
            "name": "Border Wire",
            "url": "https://wire.example/rss.xml",
            "kind": Source.Kind.RSS,
            **fields,
        }
    )


def waiting_polls(source: Source) -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM procrastinate_jobs WHERE queueing_lock = %s "
            "AND status = 'todo'",
            [f"poll-{source.pk}"],
        )
        return cursor.fetchone()[0]


@pytest.fixture
def editor_api(editor) -> Client:
    client = Client()
    client.force_login(editor)
    return client


# --- the sources API ------------------------------------------------------------------


def test_a_source_is_created_with_its_settings_and_its_first_poll_queued(
    editor_api: Client,
) -> None:
    response = editor_api.post(
        "/api/v1/sources/",
        {
            "name": "Rudaw English",
            "url": "https://www.rudaw.example/rss",
            "kind": "rss",
            "poll_interval": 5,
            "keywords": ["Koya", " ", "Erbil"],
            "language": "en",
        },
        content_type="application/json",
    )

    assert response.status_code == 201, response.content
    body = response.json()
    source = Source.objects.get(pk=body["id"])
    assert response["Location"].endswith(f"/api/v1/sources/{source.pk}/")
    assert {key: body[key] for key in ["name", "kind", "active", "poll_interval"]} == {
        "name": "Rudaw English",
        "kind": "rss",
        "active": True,
        "poll_interval": 5,
    }
    assert body["keywords"] == ["Koya", "Erbil"]
    assert body["counts"] == {
        "items_seen": 0,
        "articles_added": 0,
        "duplicates_found": 0,
        "items_skipped": 0,
        "items_failed": 0,
    }
    assert (body["last_polled_at"], body["last_error"]) == (None, "")
    assert source.added_by.username == "test-editor"
    assert waiting_polls(source) == 1
    # Its history keeps what editors set, not what polls change.
    source.polled(source.next_poll_at)
    source.save()
    assert source.history.count() == 1


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"poll_interval": 0}, "poll_interval"),
        ({"poll_interval": -5}, "poll_interval"),
        ({"poll_interval": 10_081}, "poll_interval"),
        ({"poll_interval": 2**70}, "poll_interval"),
        ({"poll_interval": "soon"}, "poll_interval"),
        ({"url": "javascript:alert(1)"}, "url"),
        ({"url": "file:///etc/passwd"}, "url"),
        ({"url": "https://" + "a" * 2100 + ".example/"}, "url"),
        ({"url": 7}, "url"),
        ({"kind": "atomic"}, "kind"),
        ({"name": ""}, "name"),
        ({"name": "x" * 201}, "name"),
        ({"name": "nul\x00byte"}, "name"),
        ({"keywords": "Koya"}, "keywords"),
        ({"keywords": ["x" * 101]}, "keywords"),
        ({"keywords": ["k"] * 51}, "keywords"),
        ({"keywords": [{"a": 1}]}, "keywords"),
        ({"region": "IQ-KR"}, "region"),
        ({"active": "perhaps"}, "active"),
        ({"active": 0}, "active"),
        ({"language": "x" * 13}, "language"),
    ],
)
def test_hostile_source_values_are_refused_with_the_field_named(
    editor_api: Client, payload: dict, field: str
) -> None:
    good = {"name": "Wire", "url": "https://wire.example/feed", "kind": "rss"}
    response = editor_api.post(
        "/api/v1/sources/", {**good, **payload}, content_type="application/json"
    )

    assert response.status_code == 400, response.content
    assert field in response.json()
    assert not Source.objects.exists()


def test_a_url_already_polled_is_a_conflict(editor_api: Client) -> None:
    make_source()
    again = editor_api.post(
        "/api/v1/sources/",
        {"name": "Again", "url": "https://wire.example/rss.xml", "kind": "rss"},
        content_type="application/json",
    )

    assert (again.status_code, again.json()) == (
        409,
        {"url": ["A source with this URL exists."]},
    )


@pytest.mark.parametrize(
    "query",
    ["active=maybe", "active=" + "t" * 50, "kind=gopher", "active=%00", "page_size=x"],
)
def test_hostile_source_filters_are_a_400(editor_api: Client, query: str) -> None:
    response = editor_api.get(f"/api/v1/sources/?{query}")
    assert response.status_code == 400
    assert response.json()


def test_sources_filter_by_state_and_kind(editor_api: Client) -> None:
    on = make_source()
    off = make_source(url="https://wire.example/off.xml", active=False)
    sitemap = make_source(url="https://wire.example/sitemap.xml", kind="sitemap")

    def ids(query: str) -> list[int]:
        rows = editor_api.get(f"/api/v1/sources/?{query}").json()["results"]
        return [row["id"] for row in rows]

    assert ids("active=true") == [on.pk, sitemap.pk]
    assert ids("active=false") == [off.pk]
    assert ids("kind=sitemap") == [sitemap.pk]


def test_a_source_that_brought_articles_in_is_deactivated_not_deleted() -> None:
    source = make_source()
    SourceArticle.objects.create(title="In", body="Came in.", source=source)
    client, _ = persona_client("admin")

    response = client.delete(f"/api/v1/sources/{source.pk}/")

    assert response.status_code == 409
    assert "set active to false" in response.json()["detail"]
    assert Source.objects.filter(pk=source.pk).exists()
    assert (
        client.patch(
            f"/api/v1/sources/{source.pk}/",
            {"active": False},
            content_type="application/json",
        ).json()["active"]
        is False
    )


def test_a_stale_change_to_a_source_is_refused(editor_api: Client) -> None:
    source = make_source()
    etag = editor_api.get(f"/api/v1/sources/{source.pk}/")["ETag"]
    Source.objects.filter(pk=source.pk).update(name="Changed meanwhile")

    response = editor_api.patch(
        f"/api/v1/sources/{source.pk}/",
        {"poll_interval": 60},
        content_type="application/json",
        HTTP_IF_MATCH=etag,
    )

    assert response.status_code == 412


# --- articles: their source, their duplicates, their suggestions ----------------


def test_articles_say_where_they_came_from_and_what_they_repeat(
    editor_api: Client,
) -> None:
    source = make_source()
    first = SourceArticle.objects.create(
        title="First", body="The story.", source=source, url="https://a.example/1"
    )
    copy = SourceArticle.objects.create(
        title="Copy",
        body="The story.",
        source=source,
        duplicate_of=first,
        url="https://b.example/1",
    )
    pasted = SourceArticle.objects.create(title="Pasted", body="Another story.")

    def ids(query: str) -> list[int]:
        response = editor_api.get(f"/api/v1/articles/?{query}")
        assert response.status_code == 200, response.content
        return sorted(row["id"] for row in response.json()["results"])

    assert ids(f"source={source.pk}") == [first.pk, copy.pk]
    assert ids(f"duplicate_of={first.pk}") == [copy.pk]
    assert ids("duplicate=true") == [copy.pk]
    assert pasted.pk in ids("duplicate=false")
    assert copy.pk not in ids("duplicate=false")
    detail = editor_api.get(f"/api/v1/articles/{copy.pk}/").json()
    assert (detail["source"], detail["duplicate_of"]) == (source.pk, first.pk)
    # Read only: the link is made by intake.
    editor_api.patch(
        f"/api/v1/articles/{copy.pk}/",
        {"duplicate_of": None, "source": None},
        content_type="application/json",
    )
    copy.refresh_from_db()
    assert (copy.source_id, copy.duplicate_of_id) == (source.pk, first.pk)


@pytest.mark.parametrize(
    "query",
    [
        "source=abc",
        "source=0",
        "source=-1",
        "source=99999999999999999999999",
        "source=%00",
        "source=1e3",
        "duplicate_of=x",
        "duplicate=yes",
        "state=deleted",
    ],
)
def test_hostile_article_filters_are_a_400(editor_api: Client, query: str) -> None:
    response = editor_api.get(f"/api/v1/articles/?{query}")
    assert response.status_code == 400
    assert query.split("=")[0] in response.json()


def test_ids_naming_nothing_are_a_404_naming_the_field(editor_api: Client) -> None:
    # Well formed, but nothing stored has that id (events/http.py).
    listed = editor_api.get("/api/v1/articles/?source=999999999")
    created = editor_api.post(
        "/api/v1/sources/",
        {
            "name": "Wire",
            "url": "https://wire.example/feed",
            "kind": "rss",
            "region": 999_999_999,
        },
        content_type="application/json",
    )

    assert (listed.status_code, list(listed.json())) == (404, ["source"])
    assert (created.status_code, list(created.json())) == (404, ["region"])
    assert not Source.objects.exists()


def test_suggestions_are_computed_when_none_are_stored(editor_api: Client) -> None:
    article = SourceArticle.objects.create(
        title="Pasted",
        body="Iraqi and Iranian officials met in Baghdad on Sunday.",
        published_on=datetime.date(2023, 3, 20),
    )

    served = editor_api.get(f"/api/v1/articles/{article.pk}/suggestions/")
    pasted = editor_api.post(
        "/api/v1/suggestions/",
        {"text": article.body, "published": "2023-03-20"},
        content_type="application/json",
    )

    assert served.status_code == 200
    assert served.json() == pasted.json()
    stored = StoredSuggestions.objects.get(article=article)
    assert [place["name"] for place in stored.places] == ["Baghdad"]
    assert editor_api.get("/api/v1/articles/999999999/suggestions/").status_code == 404
    assert editor_api.get("/api/v1/articles/x/suggestions/").status_code == 404


# --- the inbox ----------------------------------------------------------------------


def inbox_world() -> dict:
    source = make_source()
    other = make_source(name="Other wire", url="https://other.example/rss")
    guards = Actor.objects.create(name="Inbox Guards", kind=Actor.Kind.SECURITY_FORCE)
    koya = Location.objects.create(
        name="Inbox Koya", kind=Location.Kind.CITY, country_code="IRQ"
    )
    tehran = Location.objects.create(
        name="Inbox Tehran", kind=Location.Kind.CITY, country_code="IRN"
    )
    world = {
        "source": source,
        "other": other,
        "guards": guards,
        "koya_place": koya,
        "tehran_place": tehran,
        "koya": SourceArticle.objects.create(
            title="Strikes near Koya",
            body="Drones struck near Koya.",
            source=source,
            published_on=datetime.date(2031, 5, 2),
        ),
        "tehran": SourceArticle.objects.create(
            title="Barzani in Tehran",
            body="Barzani met Raisi in Tehran.",
            source=other,
            published_on=datetime.date(2031, 5, 6),
            language="fa",
        ),
    }
    world["copy"] = SourceArticle.objects.create(
        title="Strikes near Koya (reprint)",
        publisher="Reprint Daily",
        body="Drones struck near Koya. Source: wire.",
        source=other,
        duplicate_of=world["koya"],
    )
    StoredSuggestions.objects.create(
        article=world["koya"],
        found={},
        content_hash="x",
        engine="x",
        seconds=0,
        place_ids=[koya.pk],
        places=[{"id": koya.pk, "name": "Koya"}],
        actor_ids=[guards.pk],
        actors=[{"id": guards.pk, "name": "Islamic Revolutionary Guard Corps"}],
        countries=["IRQ", "IRN"],
    )
    StoredSuggestions.objects.create(
        article=world["tehran"],
        found={},
        content_hash="x",
        engine="x",
        seconds=0,
        place_ids=[tehran.pk],
        places=[{"id": tehran.pk, "name": "Tehran"}],
        countries=["IRN"],
    )
    return world


def shown(response) -> list[str]:
    text = response.content.decode()
    return [
        title
        for title in ["Barzani in Tehran", "Strikes near Koya", "Curated already"]
        if f">{title}</a>" in text
    ]


def test_the_inbox_lists_new_originals_newest_first_with_their_copies_folded(
    editor_client: Client,
) -> None:
    world = inbox_world()
    SourceArticle.objects.create(
        title="Curated already", body="Done.", state=SourceArticle.State.CURATED
    )

    response = editor_client.get("/inbox/")

    assert response.status_code == 200
    text = response.content.decode()
    assert shown(response) == ["Barzani in Tehran", "Strikes near Koya"]
    assert text.index("Barzani in Tehran") < text.index("Strikes near Koya")
    assert "Strikes near Koya (reprint)</a> · Reprint Daily" in text
    # Each chip filters the inbox to the articles naming it.
    assert f'<a href="?place={world["koya_place"].pk}"' in text
    assert f'<a href="?actor={world["guards"].pk}"' in text
    assert ">Islamic Revolutionary Guard Corps</a></li>" in text
    assert 'lang="fa" dir="rtl"' in text
    curation = f"/admin/events/sourcearticle/{world['koya'].pk}/suggestions/"
    assert f'href="{curation}"' in text


def test_the_inbox_says_which_articles_the_assistant_could_not_read(
    editor_client: Client,
) -> None:
    world = inbox_world()
    # Stored as no engine's answer (intake.polling.save_suggestions).
    StoredSuggestions.objects.filter(article=world["tehran"]).update(
        found={"failed": True}, engine="", places=[], place_ids=[], countries=[]
    )
    text = editor_client.get("/inbox/").content.decode()
    assert text.count("The assistant could not read this article") == 1
    assert text.index("could not read") < text.index("Strikes near Koya")


@pytest.mark.parametrize(
    ("query", "titles"),
    [
        ("country=IRQ", ["Strikes near Koya"]),
        ("country=irn", ["Barzani in Tehran", "Strikes near Koya"]),
        ("actor={guards}", ["Strikes near Koya"]),
        ("place={tehran_place}", ["Barzani in Tehran"]),
        ("place={koya_place}&country=IRN", ["Strikes near Koya"]),
        ("source={other}", ["Barzani in Tehran"]),
        ("source={source}&place={tehran_place}", []),
    ],
)
def test_the_inbox_filters_by_source_country_place_and_actor(
    editor_client: Client, query: str, titles: list[str]
) -> None:
    world = inbox_world()
    ids = {name: getattr(obj, "pk", None) for name, obj in world.items()}

    response = editor_client.get(f"/inbox/?{query.format(**ids)}")

    assert response.status_code == 200
    assert shown(response) == titles


@pytest.mark.parametrize(
    "query",
    [
        "source=abc",
        "country=Iraq",
        "country=%00",
        "place=-1",
        "actor=99999999999999999999",
        "page=0",
        "page=9999999",
        "page=x",
    ],
)
def test_hostile_inbox_values_are_a_400_page(editor_client: Client, query: str) -> None:
    response = editor_client.get(f"/inbox/?{query}")
    assert response.status_code == 400
    assert 'class="errorlist"' in response.content.decode()


@pytest.mark.parametrize("persona", PERSONAS)
def test_dismissing_an_article_is_for_those_who_curate(persona: str) -> None:
    article = SourceArticle.objects.create(title="To set aside", body="Opinion.")
    client, _ = persona_client(persona)

    response = client.post(
        f"/inbox/{article.pk}/dismiss/", {"reason": "An opinion piece"}
    )

    expected = {"anonymous": 302, "analyst": 403}.get(persona, 302)
    assert response.status_code == expected
    article.refresh_from_db()
    dismissed = persona not in ("anonymous", "analyst")
    assert article.state == ("dismissed" if dismissed else "new")
    if dismissed:
        assert response["Location"] == "/inbox/"
        assert article.dismissed_reason == "An opinion piece"
        # Kept in the article's history, with who did it.
        assert article.history.order_by("-pgh_id").first().state == "dismissed"


def test_a_dismissal_needs_a_reason_and_a_new_article(editor_client: Client) -> None:
    article = SourceArticle.objects.create(title="Aside", body="Opinion.")

    assert editor_client.post(f"/inbox/{article.pk}/dismiss/", {}).status_code == 400
    assert (
        editor_client.post(
            f"/inbox/{article.pk}/dismiss/", {"reason": "x" * 501}
        ).status_code
        == 400
    )
    assert editor_client.get(f"/inbox/{article.pk}/dismiss/").status_code == 405
    assert (
        editor_client.post("/inbox/999999999/dismiss/", {"reason": "r"}).status_code
        == 404
    )
    SourceArticle.objects.filter(pk=article.pk).update(state="in_progress")
    response = editor_client.post(f"/inbox/{article.pk}/dismiss/", {"reason": "r"})
    assert response.status_code == 409
    # Back to the inbox as it was filtered, never to another site.
    SourceArticle.objects.filter(pk=article.pk).update(state="new")
    response = editor_client.post(
        f"/inbox/{article.pk}/dismiss/",
        {"reason": "r", "next": "https://evil.example/"},
    )
    assert response["Location"] == "/inbox/"


# --- the admin ----------------------------------------------------------------------


def test_the_admin_queues_a_new_source_and_polls_chosen_ones_now(
    editor_client: Client,
) -> None:
    response = editor_client.post(
        "/admin/intake/source/add/",
        {
            "name": "Admin wire",
            "url": "https://admin.example/rss",
            "kind": "rss",
            "active": "on",
            "poll_interval": "15",
            "keywords": "",
            "language": "",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    source = Source.objects.get(name="Admin wire")
    assert waiting_polls(source) == 1

    response = editor_client.post(
        "/admin/intake/source/",
        {"action": "poll_now", "_selected_action": [source.pk]},
    )
    assert response.status_code == 302
    assert waiting_polls(source) == 1  # one waiting poll is enough


def test_the_admin_tries_failed_items_again(editor_client: Client) -> None:
    source = make_source(items_failed=1)
    item = Item.objects.create(
        source=source,
        key="f" * 64,
        url="https://wire.example/gone",
        state=Item.State.FAILED,
        note="the server answered 500",
    )

    editor_client.post(
        "/admin/intake/item/", {"action": "try_again", "_selected_action": [item.pk]}
    )

    item.refresh_from_db()
    source.refresh_from_db()
    assert (item.state, item.note, source.items_failed) == ("new", "", 0)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT args FROM procrastinate_jobs WHERE task_name = 'intake.take_item'"
        )
        assert {"item_id": item.pk} in [
            json.loads(a) if isinstance(a, str) else a for (a,) in cursor.fetchall()
        ]


def test_an_analyst_reads_sources_but_changes_none() -> None:
    source = make_source(last_error="the server answered 503", failures=2)
    client = Client()
    client.force_login(make_user("reading-analyst", "Analyst"))

    page = client.get("/admin/intake/source/")
    assert page.status_code == 200
    assert "failing (2)" in page.content.decode()
    assert client.get(f"/admin/intake/source/{source.pk}/change/").status_code == 200
    assert client.post(
        "/admin/intake/source/", {"action": "poll_now", "_selected_action": [source.pk]}
    ).status_code in (200, 403)
    assert waiting_polls(source) == 0
    assert queue.QUEUE == "intake"
