"""
Merging two rows that are one actor, and undoing it. Everything that points
at the actor merged away is re-pointed at the one kept (participants,
agreement parties, members, pending changes awaiting review, and any
relation to Actor added later: they are found from the models, not listed
here); a row the survivor already has its like of (the same event and role)
is removed instead. The merged actor's names become aliases of the survivor,
its Wikidata id the survivor's if it had none. An `ActorMerge` keeps the
merged actor whole and exactly which rows moved, so that `undo` puts it back
under its own id with those rows, while nothing has changed since that would
make that unsafe. History triggers record every row each step writes, in a
context naming the merge.

Re-pointing a published event's participants is an identity fix, not an
editorial change: it is not held for review, and the events' `updated_at`
moves so that sync clients fetch them again.
"""

import datetime
from dataclasses import dataclass, field

import pghistory
from django.apps import apps
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db import models, transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone
from pghistory.models import Event as HistorySnapshot

from events.actor_identity import knows_name
from events.models import (
    PARTICIPANT_KEYS,
    Actor,
    ActorMerge,
    Agreement,
    AgreementParty,
    Event,
    Participant,
    Revision,
    revision_participants,
)

# The fields of the merged actor the record keeps, by attribute name.
ACTOR_FIELDS = [
    "name", "aliases", "kind", "country", "parent_id", "wikidata_id",
    "description", "created_at", "updated_at",
]  # fmt: skip
# What a moved or removed row belongs to, whose `updated_at` moves with it.
OWNERS = {Participant: ("event_id", Event), AgreementParty: ("agreement_id", Agreement)}


class MergeRefused(Exception):
    """A merge or an undo that is refused, in words for the editor."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def may_merge(user: AbstractBaseUser | AnonymousUser) -> bool:
    """Those who may change actors (editors, reviewers) may merge them."""
    return user.is_active and user.has_perm("events.change_actor")


def references() -> list[models.ForeignKey]:
    """
    Every foreign key to Actor, in any installed model, except those of the
    history tables (which record what was, and keep the old id).
    """
    found = []
    for model in apps.get_models(include_auto_created=True):
        if issubclass(model, HistorySnapshot):
            continue
        for model_field in model._meta.concrete_fields:
            if isinstance(model_field, models.ForeignKey) and (
                model_field.related_model is Actor
            ):
                found.append(model_field)
    return sorted(found, key=relation)


def relation(model_field: models.ForeignKey) -> str:
    """A reference's name in a merge record: "events.participant.actor"."""
    return f"{model_field.model._meta.label_lower}.{model_field.name}"


def readable(name: str) -> str:
    """A relation or a model in a merge record, for editors: "participants (actor)"."""
    if name.count(".") == 2:
        reference = field_of(name)
        plural = reference.model._meta.verbose_name_plural
        return f"{plural} ({reference.verbose_name})"
    return str(apps.get_model(name)._meta.verbose_name_plural)


def field_of(name: str) -> models.ForeignKey:
    label, field_name = name.rsplit(".", 1)
    return apps.get_model(label)._meta.get_field(field_name)


def unique_together_with(model_field: models.ForeignKey) -> list[list[str]]:
    """The other fields of each plain unique constraint that holds this one."""
    model = model_field.model
    sets = [list(names) for names in model._meta.unique_together]
    sets += [list(c.fields) for c in model._meta.total_unique_constraints]
    return [
        [name for name in names if name != model_field.name]
        for names in sets
        if model_field.name in names
    ]


def row_values(obj: models.Model) -> dict:
    """A row whole, by attribute name, as JSON keeps it."""
    values = {}
    for model_field in obj._meta.concrete_fields:
        value = getattr(obj, model_field.attname)
        if isinstance(value, datetime.datetime | datetime.date):
            value = value.isoformat()
        values[model_field.attname] = value
    return values


def ancestors(actor: Actor) -> list[int]:
    """The ids of the actor's parent, its parent's parent, and so on."""
    found: list[int] = []
    parent_id = actor.parent_id
    while parent_id is not None and parent_id not in found:
        found.append(parent_id)
        parent_id = (
            Actor.objects.filter(pk=parent_id).values_list("parent_id", flat=True)
        ).first()
    return found


