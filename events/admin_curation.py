"""
The curation screen of an article in the admin, and the JSON it talks to:
the text with its findings beside the events to make of it, as cards an
editor corrects and saves, submits or publishes in one action (see
docs/workbench.md). Editors and reviewers only; analysts are refused.
"""

import datetime
import json

from django import forms
from django.contrib import admin
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.contrib.gis.geos import Point
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.urls import path, reverse
from django.views.decorators.http import require_GET, require_POST

from events import curation, lookup, workflow
from events.models import (
    EARLIEST_DATE,
    LATEST_DATE,
    Actor,
    DatePrecision,
    Event,
    GeoPrecision,
    Location,
    Participant,
    SourceArticle,
    period_bounds,
)

# Bounds on what one request may carry: far beyond an article's needs.
MAX_CARDS = 100
MAX_ROWS = 50
MAX_BODY = 2_000_000
DATE_RE = r"^\d{4}(-\d{2}(-\d{2})?)?$"
# The parts a date needs at each precision: a day is YYYY-MM-DD, a year YYYY.
DATE_PARTS = {
    DatePrecision.DAY: 3,
    DatePrecision.WEEK: 3,
    DatePrecision.MONTH: 2,
    DatePrecision.YEAR: 1,
}
PLACE_KINDS = [Location.Kind.SITE, Location.Kind.CITY, Location.Kind.REGION]


def may_curate(user: AbstractBaseUser | AnonymousUser) -> bool:
    """Editors and reviewers curate: they add and change events."""
    return (
        user.is_active
        and user.has_perm("events.add_event")
        and user.has_perm("events.change_event")
    )


def _allowed(request: HttpRequest) -> None:
    if not may_curate(request.user):
        raise PermissionDenied


def _json_body(request: HttpRequest) -> dict:
    if len(request.body) > MAX_BODY:
        raise ValueError("The request is too large.")
    try:
        data = json.loads(request.body or b"{}")
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise ValueError("The request is not JSON.") from None
    if not isinstance(data, dict):
        raise ValueError("The request must be a JSON object.")
    return data


def _refused(message: str, *, errors: dict | None = None, status: int = 400):
    return JsonResponse({"error": message, "errors": errors or {}}, status=status)


# --- reading cards ----------------------------------------------------------


class CardForm(forms.Form):
    """A card's own fields; participants and citations are read beside it."""

    key = forms.RegexField(regex=r"^[\w-]{1,40}$")
    title = forms.CharField(max_length=300)
    summary = forms.CharField(required=False, max_length=20_000)
    event_type = forms.ChoiceField(choices=Event.Type.choices)
    sub_event_type = forms.CharField(required=False, max_length=100)
    date = forms.RegexField(
        regex=DATE_RE,
        error_messages={
            "invalid": "Write the date as YYYY-MM-DD, YYYY-MM or YYYY.",
            "required": "An event needs a date.",
        },
    )
    end = forms.RegexField(
        regex=DATE_RE,
        required=False,
        error_messages={"invalid": "Write the end as YYYY-MM-DD, YYYY-MM or YYYY."},
    )
    precision = forms.ChoiceField(choices=DatePrecision.choices)
    geo_precision = forms.ChoiceField(
        choices=[("", "from the place"), *GeoPrecision.choices], required=False
    )
    fatalities_low = forms.IntegerField(required=False, min_value=0, max_value=10**7)
    fatalities_best = forms.IntegerField(required=False, min_value=0, max_value=10**7)
    fatalities_high = forms.IntegerField(required=False, min_value=0, max_value=10**7)
    confidence = forms.ChoiceField(choices=Event.Confidence.choices)
    event_id = forms.IntegerField(required=False, min_value=1)
    version = forms.IntegerField(required=False, min_value=1)

    def clean(self):
        data = super().clean()
        precision = data.get("precision")
        bounds = {}
        for name in ("date", "end"):
            value = data.get(name)
            if not value or not precision:
                continue
            if len(value.split("-")) < DATE_PARTS[precision]:
                self.add_error(
                    name,
                    f"A date to the {precision} needs "
                    + {3: "YYYY-MM-DD.", 2: "YYYY-MM.", 1: "YYYY."}[
                        DATE_PARTS[precision]
                    ],
                )
                continue
            try:
                day = curation.parse_date_value(value)
            except ValueError:
                self.add_error(name, "This is not a real date.")
                continue
            if not EARLIEST_DATE <= day <= LATEST_DATE:
                self.add_error(
                    name,
                    f"Dates run from {EARLIEST_DATE.year} to {LATEST_DATE.year}.",
                )
                continue
            bounds[name] = period_bounds(day, precision)
        if "date" in bounds:
            data["start_date"], data["end_date"] = bounds["date"]
            if "end" in bounds:
                data["end_date"] = bounds["end"][1]
                if data["end_date"] < data["start_date"]:
                    self.add_error("end", "The end comes before the start.")
        low, best, high = (data.get(f"fatalities_{n}") for n in ("low", "best", "high"))
        if low is not None and best is not None and low > best:
            self.add_error("fatalities_low", "The low count exceeds the best.")
        if best is not None and high is not None and best > high:
            self.add_error("fatalities_high", "The high count is below the best.")
        if low is not None and high is not None and low > high:
            self.add_error("fatalities_high", "The high count is below the low.")
        if bool(data.get("event_id")) != bool(data.get("version")):
            self.add_error("version", "A saved event's card carries its version.")
        return data


