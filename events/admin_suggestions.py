"""
The suggestions page of an article in the admin: the text with the actors,
places and dates found highlighted, and the proposed events beside it to
accept (as they are or corrected) or reject.
"""

from django import forms
from django.contrib import admin, messages
from django.contrib.auth.models import AnonymousUser, User
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse

from events import curation
from events.extract import suggest
from events.models import (
    Actor,
    DatePrecision,
    Event,
    Location,
    Participant,
    SourceArticle,
)


class ProposalForm(forms.Form):
    start = forms.IntegerField(min_value=0, widget=forms.HiddenInput)
    end = forms.IntegerField(min_value=1, widget=forms.HiddenInput)
    title = forms.CharField(max_length=300)
    event_type = forms.ChoiceField(choices=Event.Type.choices)
    date_value = forms.RegexField(
        regex=r"^\d{4}(-\d{2}(-\d{2})?)?$",
        label="Date",
        help_text="YYYY-MM-DD, YYYY-MM or YYYY",
        error_messages={"invalid": "Write the date as YYYY-MM-DD, YYYY-MM or YYYY."},
    )
    date_precision = forms.ChoiceField(choices=DatePrecision.choices, label="Precision")
    location = forms.ModelChoiceField(
        queryset=Location.objects.all(), required=False, widget=forms.HiddenInput
    )
    place_name = forms.CharField(required=False, widget=forms.HiddenInput)
    lat = forms.FloatField(
        required=False, min_value=-90, max_value=90, widget=forms.HiddenInput
    )
    lon = forms.FloatField(
        required=False, min_value=-180, max_value=180, widget=forms.HiddenInput
    )

    def __init__(self, *args, article: SourceArticle, **kwargs):
        super().__init__(*args, **kwargs)
        self.article = article

    def clean(self):
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if (
            start is not None
            and end is not None
            and not (start < end <= len(self.article.body))
        ):
            raise forms.ValidationError(
                "The proposal does not point into this article."
            )
        if data.get("date_value"):
            try:
                curation.parse_date_value(data["date_value"])
            except ValueError:
                self.add_error("date_value", "This is not a real date.")
        return data

    def participants(self, post) -> list[tuple[Actor, str]]:
        """Actors ticked in the form, each with the role chosen for it."""
        ids = [int(value) for value in post.getlist("actor") if value.isdigit()]
        roles = dict(Participant.Role.choices)
        chosen = []
        for actor in Actor.objects.filter(pk__in=ids):
            role = post.get(f"role_{actor.pk}", Participant.Role.MENTIONED)
            chosen.append(
                (actor, role if role in roles else Participant.Role.MENTIONED)
            )
        return chosen


def _highlight(text: str, suggestions: dict) -> list[dict]:
    """The text cut into plain runs and highlighted findings, without overlaps."""
    spans = []
    for kind in ("actors", "places", "dates"):
        for item in suggestions[kind]:
            label = item.get("name") or item.get("value") or ""
            known = item.get("actor_id") or item.get("location_id")
            spans.append((item["start"], item["end"], kind, label, bool(known)))
    spans.sort(key=lambda span: (span[0], -span[1]))
    pieces, position = [], 0
    for start, end, kind, label, known in spans:
        if start < position:
            continue
        if start > position:
            pieces.append({"text": text[position:start]})
        pieces.append(
            {"text": text[start:end], "kind": kind, "label": label, "known": known}
        )
        position = end
    pieces.append({"text": text[position:]})
    return pieces


def _proposals(
    article: SourceArticle, suggestions: dict, *, user: User | AnonymousUser
) -> list[dict]:
    # The events already made from the article's sentences, of those the
    # reader may see.
    accepted = {
        (c.start, c.end): c.event
        for c in article.citations.visible_to(user)
        .filter(event__isnull=False)
        .select_related("event")
    }
    rejected = {tuple(span) for span in article.rejected_spans}
    known = {
        actor.pk: actor
        for actor in Actor.objects.filter(
            pk__in=[
                a["actor_id"]
                for e in suggestions["events"]
                for a in e["actors"]
                if a.get("actor_id")
            ]
        )
    }
    proposals = []
    for index, event in enumerate(suggestions["events"]):
        span = (event["start"], event["end"])
        date = event.get("date") or {}
        place = event.get("place") or {}
        initial = {
            "start": event["start"],
            "end": event["end"],
            "title": event["title"][:300],
            "event_type": event["event_type"],
            "date_value": date.get("value") or "",
            "date_precision": date.get("precision") or DatePrecision.DAY,
            "location": place.get("location_id"),
            "place_name": place.get("name", ""),
            "lat": place.get("lat"),
            "lon": place.get("lon"),
        }
        proposals.append(
            {
                "index": index,
                "event": event,
                "form": ProposalForm(
                    initial=initial, article=article, prefix=f"p{index}"
                ),
                "accepted": accepted.get(span),
                "rejected": span in rejected,
                "actors": [
                    {**a, "actor": known.get(a.get("actor_id"))}
                    for a in event["actors"]
                ],
            }
        )
    return proposals


