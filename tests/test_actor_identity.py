"""
One actor, one row: which stored actor a name denotes (events/actor_identity.py),
in every spelling, ACLED's and UCDP's long forms, acronyms and Wikidata ids;
the importers, the admin and the API asking the same question; and hostile
names that must neither fail nor match what they should not.
"""

import io
import json
import threading
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import IntegrityError, connection, transaction
from django.test import Client

from events import actor_identity, workflow
from events.actor_identity import (
    BY_ACRONYM,
    BY_FORM,
    BY_NAME,
    BY_WIKIDATA,
    find_actor,
    forms,
    matches,
    normalise,
)
from events.models import Actor, Participant
from tests.conftest import make_user

pytestmark = pytest.mark.django_db

DATA = Path(__file__).parent / "data"
ACLED_SAMPLE = DATA / "acled_sample.csv"
UCDP_SAMPLE = DATA / "ucdp_ged_sample.csv"
IRGC = "Islamic Revolutionary Guard Corps"
ACLED_IRGC = "Military Forces of Iran (1989-) Islamic Revolutionary Guard Corps"


def actor(name: str) -> Actor:
    return Actor.objects.get(name=name)


def denoted(name: str, **hints) -> tuple[str, int] | None:
    found = matches(name, **hints)
    return (found[0].actor.name, found[0].tier) if found else None


# --- names -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("written", "normalised"),
    [
        ("Mohammed Shia al-Sudani", "mohammed shia sudani"),
        ("Mohammed Shia Al Sudani", "mohammed shia sudani"),
        ("MOHAMMED SHIA AL‐SUDANI", "mohammed shia sudani"),  # U+2010 hyphen
        ("el-Sisi", "sisi"),
        ("Salah ad-Din", "salah din"),
        ("Al", "al"),  # an article alone is a name
        ("The Islamic State", "islamic state"),
        ("the", "the"),
        ("Iran’s Revolutionary Guard", "irans revolutionary guard"),
        ("Iran's  Revolutionary\tGuard", "irans revolutionary guard"),
        ("Ḥasan ʿAlī al-Sīstānī", "hasan ali sistani"),
        ("Hossein Amir\u2011Abdollahian", "hossein amir abdollahian"),
        ("ＩＲＧＣ", "irgc"),  # full-width letters, NFKC
        ("I.R.G.C.", "irgc"),
        ("Peace & Security Council", "peace and security council"),
        ("Bar\u00adzani", "barzani"),  # a soft hyphen
        ("علي  شمخاني", "علی شمخانی"),  # Arabic yeh written as Persian
        ("!!!", "!!!"),  # symbols only: kept, never empty
        ("", ""),
    ],
)
def test_names_are_normalised(written: str, normalised: str) -> None:
    assert normalise(written) == normalised


def test_acled_long_forms_derive_the_actor_and_its_country() -> None:
    assert [(f.text, f.country) for f in forms(ACLED_IRGC)] == [
        (ACLED_IRGC, ""),
        ("Military Forces of Iran Islamic Revolutionary Guard Corps", "IRN"),
        (IRGC, "IRN"),
    ]
    assert [(f.text, f.country) for f in forms("Police Forces of Iraq (2020-)")] == [
        ("Police Forces of Iraq (2020-)", ""),
        ("Police Forces of Iraq", "IRQ"),
    ]
    assert [(f.text, f.country) for f in forms("Protesters (Iraq)")] == [
        ("Protesters (Iraq)", ""),
        ("Protesters", "IRQ"),
    ]
    assert [f.text for f in forms("PKK: Kurdistan Workers Party")] == [
        "PKK: Kurdistan Workers Party",
        "PKK",
        "Kurdistan Workers Party",
    ]
    assert [f.text for f in forms(f"{IRGC} (IRGC)")] == [f"{IRGC} (IRGC)", "IRGC", IRGC]
    assert [(f.text, f.country) for f in forms("Government of Iraq")] == [
        ("Government of Iraq", ""),
        ("Iraq", "IRQ"),
    ]
    # A qualifier that is no country is part of the name.
    assert [f.text for f in forms("Sabotage team detained in Iran (2022)")] == [
        "Sabotage team detained in Iran (2022)"
    ]