def _ref_id(value: object) -> int | None:
    """The id of {"id": n}; None for null; ValueError for anything else."""
    if value is None:
        return None
    if isinstance(value, dict) and type(value.get("id")) is int and value["id"] > 0:
        return value["id"]
    raise ValueError


def read_cards(raw: object, *, article: SourceArticle) -> list[curation.Card]:
    """
    Cards from the screen's JSON, or CardsRefused naming each field that is
    wrong (card key -> field -> message). Related objects are read in four
    queries, whatever the number of cards.
    """
    if not isinstance(raw, list) or not raw:
        raise curation.CardsRefused(message="There are no cards to save.")
    if len(raw) > MAX_CARDS:
        raise curation.CardsRefused(message=f"At most {MAX_CARDS} cards at once.")
    errors: dict[str, dict[str, str]] = {}
    parsed, wanted = [], {"actors": set(), "places": set()}
    for number, item in enumerate(raw):
        key = item.get("key") if isinstance(item, dict) else None
        key = key if isinstance(key, str) and key else f"card{number}"
        if not isinstance(item, dict):
            errors[key] = {"card": "A card is a JSON object."}
            continue
        scalars = {
            name: ("" if value is None else value)
            for name, value in item.items()
            if name in CardForm.base_fields and not isinstance(value, dict | list)
        }
        form = CardForm(scalars)
        problems = {}
        if not form.is_valid():
            problems = {name: " ".join(msgs) for name, msgs in form.errors.items()}
        try:
            place = item.get("place")
            if place is not None and not isinstance(place, dict):
                raise ValueError
            if place and place.get("id") is not None:
                wanted["places"].add(_ref_id(place))
            elif place and not (
                isinstance(place.get("key"), str)
                and place["key"].startswith(("geonames:", "airfield:"))
            ):
                raise ValueError
        except ValueError:
            problems["place"] = "Choose the place from the list."
        rows, citations = _rows(item, problems, wanted), _citations(item, problems)
        if problems:
            errors[key] = problems
        parsed.append((key, form, item, rows, citations))
    if errors:
        raise curation.CardsRefused(errors)

    actors = Actor.objects.in_bulk(wanted["actors"])
    places = Location.objects.in_bulk(wanted["places"])
    # A saved card is an event made from this article: other events are
    # edited on their own article's screen, or in their form.
    saved = set(
        Event.objects.filter(citations__article=article)
        .filter(
            pk__in=[
                f.cleaned_data["event_id"]
                for _, f, *_ in parsed
                if f.cleaned_data["event_id"]
            ]
        )
        .values_list("pk", flat=True)
    )
    cards = []
    for key, form, item, rows, citations in parsed:
        data = form.cleaned_data
        problems = {}
        roles = []
        for number, row in enumerate(rows):
            actor = actors.get(row["actor"]) if row["actor"] else None
            behalf = actors.get(row["on_behalf_of"]) if row["on_behalf_of"] else None
            if (row["actor"] and actor is None) or (
                row["on_behalf_of"] and behalf is None
            ):
                problems[f"roles.{number}"] = "This actor is no longer stored."
                continue
            roles.append(
                curation.Role(
                    actor=actor,
                    role=row["role"],
                    capacity=row["capacity"],
                    on_behalf_of=behalf,
                    new_actor=row["new_actor"],
                )
            )
        place = item.get("place") or {}
        location = places.get(place.get("id")) if place.get("id") else None
        if place.get("id") and location is None:
            problems["place"] = "This place is no longer stored."
        if data["event_id"] and data["event_id"] not in saved:
            problems["card"] = "This event is not one made from this article."
        point = _point(item.get("point"), problems)
        if problems:
            errors[key] = problems
            continue
        cards.append(
            curation.Card(
                key=key,
                event_id=data["event_id"],
                version=data["version"],
                title=data["title"],
                summary=data["summary"],
                event_type=data["event_type"],
                sub_event_type=data["sub_event_type"],
                start_date=data["start_date"],
                end_date=data["end_date"],
                date_precision=data["precision"],
                location=location,
                place_key="" if location else place.get("key", ""),
                geo_precision=data["geo_precision"],
                point=point,
                fatalities_low=data["fatalities_low"],
                fatalities_best=data["fatalities_best"],
                fatalities_high=data["fatalities_high"],
                confidence=data["confidence"],
                roles=roles,
                citations=citations,
                spans=_spans(item.get("spans"), article),
            )
        )
    if errors:
        raise curation.CardsRefused(errors)
    return cards