@dataclass
class Preview:
    """What a merge would move, for the editor to confirm, by readable name."""

    moved: dict[str, int] = field(default_factory=dict)
    removed: dict[str, int] = field(default_factory=dict)
    revisions: int = 0
    events: int = 0
    published_events: int = 0

    @property
    def rows(self) -> int:
        return sum(self.moved.values()) + sum(self.removed.values())


def check_mergeable(*, merged: Actor, into: Actor) -> None:
    if merged.pk == into.pk:
        raise MergeRefused("An actor cannot be merged into itself.")
    if merged.pk in ancestors(into):
        raise MergeRefused(
            f"{into} belongs to {merged} (through its affiliation): an actor "
            "cannot take the place of its own affiliation. Merge them the other "
            "way, or change the affiliation first."
        )
    if (
        merged.wikidata_id
        and into.wikidata_id
        and merged.wikidata_id != into.wikidata_id
    ):
        raise MergeRefused(
            f"{merged} is {merged.wikidata_id} on Wikidata and {into} is "
            f"{into.wikidata_id}: two different entities. Correct the wrong id "
            "first if they are one."
        )


def preview(*, merged: Actor, into: Actor) -> Preview:
    """How many rows merging `merged` into `into` would re-point or remove."""
    result = Preview()
    events: set[int] = set()
    for reference in references():
        rows = reference.model._default_manager.filter(**{reference.name: merged.pk})
        duplicates = _duplicates(rows, reference, into)
        moved = rows.count() - duplicates.count()
        if moved:
            result.moved[readable(relation(reference))] = moved
        if removed := duplicates.count():
            key = readable(reference.model._meta.label_lower)
            result.removed[key] = result.removed.get(key, 0) + removed
        if reference.model is Participant:
            events |= set(rows.values_list("event_id", flat=True))
    result.revisions = len(_pending_naming(merged.pk))
    result.events = len(events)
    result.published_events = Event.objects.filter(
        pk__in=events, status=Event.Status.PUBLISHED
    ).count()
    return result


def _duplicates(
    rows: models.QuerySet, reference: models.ForeignKey, into: Actor
) -> models.QuerySet:
    """Rows that, re-pointed, would repeat a row the survivor already has."""
    clash = models.Q(pk__in=[])
    for others in unique_together_with(reference):
        twin = reference.model._default_manager.filter(
            **{reference.name: into.pk}, **{name: OuterRef(name) for name in others}
        )
        clash |= models.Q(Exists(twin))
    return rows.filter(clash)


def _pending_naming(actor_id: int) -> list[Revision]:
    """Changes awaiting review whose participants name the actor."""
    return [
        revision
        for revision in Revision.objects.pending().order_by("pk")
        if any(
            actor_id in (row.get("actor"), row.get("on_behalf_of"))
            for values in (revision.values, revision.base_values)
            for row in values.get("participants", [])
        )
    ]


def _repointed(rows: list[dict], old: int, new: int) -> list[dict]:
    """Participants of a revision with `old` read as `new`, each actor once per role."""
    moved = [
        {
            key: (
                new
                if key in ("actor", "on_behalf_of") and row.get(key) == old
                else row.get(key)
            )
            for key in PARTICIPANT_KEYS
        }
        for row in rows
    ]
    seen: set[tuple] = set()
    kept = []
    for row in moved:
        if (row["actor"], row["role"]) not in seen:
            seen.add((row["actor"], row["role"]))
            kept.append(row)
    return revision_participants(kept)


def _touch_owners(rows: dict[type[models.Model], set[int]]) -> None:
    """The events and agreements whose participants or parties changed."""
    now = timezone.now()
    for owner, ids in rows.items():
        if ids:
            owner.objects.filter(pk__in=ids).update(updated_at=now)


def merge(*, merged: Actor, into: Actor, user: AbstractBaseUser) -> ActorMerge:
    """
    Merge `merged` into `into` (see the module's docstring) and return the
    record that can undo it.
    """
    with transaction.atomic():
        # Both rows locked, in id order, so two merges cannot cross.
        locked = {
            actor.pk: actor
            for actor in Actor.objects.select_for_update()
            .filter(pk__in=[merged.pk, into.pk])
            .order_by("pk")
        }
        if merged.pk not in locked or into.pk not in locked:
            raise MergeRefused("One of the two actors no longer exists.")
        merged, into = locked[merged.pk], locked[into.pk]
        check_mergeable(merged=merged, into=into)
        record = ActorMerge.objects.create(
            survivor_id=into.pk,
            survivor_name=str(into),
            merged_id=merged.pk,
            merged=row_values(merged),
            survivor_before={
                "aliases": list(into.aliases),
                "wikidata_id": into.wikidata_id,
            },
            merged_by=user,
        )
        with pghistory.context(actor_merge=record.pk):
            _merge_rows(record, merged=merged, into=into)
        return record