# --- matching -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("written", "hints", "expected"),
    [
        (IRGC, {}, (IRGC, BY_NAME)),
        ("ISLAMIC REVOLUTIONARY GUARD CORPS", {}, (IRGC, BY_NAME)),
        ("The Islamic Revolutionary Guard Corps", {}, (IRGC, BY_NAME)),
        ("IRGC", {}, (IRGC, BY_NAME)),  # an alias
        ("I.R.G.C.", {}, (IRGC, BY_NAME)),
        ("Iran's Revolutionary Guard", {}, (IRGC, BY_NAME)),  # alias with ’
        (f"{IRGC} (IRGC)", {}, (IRGC, BY_FORM)),
        (ACLED_IRGC, {"country": "IRN"}, (IRGC, BY_FORM)),
        (ACLED_IRGC, {}, (IRGC, BY_FORM)),  # the country the name implies
        ("Military Forces of Iraq (2022-) Peshmerga", {}, ("Peshmerga", BY_FORM)),
        ("al Sudani", {}, ("Mohammed Shia al-Sudani", BY_NAME)),
        ("Mohammed Shia Al‐Sudani", {}, ("Mohammed Shia al-Sudani", BY_NAME)),
        ("Qassim al-Araji", {}, ("Qasim al-Araji", BY_NAME)),
        ("Ḥossein Amir-ʿAbdollahian", {}, ("Hossein Amir-Abdollahian", BY_NAME)),
        ("Government of Iran", {}, ("Iran", BY_FORM)),  # UCDP's state
        ("Government of Iraq", {"kind": "state"}, ("Iraq", BY_FORM)),
        ("Protesters (Iran)", {"country": "IRN"}, ("Protesters (Iran)", BY_NAME)),
        ("Protesters", {"country": "IRN"}, ("Protesters (Iran)", BY_FORM)),
        (
            "KRG: Kurdistan Regional Government",
            {},
            ("Kurdistan Regional Government", BY_FORM),
        ),  # fmt: skip
        (
            "Supreme National Security Council",
            {},
            ("Supreme National Security Council", BY_NAME),
        ),  # fmt: skip
        ("Anyone at all", {"wikidata_id": "Q794"}, ("Iran", BY_WIKIDATA)),
    ],
)
def test_each_form_of_a_name_denotes_the_curated_actor(
    written: str, hints: dict, expected: tuple[str, int]
) -> None:
    assert denoted(written, **hints) == expected


@pytest.mark.parametrize(
    ("written", "hints"),
    [
        ("Protesters (Iraq)", {}),  # another country's protesters
        ("Protesters", {"country": "IRQ"}),
        (IRGC, {"country": "IRQ"}),  # a country that contradicts
        ("Iran", {"wikidata_id": "Q999999"}),  # another entity on Wikidata
        ("Military Forces of Iran (1989-)", {}),  # the whole of the forces
        ("Guard", {}),
        ("Revolutionary", {}),
        ("Iranian", {}),
    ],
)
def test_a_name_denotes_nothing_it_should_not(written: str, hints: dict) -> None:
    assert matches(written, **hints) == []


def test_an_acronym_meets_the_initials_of_a_name_both_ways() -> None:
    pmf = Actor.objects.create(
        name="Popular Mobilization Forces", kind="armed_group", country="IRQ"
    )
    kh = Actor.objects.create(name="KH", kind="armed_group", country="IRQ")

    assert denoted("PMF") == ("Popular Mobilization Forces", BY_ACRONYM)
    assert denoted("Kataib Hezbollah") == ("KH", BY_ACRONYM)
    # Lower case is a word, not an acronym.
    assert denoted("pmf") is None
    # An acronym that fits two actors names neither.
    Actor.objects.create(name="Peshmerga Mountain Front", kind="armed_group")
    assert denoted("PMF") is None
    # A person's initials are no acronym.
    Actor.objects.create(name="Kamal Hosseini", kind="person", country="IRN")
    assert denoted("KH") == ("KH", BY_NAME)
    assert {pmf.pk, kh.pk} <= set(Actor.objects.values_list("pk", flat=True))


