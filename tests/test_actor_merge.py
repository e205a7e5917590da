"""
Merging two rows that are one actor, and undoing it (events/actor_merge.py),
through the admin as editors use it: every row that pointed at the merged
actor points at the survivor, a row the survivor already had its like of is
removed and remembered, names become aliases, history is written, and undo
puts every row back exactly, unless something changed since that it would
overwrite. Editors and reviewers merge; analysts do not.
"""

import json

import pytest
from django.contrib.auth.models import User
from django.test import Client

from events import actor_merge
from events.models import (
    Actor,
    ActorMerge,
    Agreement,
    AgreementParty,
    Participant,
    Revision,
)
from tests.conftest import PERSONAS, make_event, persona_client

pytestmark = pytest.mark.django_db

IRGC = "Islamic Revolutionary Guard Corps"
ACLED_IRGC = "Military Forces of Iran (1989-) Islamic Revolutionary Guard Corps"


def actor(name: str) -> Actor:
    return Actor.objects.get(name=name)


def merge_url(merged: Actor) -> str:
    return f"/admin/events/actor/{merged.pk}/merge/"


def undo_url(record: ActorMerge) -> str:
    return f"/admin/events/actormerge/{record.pk}/undo/"


def world() -> dict:
    """Every row a merge may touch, as it stands (the survivor's updated_at aside)."""
    return {
        "actors": sorted(
            Actor.objects.values_list(
                "pk",
                "name",
                "aliases",
                "kind",
                "country",
                "parent_id",
                "wikidata_id",
                "description",
                "created_at",
                "match_keys",
            )
        ),  # fmt: skip
        "participants": sorted(
            Participant.objects.values_list(
                "pk", "event_id", "actor_id", "role", "capacity", "on_behalf_of_id"
            )
        ),
        "agreement_parties": sorted(
            AgreementParty.objects.values_list(
                "pk", "agreement_id", "actor_id", "role", "represents_id", "capacity"
            )
        ),
        "revisions": sorted(
            (
                r.pk,
                r.state,
                json.dumps(r.values, sort_keys=True),
                json.dumps(r.base_values, sort_keys=True),
            )
            for r in Revision.objects.all()
        ),  # fmt: skip
    }


@pytest.fixture
def duplicate(db, editor: User) -> dict:
    """
    A second IRGC, as an import once made it, named in every way an actor
    can be: beside the IRGC in an event in the same role (a duplicate) and in
    another, in other events, as whom someone acted for, as an agreement's
    witness and guarantor (beside the IRGC) and as the party a signatory
    represents, as the affiliation of another actor, and in a change to a
    published event awaiting review.
    """
    irgc = actor(IRGC)
    iran = actor("Iran")
    dup = Actor.objects.create(
        name=ACLED_IRGC,
        kind=Actor.Kind.SECURITY_FORCE,
        country="IRN",
        aliases=["Sepah", "Revolutionary Guards"],
        wikidata_id="Q127962",
        parent=iran,
        description="Imported from ACLED.",
    )
    shared = Participant.objects.filter(actor=irgc).select_related("event").first()
    both = shared.event
    rows = {
        "same_role": Participant.objects.create(
            event=both, actor=dup, role=shared.role
        ),
        "other_role": Participant.objects.create(
            event=both, actor=dup, role=Participant.Role.MENTIONED
        ),
    }
    alone = make_event(title="Strike claimed by the Guards", status="published")
    rows["alone"] = Participant.objects.create(
        event=alone,
        actor=dup,
        role=Participant.Role.INITIATOR,
        capacity="State forces",
        on_behalf_of=iran,
    )
    rows["for_dup"] = Participant.objects.create(
        event=alone,
        actor=actor("Ali Shamkhani"),
        role=Participant.Role.MENTIONED,
        on_behalf_of=dup,
    )
    agreement = Agreement.objects.get()
    envoy = Actor.objects.create(name="Guards envoy", kind="person", country="IRN")
    AgreementParty.objects.create(agreement=agreement, actor=dup, role="witness")
    AgreementParty.objects.create(agreement=agreement, actor=irgc, role="guarantor")
    AgreementParty.objects.create(agreement=agreement, actor=dup, role="guarantor")
    AgreementParty.objects.create(
        agreement=agreement, actor=envoy, role="signatory", represents=dup
    )
    quds = Actor.objects.create(
        name="Quds Force", kind="security_force", country="IRN", parent=dup
    )
    published = make_event(title="Guards deploy to the border", status="published")
    Participant.objects.create(event=published, actor=irgc, role="target")
    values = published.revision_values()
    proposed = {
        **values,
        "title": "Guards deploy along the border",
        "participants": [
            {"actor": dup.pk, "role": "target", "capacity": "", "on_behalf_of": None},
            {"actor": irgc.pk, "role": "target", "capacity": "", "on_behalf_of": None},
            {"actor": quds.pk, "role": "initiator", "capacity": "",
             "on_behalf_of": dup.pk},
        ],
    }  # fmt: skip
    revision = Revision.objects.create(
        event=published,
        values=proposed,
        base_values=values,
        base_version=published.version,
        author=editor,
    )
    return {
        "irgc": irgc,
        "dup": dup,
        "rows": rows,
        "events": [both, alone],
        "agreement": agreement,
        "quds": quds,
        "revision": revision,
    }