def _rows(item: dict, problems: dict, wanted: dict) -> list[dict]:
    raw = item.get("roles") or []
    if not isinstance(raw, list) or len(raw) > MAX_ROWS:
        problems["roles"] = f"At most {MAX_ROWS} participants, as a list."
        return []
    rows = []
    for number, row in enumerate(raw):
        name = f"roles.{number}"
        if not isinstance(row, dict):
            problems[name] = "A participant is a JSON object."
            continue
        role = row.get("role")
        if role not in Participant.Role.values:
            problems[f"{name}.role"] = "Choose a role from the list."
            continue
        capacity = row.get("capacity") or ""
        if not isinstance(capacity, str) or len(capacity) > 200:
            problems[f"{name}.capacity"] = (
                "An office is text of at most 200 characters."
            )
            continue
        try:
            actor, behalf = _ref_id(row.get("actor")), _ref_id(row.get("on_behalf_of"))
        except ValueError:
            problems[name] = "Choose the actor from the list."
            continue
        new_actor = None
        if actor is None:
            new_actor = _new_actor(row.get("new"), name, problems)
            if new_actor is None:
                continue
        wanted["actors"] |= {actor, behalf} - {None}
        rows.append(
            {
                "actor": actor,
                "on_behalf_of": behalf,
                "role": role,
                "capacity": capacity.strip(),
                "new_actor": new_actor,
            }
        )
    return rows


def _new_actor(raw: object, name: str, problems: dict) -> curation.NewActor | None:
    if not isinstance(raw, dict):
        problems[name] = "Choose an actor, or name a new one."
        return None
    actor_name = raw.get("name")
    if (
        not isinstance(actor_name, str)
        or not actor_name.strip()
        or len(actor_name) > 300
    ):
        problems[f"{name}.name"] = "A new actor needs a name (at most 300 characters)."
        return None
    kind = raw.get("kind")
    if kind not in Actor.Kind.values:
        problems[f"{name}.kind"] = f"Choose what kind of actor {actor_name.strip()} is."
        return None
    country = raw.get("country") or ""
    if country and country not in lookup.countries():
        problems[f"{name}.country"] = "Choose the country from the list."
        return None
    return curation.NewActor(name=actor_name.strip(), kind=kind, country=country)


def _citations(item: dict, problems: dict) -> list[tuple[int, int]]:
    raw = item.get("citations") or []
    if not isinstance(raw, list) or len(raw) > MAX_ROWS:
        problems["citations"] = f"At most {MAX_ROWS} citations, as a list."
        return []
    spans = []
    for citation in raw:
        start = citation.get("start") if isinstance(citation, dict) else None
        end = citation.get("end") if isinstance(citation, dict) else None
        if type(start) is not int or type(end) is not int or not 0 <= start < end:
            problems["citations"] = "A citation is a span of the text: start < end."
            return []
        if (start, end) not in spans:
            spans.append((start, end))
    return spans