def test_a_wikidata_id_decides_before_any_name() -> None:
    twin = Actor.objects.create(name="Islamic Republic", kind="state", country="IRN")
    assert find_actor("Islamic Republic", wikidata_id="Q794") == actor("Iran")
    assert find_actor("Islamic Republic") == twin


def test_of_several_actors_of_one_name_the_same_country_and_kind_come_first() -> None:
    other = Actor.objects.create(name="Civilians", kind="civilians", country="IRQ")
    Actor.objects.create(name="Civilians", kind="civilians", country="IRN")
    blank = Actor.objects.create(name="Civilians", kind="other", country="")

    assert find_actor("Civilians", country="IRQ") == other
    assert find_actor("Civilians (Iraq)") == other
    assert find_actor("Civilians", country="SYR") == blank  # no country agrees
    assert [m.actor.pk for m in matches("Civilians", kind="other")][0] == blank.pk


HOSTILE = [
    "",
    "   ",
    "\x00",
    "%",
    "_",
    "%%__\\",
    "((((",
    ")",
    "' OR 1=1 --",
    "'; DROP TABLE events_actor; --",
    "\udc80\udcff",
    "\u202e\u200fIRGC",  # bidirectional marks around a real acronym
    "🔥" * 50,
    "a" * 100_000,
    "(1989-)",
    "Government of ",
    "Government of (",
    ":",
    "PKK:",
    "f:islamic revolutionary guard corps",  # a key written as a name
    "n:%",
    "{}",
    "NULL",
]


@pytest.mark.parametrize("name", HOSTILE)
def test_hostile_names_neither_fail_nor_match_at_random(name: str) -> None:
    found = matches(name)
    # A real acronym behind bidirectional marks is still that acronym.
    expected = [IRGC] if name.endswith("IRGC") else []
    assert [m.actor.name for m in found] == expected
    # The search takes the term literally: % and _ are no wildcards.
    term = normalise(name)
    listed = list(actor_identity.search(Actor.objects.all(), name))
    if term:
        assert all(
            any(term in key for key in a.match_keys if key.startswith("f:"))
            or a.name == IRGC
            for a in listed
        )
    else:
        assert len(listed) == Actor.objects.count()  # a blank term filters nothing
    assert Actor.objects.filter(name=IRGC).count() == 1


@pytest.mark.parametrize("name", ["%_\\", "((((", "' OR 1=1 --", "🔥🔥", "!!!"])
def test_an_actor_with_a_hostile_name_is_found_by_that_name_only(name: str) -> None:
    odd = Actor.objects.create(name=name, kind="other")

    assert find_actor(name) == odd
    assert find_actor("Iran") == actor("Iran")
    assert list(actor_identity.search(Actor.objects.all(), name)) == [odd]


# --- the keys kept in step ----------------------------------------------------------


def test_keys_follow_every_way_an_actor_is_written() -> None:
    created = Actor.objects.create(name="Asaib Ahl al-Haq", kind="armed_group")
    assert find_actor("Asa'ib Ahl al‐Haq") == created

    Actor.objects.filter(pk=created.pk).update(name="League of the Righteous")
    assert find_actor("League of the Righteous").pk == created.pk
    assert find_actor("Asaib Ahl al-Haq") is None

    created.refresh_from_db()
    created.aliases = ["Asaib Ahl al-Haq"]
    created.save(update_fields=["aliases"])
    assert find_actor("Asaib Ahl al-Haq") == created

    [bulk] = Actor.objects.bulk_create(
        [Actor(name="Saraya Awliya al-Dam", kind="armed_group")]
    )
    assert find_actor("Saraya Awliya al Dam").pk == bulk.pk
    bulk.aliases = ["SAD"]
    Actor.objects.bulk_update([bulk], ["aliases"])
    assert find_actor("SAD").pk == bulk.pk