def _merge_rows(record: ActorMerge, *, merged: Actor, into: Actor) -> None:
    owners: dict[type[models.Model], set[int]] = {Event: set(), Agreement: set()}
    for reference in references():
        model = reference.model
        rows = model._default_manager.filter(**{reference.name: merged.pk})
        duplicates = list(_duplicates(rows, reference, into).order_by("pk"))
        if duplicates:
            key = model._meta.label_lower
            record.removed.setdefault(key, [])
            record.removed[key] += [row_values(row) for row in duplicates]
            model._default_manager.filter(
                pk__in=[row.pk for row in duplicates]
            ).delete()
        ids = list(rows.order_by("pk").values_list("pk", flat=True))
        if ids:
            record.moved[relation(reference)] = ids
            model._default_manager.filter(pk__in=ids).update(
                **{reference.name: into.pk}
            )
        if model in OWNERS:
            owner_field, owner = OWNERS[model]
            owners[owner] |= {getattr(row, owner_field) for row in duplicates}
            owners[owner] |= set(
                model._default_manager.filter(pk__in=ids).values_list(
                    owner_field, flat=True
                )
            )
    for revision in _pending_naming(merged.pk):
        before = {"values": revision.values, "base_values": revision.base_values}
        for name in ("values", "base_values"):
            values = dict(getattr(revision, name))
            if "participants" in values:
                values["participants"] = _repointed(
                    values["participants"], merged.pk, into.pk
                )
            setattr(revision, name, values)
        revision.save(update_fields=["values", "base_values", "updated_at"])
        record.revisions.append(
            {
                "id": revision.pk,
                "before": before,
                "after": {
                    "values": revision.values,
                    "base_values": revision.base_values,
                },
            }
        )
    _touch_owners(owners)
    # The names first, then the row: the survivor learns every name the
    # merged actor was known by before that actor is gone.
    added = _new_aliases(into, [merged.name, *merged.aliases])
    into.aliases = [*into.aliases, *added]
    fields = ["aliases", "updated_at"]
    if merged.wikidata_id and not into.wikidata_id:
        into.wikidata_id = record.added_wikidata_id = merged.wikidata_id
        fields.append("wikidata_id")
    into.save(update_fields=fields)
    record.added_aliases = added
    merged.delete()
    record.save(
        update_fields=["moved", "removed", "revisions", "added_aliases",
                       "added_wikidata_id"]
    )  # fmt: skip


def _new_aliases(actor: Actor, names: list[str]) -> list[str]:
    """The names the actor does not know yet, each once, as they were written."""
    known = Actor(name=actor.name, aliases=list(actor.aliases))
    added = []
    for name in names:
        if not knows_name(known, name):
            added.append(name)
            known.aliases.append(name)
    return added


# --- undo ---------------------------------------------------------------------------


def undo(*, record: ActorMerge, user: AbstractBaseUser) -> list[str]:
    """
    Bring the merged actor back under its id and point back at it exactly
    the rows the merge moved, recreating those it removed; take back the
    aliases and Wikidata id the survivor took from it. Refused, with the
    reason, when it would overwrite something changed since: a moved row
    that now names another actor, a name now taken. Returns notes on what
    could not be put back and did not need to be (rows deleted since).
    """
    with transaction.atomic():
        record = ActorMerge.objects.select_for_update().get(pk=record.pk)
        if record.undone_at is not None:
            raise MergeRefused("This merge has already been undone.")
        survivor = (
            Actor.objects.select_for_update().filter(pk=record.survivor_id).first()
        )
        if survivor is None:
            raise MergeRefused(
                f"{record.survivor_name} (actor {record.survivor_id}) no longer "
                "exists: undo the merge or deletion that removed it first."
            )
        notes = _check_undo(record, survivor)
        with pghistory.context(actor_merge=record.pk, undo=True):
            _undo_rows(record, survivor)
        record.undone_at = timezone.now()
        record.undone_by = user
        record.save(update_fields=["undone_at", "undone_by"])
        return notes