def _spans(raw: object, article: SourceArticle) -> list[tuple[int, int]]:
    if not isinstance(raw, list):
        return []
    return [
        (span[0], span[1])
        for span in raw[:MAX_ROWS]
        if isinstance(span, list)
        and len(span) == 2
        and all(type(n) is int for n in span)
        and 0 <= span[0] < span[1] <= len(article.body)
    ]


def _point(raw: object, problems: dict) -> Point | None:
    if raw is None:
        return None
    try:
        lat, lon = float(raw["lat"]), float(raw["lon"])
    except (TypeError, KeyError, ValueError):
        problems["point"] = "A point is a latitude and a longitude."
        return None
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        problems["point"] = "A point is a latitude and a longitude."
        return None
    return Point(lon, lat, srid=4326)


# --- views ------------------------------------------------------------------


def screen_view(
    request: HttpRequest, model_admin: admin.ModelAdmin, article_id: int
) -> HttpResponse:
    _allowed(request)
    article = get_object_or_404(SourceArticle, pk=article_id)
    state = curation.screen_state(article=article, user=request.user)
    ctx = {
        **model_admin.admin_site.each_context(request),
        "opts": SourceArticle._meta,
        "title": f"Curate: {article}",
        "article": article,
        "state": state,
        "pieces": _pieces(article.body, state["highlights"]),
        "config": {
            "urls": {
                "state": reverse(
                    "admin:events_sourcearticle_curate_state", args=[article.pk]
                ),
                "save": reverse(
                    "admin:events_sourcearticle_curate_save", args=[article.pk]
                ),
                "metadata": reverse(
                    "admin:events_sourcearticle_curate_metadata", args=[article.pk]
                ),
                "discard": reverse(
                    "admin:events_sourcearticle_curate_discard", args=[article.pk]
                ),
                "places": reverse("admin:events_sourcearticle_curate_places"),
                "actors": reverse("admin:events_sourcearticle_curate_actors"),
                "basemap": reverse("events:basemap"),
            },
            "can_publish": workflow.can_publish(request.user),
            "types": Event.Type.choices,
            "sub_types": curation.SUB_TYPES,
            "type_roles": curation.TYPE_ROLES,
            "roles": Participant.Role.choices,
            "precisions": DatePrecision.choices,
            "geo_precisions": GeoPrecision.choices,
            "confidences": Event.Confidence.choices,
            "actor_kinds": Actor.Kind.choices,
            "place_kinds": [(k, Location.Kind(k).label) for k in PLACE_KINDS],
            "countries": sorted(
                ((iso3, name) for iso3, (_, name) in lookup.countries().items()),
                key=lambda pair: pair[1],
            ),
        },
    }
    return render(request, "admin/events/curate.html", ctx)


def _pieces(text: str, highlights: list[dict]) -> list[dict]:
    """The text cut into plain runs and findings, each with its offset."""
    pieces, position = [], 0
    for span in highlights:
        if span["start"] > position:
            pieces.append({"start": position, "text": text[position : span["start"]]})
        pieces.append(
            {
                "start": span["start"],
                "text": text[span["start"] : span["end"]],
                "kind": span["kind"],
                "known": bool(span.get("actor_id") or span.get("location_id")),
                "label": span["label"],
            }
        )
        position = span["end"]
    if position < len(text):
        pieces.append({"start": position, "text": text[position:]})
    return pieces


@require_GET
def state_view(request: HttpRequest, article_id: int) -> JsonResponse:
    _allowed(request)
    article = get_object_or_404(SourceArticle, pk=article_id)
    published = None
    if request.GET.get("published"):
        try:
            published = datetime.date.fromisoformat(request.GET["published"])
        except ValueError:
            return _refused(
                "Write the publication date as YYYY-MM-DD.",
                errors={"article": {"published_on": "Write it as YYYY-MM-DD."}},
            )
    return JsonResponse(
        curation.screen_state(article=article, user=request.user, published=published)
    )


class MetadataForm(forms.Form):
    published_on = forms.DateField(
        required=False,
        input_formats=["%Y-%m-%d"],
        error_messages={"invalid": "Write the publication date as YYYY-MM-DD."},
    )
    publisher = forms.CharField(required=False, max_length=200)
    author = forms.CharField(required=False, max_length=200)

    def clean_published_on(self):
        day = self.cleaned_data["published_on"]
        if day is not None and not EARLIEST_DATE <= day <= LATEST_DATE:
            raise forms.ValidationError("That is not a publication date.")
        return day