def test_restoring_an_earlier_version_restores_the_names_it_is_found_by(editor) -> None:
    irgc = actor(IRGC)
    before = irgc.history.order_by("pgh_id").last()
    irgc.aliases = ["Sepah"]
    irgc.save()
    assert find_actor("Revolutionary Guards") is None

    workflow.restore(obj=irgc, snapshot_id=before.pgh_id, user=editor)

    assert find_actor("Revolutionary Guards") == irgc
    assert find_actor("Sepah") is None


def test_an_actor_written_without_its_keys_is_refused() -> None:
    with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as c:
        c.execute(
            "INSERT INTO events_actor (name, aliases, kind, country, wikidata_id, "
            "description, created_at, updated_at) "
            "VALUES ('Keyless', '{}', 'other', '', '', '', now(), now())"
        )


def test_one_lookup_uses_the_keys_index_among_thousands_of_actors() -> None:
    Actor.objects.bulk_create(
        Actor(
            name=f"Brigade {n} of the {('Northern', 'Southern')[n % 2]} Front",
            aliases=[f"B{n}F", f"Liwa {n}"],
            kind="armed_group",
            country=("IRQ", "IRN", "SYR")[n % 3],
        )
        for n in range(10_000)
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE events_actor")
        cursor.execute(
            "EXPLAIN SELECT id FROM events_actor WHERE match_keys && %s",
            [["n:liwa 4321", "f:liwa 4321"]],
        )
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "actor_match_keys_idx" in plan

    names = [ACLED_IRGC, "Liwa 4321", "Government of Iraq", "B77F", "Nobody at all"]
    found = [find_actor(name) for name in names]
    assert [a.name if a else None for a in found] == [
        IRGC,
        "Brigade 4321 of the Southern Front",
        "Iraq",
        "Brigade 77 of the Southern Front",
        None,
    ]
    # Its time among the bench's actors is `actor_lookup_ms` (make bench).


# --- suggestions --------------------------------------------------------------------


def test_suggestions_know_an_actor_by_the_forms_of_its_names() -> None:
    from events.extract import suggest

    pkk = Actor.objects.create(name="PKK: Kurdistan Workers Party", kind="armed_group")
    text = (
        "Turkish jets struck the Kurdistan Workers Party near Sidakan, and the "
        "PKK said so."
    )

    found = {
        (a["text"], a["actor_id"]) for a in suggest(text, published=None)["actors"]
    }

    assert {("Kurdistan Workers Party", pkk.pk), ("PKK", pkk.pk)} <= found


def test_suggestions_do_not_take_a_countrys_crowd_for_any_crowd() -> None:
    from events.extract import suggest

    civilians = Actor.objects.create(
        name="Civilians (Iraq)", kind="civilians", country="IRQ"
    )
    text = "Protesters and civilians gathered in Sulaymaniyah on Monday."

    found = {a["actor_id"] for a in suggest(text, published=None)["actors"]}

    assert not found & {civilians.pk, actor("Protesters (Iran)").pk}


# --- imports ------------------------------------------------------------------------


@pytest.fixture(params=["fast", "plain"])
def writer_options(request: pytest.FixtureRequest) -> list[str]:
    return ["--plain"] if request.param == "plain" else []


def import_file(path: Path, fmt: str, options: list[str]) -> str:
    out = io.StringIO()
    call_command("import_events", str(path), "--format", fmt, *options, stdout=out)
    return out.getvalue()


def actor_rows() -> list[tuple]:
    return sorted(Actor.objects.values_list("pk", "name", "aliases", "kind", "country"))


def test_importing_acleds_sample_makes_no_second_irgc(writer_options) -> None:
    irgc = actor(IRGC)

    import_file(ACLED_SAMPLE, "acled", writer_options)

    same = [a for a in Actor.objects.all() if find_actor(a.name) == irgc]
    assert same == [irgc]
    assert not Actor.objects.filter(name=ACLED_IRGC).exists()
    # Nor a second police: ACLED's period-stamped name is a form of its alias.
    assert not Actor.objects.filter(name__startswith="Police Forces of Iran").exists()
    assert Participant.objects.filter(
        actor__name="Iranian police", event__acled_id__isnull=False
    ).exists()
    irgc.refresh_from_db()
    assert irgc.aliases[-1] == ACLED_IRGC
    assert (
        Participant.objects.filter(
            actor=irgc, event__acled_id__in=["IRQ90002", "IRN90016"]
        ).count()
        == 2
    )
    # The admin's autocomplete lists it once, under any of its names.
    client = Client()
    client.force_login(make_user("autocompleting-editor", "Editor"))
    for term in ("Islamic Revolutionary", "Military Forces of Iran", "irgc"):
        response = client.get(
            "/admin/autocomplete/",
            {"app_label": "events", "model_name": "participant",
             "field_name": "actor", "term": term},
        )  # fmt: skip
        results = response.json()["results"]
        assert [row["id"] for row in results] == [str(irgc.pk)], term


def test_importing_the_samples_twice_adds_no_actor_and_no_alias(writer_options) -> None:
    import_file(ACLED_SAMPLE, "acled", writer_options)
    import_file(UCDP_SAMPLE, "ucdp", writer_options)
    after_once = actor_rows()

    import_file(ACLED_SAMPLE, "acled", writer_options)
    import_file(UCDP_SAMPLE, "ucdp", writer_options)

    assert actor_rows() == after_once


def test_ucdp_names_find_the_actors_acled_brought(writer_options) -> None:
    import_file(ACLED_SAMPLE, "acled", writer_options)
    before = set(Actor.objects.values_list("pk", flat=True))

    import_file(UCDP_SAMPLE, "ucdp", writer_options)

    sides = {
        p.event.ucdp_id: (p.role, p.actor.name)
        for p in Participant.objects.select_related("event", "actor")
        .exclude(event__ucdp_id="")
        .order_by("role")
    }
    assert sides["990001"] == ("target", "PJAK: Party of Free Life of Kurdistan")
    assert sides["990002"] == ("target", "PKK: Kurdistan Workers Party")
    assert sides["990004"] == ("target", "Islamic State (Iraq)")  # UCDP's "IS"
    assert "IS" in actor("Islamic State (Iraq)").aliases
    assert "Government of Iran" in actor("Iran").aliases
    created = set(Actor.objects.exclude(pk__in=before).values_list("name", "country"))
    # Only what ACLED's sample did not name: Turkey's government, UCDP's YBS.
    assert created == {("Government of Turkey", "TUR"), ("YBS", "")}


# --- the admin ----------------------------------------------------------------------


def actor_form(**fields) -> dict:
    return {
        "name": "",
        "aliases": "",
        "kind": "security_force",
        "country": "",
        "parent": "",
        "wikidata_id": "",
        "description": "",
        **fields,
    }


def test_the_admin_warns_naming_the_actor_a_new_name_already_denotes(
    editor_client: Client,
) -> None:
    irgc = actor(IRGC)
    count = Actor.objects.count()

    response = editor_client.post(
        "/admin/events/actor/add/", actor_form(name=ACLED_IRGC, country="IRN")
    )

    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert list(errors) == ["name"]
    assert errors["name"] == [
        f'“{ACLED_IRGC}” already denotes <a href="/admin/events/actor/{irgc.pk}'
        f'/change/">{IRGC} (IRN)</a> (actor {irgc.pk}), which has a name of which '
        "this is another form. Use that actor, or merge the two."
    ]
    assert Actor.objects.count() == count


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"name": "Sepah", "aliases": "Revolutionary Guards"}, "aliases"),
        ({"name": "Pasdaran", "aliases": "IRGC"}, "aliases"),
        ({"name": "Islamic Revolutionary Guards Corps (IRGC)"}, "name"),
        ({"name": "Iranian Government", "wikidata_id": "Q794"}, "wikidata_id"),
    ],
)
def test_an_alias_acronym_or_wikidata_id_already_known_is_refused(
    editor_client: Client, fields: dict, field: str
) -> None:
    response = editor_client.post("/admin/events/actor/add/", actor_form(**fields))

    assert response.status_code == 200
    assert field in response.context["adminform"].form.errors