def _check_undo(record: ActorMerge, survivor: Actor) -> list[str]:
    merged = record.merged
    if Actor.objects.filter(pk=record.merged_id).exists():
        raise MergeRefused(f"Actor {record.merged_id} exists again already.")
    same_name = Actor.objects.filter(
        name__iexact=merged["name"], country=merged["country"]
    ).exclude(pk=survivor.pk)
    if same_name.exists() or (
        survivor.name.casefold() == merged["name"].casefold()
        and survivor.country == merged["country"]
    ):
        raise MergeRefused(
            f"The name “{merged['name']}” is another actor’s now; rename that "
            "actor first."
        )
    parent_id = merged["parent_id"]
    if parent_id is not None and not Actor.objects.filter(pk=parent_id).exists():
        raise MergeRefused(
            f"{merged['name']} belonged to actor {parent_id}, which no longer "
            "exists: undo the merge or deletion that removed it first."
        )
    notes = []
    for name, ids in record.moved.items():
        reference = field_of(name)
        rows = dict(
            reference.model._default_manager.filter(pk__in=ids).values_list(
                "pk", reference.attname
            )
        )
        elsewhere = sorted(
            pk for pk, actor_id in rows.items() if actor_id != survivor.pk
        )
        if elsewhere:
            label = reference.model._meta.verbose_name
            raise MergeRefused(
                f"Since the merge, {label} {', '.join(map(str, elsewhere[:10]))} "
                f"no longer names {survivor} as its {reference.verbose_name}: "
                "undoing the merge would overwrite that change. Undo the later "
                "change (or merge) first."
            )
        gone = len(ids) - len(rows)
        if gone:
            notes.append(
                f"{gone} {reference.model._meta.verbose_name_plural} re-pointed "
                "by the merge were deleted since and stay deleted."
            )
    return notes


def _undo_rows(record: ActorMerge, survivor: Actor) -> None:
    merged = record.merged
    actor = Actor(
        pk=record.merged_id,
        **{name: merged[name] for name in ACTOR_FIELDS if name not in
           ("created_at", "updated_at")},
    )  # fmt: skip
    actor.save(force_insert=True)
    # auto_now and auto_now_add stamp the insert with the present.
    Actor.objects.filter(pk=actor.pk).update(
        created_at=merged["created_at"], updated_at=merged["updated_at"]
    )
    owners: dict[type[models.Model], set[int]] = {Event: set(), Agreement: set()}
    for name, ids in record.moved.items():
        reference = field_of(name)
        rows = reference.model._default_manager.filter(pk__in=ids)
        rows.update(**{reference.name: actor.pk})
        if reference.model in OWNERS:
            owner_field, owner = OWNERS[reference.model]
            owners[owner] |= set(rows.values_list(owner_field, flat=True))
    for label, rows in record.removed.items():
        model = apps.get_model(label)
        restored = []
        for values in rows:
            row = model(**values)
            owner = OWNERS.get(model)
            if owner and not owner[1].objects.filter(pk=values[owner[0]]).exists():
                continue  # its event or agreement was deleted since
            restored.append(row)
            if owner:
                owners[owner[1]].add(values[owner[0]])
        model._default_manager.bulk_create(restored)
    for change in record.revisions:
        revision = Revision.objects.filter(pk=change["id"]).first()
        after = change["after"]
        if (
            revision is not None
            and revision.state == Revision.State.PENDING
            and {"values": revision.values, "base_values": revision.base_values}
            == after
        ):
            revision.values = change["before"]["values"]
            revision.base_values = change["before"]["base_values"]
            revision.save(update_fields=["values", "base_values", "updated_at"])
    _touch_owners(owners)
    survivor.aliases = [
        alias for alias in survivor.aliases if alias not in record.added_aliases
    ]
    fields = ["aliases", "updated_at"]
    if record.added_wikidata_id and survivor.wikidata_id == record.added_wikidata_id:
        survivor.wikidata_id = ""
        fields.append("wikidata_id")
    survivor.save(update_fields=fields)