def _metadata(raw: object) -> tuple[dict, dict]:
    """Values and loaded values from the JSON, or ValueError naming the field."""
    if not isinstance(raw, dict):
        raise ValueError({"article": "Send the article's metadata as an object."})
    values = raw.get("values") or {}
    loaded = raw.get("loaded") or {}
    if not isinstance(values, dict) or not isinstance(loaded, dict):
        raise ValueError({"article": "Send the article's metadata as an object."})
    sent = {
        name: values[name]
        for name in curation.METADATA_FIELDS
        if name in values and isinstance(values[name], str | type(None))
    }
    form = MetadataForm({name: value or "" for name, value in sent.items()})
    if not form.is_valid():
        raise ValueError({name: " ".join(m) for name, m in form.errors.items()})
    cleaned = {name: form.cleaned_data[name] for name in sent}
    for name in ("publisher", "author"):
        if name in cleaned:
            cleaned[name] = cleaned[name].strip()
    loaded = {
        name: loaded[name]
        for name in curation.METADATA_FIELDS
        if isinstance(loaded.get(name), str)
    }
    return cleaned, loaded


@require_POST
def metadata_view(request: HttpRequest, article_id: int) -> JsonResponse:
    """Save the article's publication date, outlet and author; the state again."""
    _allowed(request)
    article = get_object_or_404(SourceArticle, pk=article_id)
    try:
        values, loaded = _metadata(_json_body(request))
    except ValueError as bad:
        detail = bad.args[0]
        if isinstance(detail, dict):
            return _refused(
                "Nothing was saved: " + " ".join(detail.values()),
                errors={"article": detail},
            )
        return _refused(str(detail))
    try:
        article = curation.save_metadata(article=article, loaded=loaded, values=values)
    except curation.MetadataStale as stale:
        return _refused(str(stale), status=409)
    return JsonResponse(curation.screen_state(article=article, user=request.user))


@require_POST
def save_view(request: HttpRequest, article_id: int) -> JsonResponse:
    """
    Save every card in one transaction (action "save"), then submit the
    drafts for review ("submit") or publish them all ("publish", reviewers);
    the article's metadata with them when sent. Nothing is saved if any card
    is wrong: the answer names each card's fields.
    """
    _allowed(request)
    article = get_object_or_404(SourceArticle, pk=article_id)
    try:
        data = _json_body(request)
    except ValueError as bad:
        return _refused(str(bad))
    action = data.get("action")
    if action not in (curation.SAVE, curation.SUBMIT, curation.PUBLISH):
        return _refused("Unknown action.", errors={"action": {"action": "Unknown."}})
    if action == curation.PUBLISH and not workflow.can_publish(request.user):
        raise PermissionDenied
    try:
        cards = read_cards(data.get("cards"), article=article)
        with transaction.atomic():
            if data.get("metadata") is not None:
                values, loaded = _metadata(data["metadata"])
                article = curation.save_metadata(
                    article=article, loaded=loaded, values=values
                )
            events = curation.save_cards(
                article=article, cards=cards, user=request.user, action=action
            )
    except curation.CardsRefused as refused:
        return _refused(
            refused.message,
            errors=refused.errors,
            status=409 if refused.stale else 400,
        )
    except curation.MetadataStale as stale:
        return _refused(str(stale), status=409)
    except ValueError as bad:
        detail = bad.args[0]
        if not isinstance(detail, dict):
            detail = {"article": str(detail)}
        return _refused(
            "Nothing was saved: " + " ".join(detail.values()),
            errors={"article": detail},
        )
    except workflow.TransitionError as refused:
        return _refused(refused.message, status=403)
    article.refresh_from_db()  # its proposals set aside, its state moved on
    return JsonResponse(
        {
            "saved": [event.pk for event in events],
            "statuses": {event.pk: event.status for event in events},
            "state": curation.screen_state(article=article, user=request.user),
        }
    )