def test_a_truly_different_actor_is_saved_when_the_editor_says_so(
    editor_client: Client,
) -> None:
    data = actor_form(name="Araji", kind="person")
    refused = editor_client.post("/admin/events/actor/add/", data)
    assert "Qasim al-Araji" in str(refused.context["adminform"].form.errors)

    saved = editor_client.post(
        "/admin/events/actor/add/", {**data, "different_actor": "on"}
    )

    assert saved.status_code == 302
    assert Actor.objects.filter(name="Araji", country="").exists()
    # A shared Wikidata id is never saved twice, whatever the box says.
    twin = editor_client.post(
        "/admin/events/actor/add/",
        actor_form(name="Persia", wikidata_id="Q794", different_actor="on"),
    )
    assert "wikidata_id" in twin.context["adminform"].form.errors


def test_saving_an_actor_unchanged_warns_of_nothing(editor_client: Client) -> None:
    irgc = actor(IRGC)
    response = editor_client.post(
        f"/admin/events/actor/{irgc.pk}/change/",
        actor_form(
            name=irgc.name,
            aliases=",".join(irgc.aliases),
            country="IRN",
            parent=irgc.parent_id,
            description="Iran’s Revolutionary Guards.",
        ),
    )
    assert response.status_code == 302
    irgc.refresh_from_db()
    assert irgc.description == "Iran’s Revolutionary Guards."