def editor_client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_merge_and_undo_put_every_row_back_exactly(duplicate: dict, editor) -> None:
    irgc, dup = duplicate["irgc"], duplicate["dup"]
    rows = duplicate["rows"]
    client = editor_client(editor)
    before = world()
    stamps = (dup.created_at, dup.updated_at)
    event_stamps = {e.pk: e.updated_at for e in duplicate["events"]}
    revisions = Revision.objects.count()

    preview = client.post(merge_url(dup), {"into": irgc.pk})
    assert preview.status_code == 200
    assert preview.context["preview"] == actor_merge.Preview(
        moved={
            "actors (parent)": 1,
            "agreement parties (actor)": 1,
            "agreement parties (represents)": 1,
            "participants (actor)": 2,
            "participants (on behalf of)": 1,
        },
        removed={"agreement parties": 1, "participants": 1},
        revisions=1,
        events=2,
        published_events=2,
    )
    assert Actor.objects.filter(pk=dup.pk).exists()  # a preview changes nothing

    merged = client.post(merge_url(dup), {"into": irgc.pk, "_merge": "1"})

    assert merged.status_code == 302
    assert merged["Location"] == f"/admin/events/actor/{irgc.pk}/change/"
    record = ActorMerge.objects.get()
    assert not Actor.objects.filter(pk=dup.pk).exists()
    irgc.refresh_from_db()
    assert irgc.aliases[-2:] == [ACLED_IRGC, "Sepah"]  # "Revolutionary Guards" known
    assert irgc.wikidata_id == "Q127962"
    assert not Participant.objects.filter(pk=rows["same_role"].pk).exists()
    assert {
        name: Participant.objects.values_list("actor_id", "on_behalf_of_id").get(
            pk=row.pk
        )
        for name, row in rows.items()
        if name != "same_role"
    } == {
        "other_role": (irgc.pk, None),
        "alone": (irgc.pk, actor("Iran").pk),
        "for_dup": (actor("Ali Shamkhani").pk, irgc.pk),
    }
    parties = AgreementParty.objects.filter(agreement=duplicate["agreement"])
    assert sorted(parties.filter(actor=irgc).values_list("role", flat=True)) == [
        "guarantor",
        "witness",
    ]
    assert parties.get(actor__name="Guards envoy").represents == irgc
    assert actor("Quds Force").parent == irgc
    revision = Revision.objects.get(pk=duplicate["revision"].pk)
    assert revision.state == "pending"
    assert sorted(
        (p["actor"], p["role"], p["on_behalf_of"])
        for p in revision.values["participants"]
    ) == sorted(
        [(irgc.pk, "target", None), (duplicate["quds"].pk, "initiator", irgc.pk)]
    )
    # An identity fix: no change held for review, but sync clients see it.
    assert Revision.objects.count() == revisions
    for event in duplicate["events"]:
        event.refresh_from_db()
        assert event.updated_at > event_stamps[event.pk]
        assert event.status == "published"
    # History: the merged actor's deletion and each re-pointed row, under the merge.
    deletion = dup.history.get(pgh_label="delete")
    assert deletion.pgh_context.metadata["actor_merge"] == record.pk
    assert deletion.pgh_context.metadata["user"] == editor.pk
    history = Participant._meta.get_field("history").related_model
    moved = history.objects.filter(
        pgh_obj_id=rows["alone"].pk, pgh_label="update"
    ).get()
    assert moved.pgh_context.metadata["actor_merge"] == record.pk
    assert (record.merged_id, record.survivor_id) == (dup.pk, irgc.pk)
    assert record.merged["name"] == ACLED_IRGC
    assert record.merged_by == editor

    record_page = client.get(f"/admin/events/actormerge/{record.pk}/change/")
    assert record_page.status_code == 200
    assert "Undo merge" in record_page.content.decode()
    survivor_page = client.get(f"/admin/events/actor/{irgc.pk}/change/")
    assert (
        f"/admin/events/actormerge/{record.pk}/change/"
        in survivor_page.content.decode()
    )

    undone = client.post(undo_url(record))

    assert undone.status_code == 302
    assert world() == before
    back = Actor.objects.get(pk=dup.pk)
    assert (back.created_at, back.updated_at) == stamps
    record.refresh_from_db()
    assert record.undone_by == editor and record.undone_at is not None
    recreated = back.history.filter(pgh_label="insert").order_by("pgh_id").last()
    assert recreated.pgh_context.metadata == {
        **recreated.pgh_context.metadata,
        "actor_merge": record.pk,
        "undo": True,
    }
    assert (
        "Undo merge"
        not in client.get(
            f"/admin/events/actormerge/{record.pk}/change/"
        ).content.decode()
    )
    again = client.post(undo_url(record), follow=True)
    assert "already been undone" in again.content.decode()
    assert world() == before