def suggestions_view(
    request: HttpRequest, model_admin: admin.ModelAdmin, article_id: int
) -> HttpResponse:
    article = get_object_or_404(SourceArticle, pk=article_id)
    if not model_admin.has_view_permission(request, article):
        raise PermissionDenied
    here = reverse("admin:events_sourcearticle_suggestions", args=[article.pk])
    if request.method == "POST":
        if not request.user.has_perm("events.add_event"):
            raise PermissionDenied
        response = _act(request, article)
        if response is not None:
            return response
        return HttpResponseRedirect(here)

    suggestions = suggest(article.body, published=article.published_on)
    candidates = {}
    for actor in suggestions["actors"]:
        if actor["actor_id"] is None:
            candidates.setdefault(actor["name"].casefold(), actor)
    ctx = {
        **model_admin.admin_site.each_context(request),
        "opts": SourceArticle._meta,
        "title": f"Suggestions: {article}",
        "article": article,
        "pieces": _highlight(article.body, suggestions),
        "proposals": _proposals(article, suggestions, user=request.user),
        "candidates": sorted(candidates.values(), key=lambda a: a["name"]),
        "suggestions": suggestions,
        "roles": Participant.Role.choices,
        "actor_kinds": Actor.Kind.choices,
        "can_add": request.user.has_perm("events.add_event"),
        "can_add_actor": request.user.has_perm("events.add_actor"),
    }
    return render(request, "admin/events/suggestions.html", ctx)


def _act(request: HttpRequest, article: SourceArticle) -> HttpResponse | None:
    action = request.POST.get("action", "")
    if action == "create_actor":
        if not request.user.has_perm("events.add_actor"):
            raise PermissionDenied
        name = request.POST.get("name", "").strip()[:300]
        kind = request.POST.get("kind", Actor.Kind.OTHER)
        if not name or kind not in Actor.Kind.values:
            messages.error(request, "A new actor needs a name and a kind.")
            return None
        actor = curation.create_candidate_actor(name=name, kind=kind)
        messages.success(request, f"Actor “{actor.name}” is in the database now.")
        return None

    prefix = request.POST.get("prefix", "")
    form = ProposalForm(request.POST, article=article, prefix=prefix)
    if action in {"reject", "unreject"}:
        span = (request.POST.get(f"{prefix}-start"), request.POST.get(f"{prefix}-end"))
        if not all(value and value.isdigit() for value in span):
            messages.error(request, "That proposal is not in this article.")
            return None
        start, end = (int(value) for value in span)
        if action == "reject":
            curation.reject_proposal(article=article, start=start, end=end)
            messages.info(request, "Proposal rejected.")
        else:
            curation.unreject_proposal(article=article, start=start, end=end)
        return None
    if action not in {"accept", "accept_edit"}:
        messages.error(request, "Unknown action.")
        return None
    if not form.is_valid():
        errors = "; ".join(
            f"{_label(form, name)}: {' '.join(errs)}"
            for name, errs in form.errors.items()
        )
        messages.error(request, f"Not accepted, nothing was saved: {errors}")
        return None
    data = form.cleaned_data
    proposal = curation.Proposal(
        start=data["start"],
        end=data["end"],
        title=data["title"],
        event_type=data["event_type"],
        date_value=data["date_value"],
        date_precision=data["date_precision"],
        location=data["location"],
        place_name=data["place_name"],
        lat=data["lat"],
        lon=data["lon"],
        participants=form.participants(request.POST),
    )
    event = curation.accept_proposal(
        article=article, proposal=proposal, user=request.user
    )
    link = reverse("admin:events_event_change", args=[event.pk])
    messages.success(request, f"Draft event created: “{event.title}”.")
    return HttpResponseRedirect(link) if action == "accept_edit" else None


def _label(form: forms.Form, name: str) -> str:
    field = form.fields.get(name)
    return str(field.label or name) if field else "proposal"