def test_the_admins_search_lists_each_actor_once_by_any_name(
    editor_client: Client,
) -> None:
    def found(term: str) -> list[str]:
        response = editor_client.get(
            "/admin/autocomplete/",
            {"app_label": "events", "model_name": "participant",
             "field_name": "actor", "term": term},
        )  # fmt: skip
        return [row["text"] for row in response.json()["results"]]

    assert found("revolutionary guard") == ["Islamic Revolutionary Guard Corps (IRN)"]
    assert found("al sudani") == ["Mohammed Shia al-Sudani (IRQ)"]
    assert found("ARAJI") == ["Qasim al-Araji (IRQ)"]
    assert found("SNSC") == ["Supreme National Security Council (IRN)"]
    # The one named exactly comes first.
    assert found("Iran")[0] == "Iran (IRN)"
    assert len(found("Iran")) == len(set(found("Iran")))


# --- the API ------------------------------------------------------------------------


def post_json(client: Client, url: str, data: dict):
    return client.post(url, json.dumps(data), content_type="application/json")


def test_the_api_refuses_a_duplicate_naming_the_field_and_the_actor(
    editor_client: Client,
) -> None:
    irgc = actor(IRGC)

    response = post_json(
        editor_client,
        "/api/v1/actors/",
        {"name": "IRGC", "kind": "security_force", "country": "IRN"},
    )

    assert response.status_code == 409
    assert response.json() == {
        "name": [
            f"“IRGC” already denotes {IRGC} (IRN) (actor {irgc.pk}), which has this "
            "name. Use that actor, or merge the two."
        ]
    }


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"name": "Sepah", "aliases": ["Sepah-e Pasdaran", "IRGC"]}, "aliases"),
        ({"name": "Persia", "wikidata_id": "Q794"}, "wikidata_id"),
        ({"name": ACLED_IRGC, "country": "IRN"}, "name"),
    ],
)
def test_the_api_refuses_a_known_alias_or_wikidata_id(
    editor_client: Client, data: dict, field: str
) -> None:
    response = post_json(
        editor_client, "/api/v1/actors/", {"kind": "security_force", **data}
    )

    assert response.status_code == 409
    assert list(response.json()) == [field]
    assert "already denotes" in response.json()[field][0]