def test_actors_in_the_same_events_keep_one_participant_each_and_get_both_back(
    editor,
) -> None:
    kept = Actor.objects.create(name="Kataib Hezbollah", kind="armed_group")
    twin = Actor.objects.create(name="Kata'ib Hizballah", kind="armed_group")
    event = make_event(title="Rocket attack on a base")
    rows = [
        Participant.objects.create(event=event, actor=kept, role="initiator"),
        Participant.objects.create(event=event, actor=twin, role="initiator"),
        Participant.objects.create(event=event, actor=twin, role="target"),
        Participant.objects.create(event=event, actor=kept, role="mentioned"),
    ]
    before = world()

    record = actor_merge.merge(merged=twin, into=kept, user=editor)

    assert sorted(event.participations.values_list("pk", "actor_id", "role")) == [
        (rows[0].pk, kept.pk, "initiator"),
        (rows[2].pk, kept.pk, "target"),
        (rows[3].pk, kept.pk, "mentioned"),
    ]
    assert record.removed == {
        "events.participant": [
            {
                "id": rows[1].pk,
                "event_id": event.pk,
                "actor_id": twin.pk,
                "role": "initiator",
                "capacity": "",
                "on_behalf_of_id": None,
            }
        ]
    }
    assert record.moved == {"events.participant.actor": [rows[2].pk]}

    actor_merge.undo(record=record, user=editor)

    assert world() == before


def test_undo_is_refused_when_a_moved_row_was_changed_since(
    duplicate: dict, editor
) -> None:
    irgc, dup = duplicate["irgc"], duplicate["dup"]
    client = editor_client(editor)
    client.post(merge_url(dup), {"into": irgc.pk, "_merge": "1"})
    record = ActorMerge.objects.get()
    moved = Participant.objects.get(pk=duplicate["rows"]["alone"].pk)
    moved.actor = actor("Iran")
    moved.save()

    response = client.post(undo_url(record), follow=True)

    text = response.content.decode()
    assert "The merge was not undone" in text
    assert f"participant {moved.pk} no longer names {irgc}" in text
    record.refresh_from_db()
    assert record.undone_at is None
    assert not Actor.objects.filter(pk=dup.pk).exists()
    assert Participant.objects.get(pk=moved.pk).actor == actor("Iran")


def test_undo_skips_rows_deleted_since_and_says_so(duplicate: dict, editor) -> None:
    irgc, dup = duplicate["irgc"], duplicate["dup"]
    record = actor_merge.merge(merged=dup, into=irgc, user=editor)
    Participant.objects.filter(pk=duplicate["rows"]["alone"].pk).delete()

    notes = actor_merge.undo(record=record, user=editor)

    assert notes == [
        "1 participants re-pointed by the merge were deleted since and stay deleted."
    ]
    assert (
        Participant.objects.filter(pk=duplicate["rows"]["other_role"].pk).get().actor_id
        == dup.pk
    )


def test_undo_is_refused_when_the_name_is_taken_again(duplicate: dict, editor) -> None:
    record = actor_merge.merge(
        merged=duplicate["dup"], into=duplicate["irgc"], user=editor
    )
    Actor.objects.create(name=ACLED_IRGC.upper(), kind="other", country="IRN")

    with pytest.raises(actor_merge.MergeRefused, match="is another actor’s now"):
        actor_merge.undo(record=record, user=editor)