@require_POST
def discard_view(request: HttpRequest, article_id: int) -> JsonResponse:
    """Set a proposal aside (kept with the article), or bring it back."""
    _allowed(request)
    article = get_object_or_404(SourceArticle, pk=article_id)
    try:
        data = _json_body(request)
    except ValueError as bad:
        return _refused(str(bad))
    start, end = data.get("start"), data.get("end")
    if (
        type(start) is not int
        or type(end) is not int
        or not (0 <= start < end <= len(article.body))
    ):
        return _refused(
            "That proposal is not in this article.",
            errors={"span": {"start": "Not a span of the text."}},
        )
    if data.get("undo") is True:
        curation.restore_proposal(article=article, start=start, end=end)
    else:
        curation.discard_proposals(article=article, spans=[(start, end)])
    return JsonResponse(
        {"start": start, "end": end, "discarded": data.get("undo") is not True}
    )


class ClickedPlaceForm(forms.Form):
    name = forms.CharField(max_length=200)
    kind = forms.ChoiceField(choices=[(k, Location.Kind(k).label) for k in PLACE_KINDS])
    lat = forms.FloatField(min_value=-90, max_value=90)
    lon = forms.FloatField(min_value=-180, max_value=180)


def places_view(request: HttpRequest) -> JsonResponse:
    """
    GET: stored and gazetteer places whose names begin with `q`, each told
    apart by kind, province and country. POST: the stored place for a
    gazetteer hit ({"key"}) or a point on the map ({"name", "kind", "lat",
    "lon"}), made the first time.
    """
    _allowed(request)
    if request.method == "GET":
        return JsonResponse({"results": lookup.place_choices(request.GET.get("q", ""))})
    if request.method != "POST":
        return _refused("GET or POST.", status=405)
    try:
        data = _json_body(request)
    except ValueError as bad:
        return _refused(str(bad))
    if "key" in data:
        key = data["key"]
        if not isinstance(key, str) or len(key) > 60:
            return _refused(
                "Choose the place from the list.", errors={"place": {"key": "Unknown."}}
            )
        try:
            location = lookup.store_gazetteer_place(key)
        except LookupError as missing:
            return _refused(str(missing), errors={"place": {"key": str(missing)}})
    else:
        form = ClickedPlaceForm(
            {
                k: v
                for k, v in data.items()
                if k in ClickedPlaceForm.base_fields and not isinstance(v, dict | list)
            }
        )
        if not form.is_valid():
            errors = {name: " ".join(m) for name, m in form.errors.items()}
            return _refused(
                "The place was not made: " + " ".join(errors.values()),
                errors={"place": errors},
            )
        location = lookup.store_clicked_place(**form.cleaned_data)
    location = Location.objects.select_related("parent").get(pk=location.pk)
    return JsonResponse({"place": lookup.location_choice(location)})


@require_GET
def actors_view(request: HttpRequest) -> JsonResponse:
    """Actors by name or alias, with the office their last event recorded."""
    _allowed(request)
    return JsonResponse({"results": lookup.actor_choices(request.GET.get("q", ""))})


def suggestions_view(request: HttpRequest, article_id: int) -> HttpResponse:
    """The suggestions page's old address: the curation screen replaced it."""
    return HttpResponseRedirect(
        reverse("admin:events_sourcearticle_curate", args=[article_id])
    )


def urls(model_admin: admin.ModelAdmin) -> list:
    """The screen and its JSON, under the articles' admin."""
    site = model_admin.admin_site

    def screen(request: HttpRequest, article_id: int) -> HttpResponse:
        return screen_view(request, model_admin, article_id)

    views = {
        "curate/places/": ("places", places_view),
        "curate/actors/": ("actors", actors_view),
        "<int:article_id>/curate/": ("", screen),
        "<int:article_id>/curate/state/": ("state", state_view),
        "<int:article_id>/curate/save/": ("save", save_view),
        "<int:article_id>/curate/metadata/": ("metadata", metadata_view),
        "<int:article_id>/curate/discard/": ("discard", discard_view),
    }
    old = path(
        "<int:article_id>/suggestions/",
        site.admin_view(suggestions_view),
        name="events_sourcearticle_suggestions",
    )
    return [
        path(
            route,
            site.admin_view(view),
            name="_".join(filter(None, ["events_sourcearticle_curate", suffix])),
        )
        for route, (suffix, view) in views.items()
    ] + [old]