def test_the_api_saves_a_namesake_the_editor_says_is_someone_else(
    editor_client: Client,
) -> None:
    first = Actor.objects.create(name="Ali Akbari", kind=Actor.Kind.PERSON)
    namesake = {"name": "Ali Akbari", "kind": "person", "country": "IRN"}

    refused = post_json(editor_client, "/api/v1/actors/", namesake)
    saved = post_json(
        editor_client, "/api/v1/actors/", {**namesake, "different_actor": True}
    )

    assert refused.status_code == 409
    assert list(refused.json()) == ["name"]
    assert saved.status_code == 201, saved.content
    assert "different_actor" not in saved.json()
    assert saved.json()["id"] != first.pk
    assert Actor.objects.filter(name="Ali Akbari").count() == 2


def test_the_api_never_saves_a_wikidata_id_twice_even_for_someone_else(
    editor_client: Client,
) -> None:
    response = post_json(
        editor_client,
        "/api/v1/actors/",
        {"name": "Persia", "kind": "state", "wikidata_id": "Q794",
         "different_actor": True},
    )  # fmt: skip

    assert response.status_code == 409
    assert list(response.json()) == ["wikidata_id"]


def test_the_api_changes_an_actor_without_tripping_on_its_own_names(
    editor_client: Client,
) -> None:
    irgc = actor(IRGC)
    response = editor_client.patch(
        f"/api/v1/actors/{irgc.pk}/",
        json.dumps(
            {
                "description": "Iran’s Revolutionary Guards.",
                "aliases": [*irgc.aliases, "Sepah"],
            }
        ),
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    assert find_actor("Sepah") == irgc


def test_the_apis_actor_search_matches_any_name(editor_client: Client) -> None:
    response = editor_client.get("/api/v1/actors/", {"q": "irgc"})
    assert [row["name"] for row in response.json()["results"]] == [IRGC]


def test_a_suggestions_candidate_becomes_the_actor_it_denotes() -> None:
    from events import curation

    assert curation.create_candidate_actor(name="I.R.G.C.", kind="other") == actor(IRGC)
    made = curation.create_candidate_actor(
        name="Kataib Sayyid al-Shuhada", kind="armed_group"
    )
    again = curation.create_candidate_actor(
        name="Kata'ib Sayyid al Shuhada", kind="other"
    )
    assert again == made
    assert again.aliases == ["Kata'ib Sayyid al Shuhada"] or again.aliases == []


# --- two writers at once -------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_two_writers_naming_the_same_new_actor_at_once_make_one_row() -> None:
    """
    Two imports in transactions of their own, each meeting "Kataib Sayyid
    al-Shuhada" for the first time: the second waits for the first to end and
    finds what it made, rather than making a second row beside it.
    """
    name = "Kataib Sayyid al-Shuhada"
    first_made = threading.Event()
    first_may_commit = threading.Event()
    results: dict[str, int] = {}
    errors: list[BaseException] = []

    def first() -> None:
        try:
            with transaction.atomic():
                actor = actor_identity.find_or_create(
                    name=name, kind="armed_group", country="IRQ"
                )
                results["first"] = actor.pk
                first_made.set()
                first_may_commit.wait(timeout=30)
        except BaseException as error:  # noqa: BLE001 (reported below)
            errors.append(error)
        finally:
            first_made.set()
            connection.close()

    def second() -> None:
        try:
            with transaction.atomic():
                actor = actor_identity.find_or_create(
                    name="Kata'ib Sayyid al-Shuhada", kind="armed_group", country="IRQ"
                )
                results["second"] = actor.pk
        except BaseException as error:  # noqa: BLE001
            errors.append(error)
        finally:
            connection.close()

    one = threading.Thread(target=first)
    one.start()
    assert first_made.wait(timeout=30)
    two = threading.Thread(target=second)
    two.start()
    two.join(timeout=2)
    # The second is waiting on the first's transaction, not done.
    assert two.is_alive() and "second" not in results
    first_may_commit.set()
    one.join(timeout=30)
    two.join(timeout=30)

    assert errors == []
    assert results["first"] == results["second"]
    assert Actor.objects.filter(match_keys__contains=[
        f"n:{actor_identity.normalise(name)}"]).count() == 1  # fmt: skip