def test_a_later_merge_must_be_undone_first(editor) -> None:
    first = Actor.objects.create(name="Saraya al-Salam", kind="armed_group")
    second = Actor.objects.create(name="Peace Brigades", kind="armed_group")
    third = Actor.objects.create(name="Saraya al Salam (Iraq)", kind="armed_group")
    event = make_event(title="Parade in Samarra")
    row = Participant.objects.create(event=event, actor=first, role="initiator")
    earlier = actor_merge.merge(merged=first, into=second, user=editor)
    later = actor_merge.merge(merged=second, into=third, user=editor)

    with pytest.raises(actor_merge.MergeRefused, match="no longer exists"):
        actor_merge.undo(record=earlier, user=editor)
    actor_merge.undo(record=later, user=editor)
    actor_merge.undo(record=earlier, user=editor)

    assert Participant.objects.get(pk=row.pk).actor_id == first.pk


@pytest.mark.parametrize(
    ("setup", "message"),
    [
        ("itself", "cannot be merged into itself"),
        ("member", "cannot take the place of its own affiliation"),
        ("wikidata", "two different entities"),
    ],
)
def test_merges_that_would_break_the_record_are_refused(
    editor, setup: str, message: str
) -> None:
    iran = actor("Iran")
    if setup == "itself":
        into = iran
    elif setup == "member":
        into = actor("Supreme National Security Council")  # belongs to Iran
    else:
        into = Actor.objects.create(name="Persia", kind="state", wikidata_id="Q1")
    client = editor_client(editor)

    response = client.post(merge_url(iran), {"into": into.pk, "_merge": "1"})

    assert response.status_code == 200
    assert message in str(response.context["form"].errors)
    assert not ActorMerge.objects.exists()


def test_the_lists_action_keeps_the_chosen_actor(editor) -> None:
    kept = Actor.objects.create(name="Popular Mobilization Forces", kind="armed_group")
    others = [
        Actor.objects.create(name="Hashd al-Shaabi", kind="armed_group"),
        Actor.objects.create(name="PMF", kind="armed_group"),
    ]
    client = editor_client(editor)
    selected = [kept.pk, *(other.pk for other in others)]
    data = {"action": "merge_selected", "_selected_action": selected}

    choose = client.post("/admin/events/actor/", data)
    assert choose.status_code == 200
    assert "Choose the actor to keep" in choose.content.decode()

    done = client.post("/admin/events/actor/", {**data, "keep": kept.pk, "_merge": "1"})

    assert done.status_code == 302
    kept.refresh_from_db()
    assert kept.aliases == ["Hashd al-Shaabi", "PMF"]
    assert not Actor.objects.filter(pk__in=[o.pk for o in others]).exists()
    assert ActorMerge.objects.count() == 2


@pytest.mark.parametrize("persona", PERSONAS)
def test_editors_and_reviewers_merge_and_undo_analysts_do_not(
    duplicate: dict, persona: str
) -> None:
    client, user = persona_client(persona)
    dup, irgc = duplicate["dup"], duplicate["irgc"]
    may = persona in ("editor", "reviewer", "admin")
    signed_in = persona != "anonymous"

    page = client.get(merge_url(dup))
    merged = client.post(merge_url(dup), {"into": irgc.pk, "_merge": "1"})
    records = client.get("/admin/events/actormerge/")

    expected = 200 if may else 403 if signed_in else 302
    assert page.status_code == expected
    assert records.status_code == expected
    assert merged.status_code == (302 if may or not signed_in else 403)
    assert Actor.objects.filter(pk=dup.pk).exists() is not may
    if signed_in:
        listing = client.get("/admin/events/actor/")
        action_form = listing.context["action_form"]
        offered = dict(action_form.fields["action"].choices) if action_form else {}
        assert ("merge_selected" in offered) is may
        actor_page = client.get(f"/admin/events/actor/{irgc.pk}/change/")
        assert ("Merge into…" in actor_page.content.decode()) is may
    record = ActorMerge.objects.first() or actor_merge.merge(
        merged=dup, into=irgc, user=User.objects.get(username="test-editor")
    )
    undone = client.post(undo_url(record))
    assert undone.status_code == (302 if may or not signed_in else 403)
    record.refresh_from_db()
    assert (record.undone_at is not None) is may


def test_every_reference_to_an_actor_is_merged() -> None:
    # A new foreign key to Actor is re-pointed by merges without more code;
    # this list makes its author look at what a merge does to it.
    assert [actor_merge.relation(f) for f in actor_merge.references()] == [
        "events.actor.parent",
        "events.agreementparty.actor",
        "events.agreementparty.represents",
        "events.participant.actor",
        "events.participant.on_behalf_of",
    ]
