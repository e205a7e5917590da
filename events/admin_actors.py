"""
One actor, one row, in the admin: the actor form warns when a name, alias,
acronym or Wikidata id already denotes another actor (actor_identity); an
editor merges two rows that are one actor, from the actor's page or from the
list, and undoes a merge from its record (actor_merge).
"""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.admin.widgets import AutocompleteSelect
from django.core.exceptions import PermissionDenied
from django.db.models import Count, QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.html import format_html, format_html_join

from events import actor_identity, actor_merge
from events.models import Actor, ActorMerge


def duplicate_error(duplicate: actor_identity.Duplicate) -> str:
    actor = duplicate.match.actor
    return format_html(
        '“{}” already denotes <a href="{}">{}</a> (actor {}), which {}. Use that '
        "actor, or merge the two.",
        duplicate.written,
        reverse("admin:events_actor_change", args=[actor.pk]),
        str(actor),
        actor.pk,
        duplicate.match.how,
    )


class ActorForm(forms.ModelForm):
    different_actor = forms.BooleanField(
        required=False,
        label="A different actor",
        help_text="Tick to save even though a name or alias above already "
        "denotes another actor, when it is truly someone else (two people of "
        "the same name). A shared Wikidata id is never saved twice.",
    )

    class Meta:
        model = Actor
        fields = [
            "name", "aliases", "kind", "country", "parent", "wikidata_id",
            "description",
        ]  # fmt: skip

    def clean(self) -> dict:
        data = super().clean()
        instance = self.instance
        adding = instance.pk is None
        name = data.get("name") or ""
        aliases = data.get("aliases") or []
        wikidata_id = data.get("wikidata_id") or ""
        known = set() if adding else {instance.name, *instance.aliases}
        found = actor_identity.duplicates(
            # What this save adds: a changed name, new aliases, a new id.
            name=name if name not in known else "",
            aliases=[alias for alias in aliases if alias not in known],
            kind=data.get("kind") or "",
            country=data.get("country") or "",
            wikidata_id=wikidata_id
            if adding or wikidata_id != instance.wikidata_id
            else "",
            exclude=[] if adding else [instance.pk],
            different_actor=bool(data.get("different_actor")),
        )
        for duplicate in found:
            self.add_error(duplicate.field, duplicate_error(duplicate))
        return data


# --- merging -------------------------------------------------------------------------


class MergeForm(forms.Form):
    into = forms.ModelChoiceField(
        queryset=Actor.objects.all(),
        label="Actor to keep",
        help_text="Search by any name, alias or acronym.",
    )

    def __init__(self, *args, merged: Actor, admin_site: admin.AdminSite, **kwargs):
        super().__init__(*args, **kwargs)
        self.merged = merged
        into = self.fields["into"]
        into.widget = AutocompleteSelect(Actor._meta.get_field("parent"), admin_site)
        # Set after the widget, which takes its choices from the queryset.
        into.queryset = Actor.objects.all()

    def clean_into(self) -> Actor:
        into = self.cleaned_data["into"]
        try:
            actor_merge.check_mergeable(merged=self.merged, into=into)
        except actor_merge.MergeRefused as refused:
            raise forms.ValidationError(refused.message) from None
        return into


def _done(request: HttpRequest, record: ActorMerge) -> None:
    messages.success(
        request,
        format_html(
            '{} is merged into {}. <a href="{}">The merge</a> can be undone.',
            record.merged["name"],
            record.survivor_name,
            reverse("admin:events_actormerge_change", args=[record.pk]),
        ),
    )


def merge_view(
    model_admin: admin.ModelAdmin, request: HttpRequest, object_id: str
) -> HttpResponse:
    """Merge this actor into one chosen by search: choose, see what moves, confirm."""
    if not actor_merge.may_merge(request.user):
        raise PermissionDenied
    merged = get_object_or_404(Actor, pk=object_id if object_id.isdigit() else None)
    data = request.POST if request.method == "POST" else (request.GET or None)
    form = MergeForm(data, merged=merged, admin_site=model_admin.admin_site)
    preview = None
    if form.is_bound and form.is_valid():
        into = form.cleaned_data["into"]
        if request.method == "POST" and "_merge" in request.POST:
            try:
                record = actor_merge.merge(merged=merged, into=into, user=request.user)
            except actor_merge.MergeRefused as refused:
                form.add_error("into", refused.message)
            else:
                _done(request, record)
                return HttpResponseRedirect(
                    reverse("admin:events_actor_change", args=[into.pk])
                )
        else:
            preview = actor_merge.preview(merged=merged, into=into)
    ctx = {
        **model_admin.admin_site.each_context(request),
        "opts": Actor._meta,
        "title": f"Merge {merged} into…",
        "merged": merged,
        "form": form,
        "media": model_admin.media + form.media,
        "preview": preview,
        "into": form.cleaned_data.get("into") if preview else None,
    }
    return render(request, "admin/events/actor/merge.html", ctx)


def merge_selected(
    model_admin: admin.ModelAdmin, request: HttpRequest, queryset: QuerySet
) -> HttpResponse | None:
    """The list's action: keep one of the selected actors, merge the others into it."""
    actors = list(
        queryset.annotate(events_count=Count("participations__event", distinct=True))
    )
    if len(actors) < 2:
        model_admin.message_user(
            request, "Select two actors or more to merge.", messages.WARNING
        )
        return None
    keep = request.POST.get("keep", "")
    chosen = next((actor for actor in actors if str(actor.pk) == keep), None)
    if chosen is not None and "_merge" in request.POST:
        for actor in actors:
            if actor.pk == chosen.pk:
                continue
            try:
                record = actor_merge.merge(merged=actor, into=chosen, user=request.user)
            except actor_merge.MergeRefused as refused:
                model_admin.message_user(
                    request,
                    f"{actor} was not merged: {refused.message}",
                    messages.ERROR,
                )
            else:
                _done(request, record)
        return None
    ctx = {
        **model_admin.admin_site.each_context(request),
        "opts": Actor._meta,
        "title": "Merge actors",
        "actors": actors,
        "action_checkbox_name": ACTION_CHECKBOX_NAME,
    }
    return render(request, "admin/events/actor/merge_selected.html", ctx)


def undo_view(
    model_admin: admin.ModelAdmin, request: HttpRequest, object_id: str
) -> HttpResponse:
    """Undo a merge (a POST from the merge's record)."""
    if request.method != "POST" or not actor_merge.may_merge(request.user):
        raise PermissionDenied
    record = get_object_or_404(
        ActorMerge, pk=object_id if object_id.isdigit() else None
    )
    back = reverse("admin:events_actormerge_change", args=[record.pk])
    try:
        notes = actor_merge.undo(record=record, user=request.user)
    except actor_merge.MergeRefused as refused:
        model_admin.message_user(
            request, f"The merge was not undone: {refused.message}", messages.ERROR
        )
        return HttpResponseRedirect(back)
    model_admin.message_user(
        request,
        format_html(
            'The merge is undone: <a href="{}">{}</a> is back, with the rows '
            "the merge had moved.{}",
            reverse("admin:events_actor_change", args=[record.merged_id]),
            record.merged["name"],
            format_html_join("", " {}", ((note,) for note in notes)),
        ),
        messages.SUCCESS,
    )
    return HttpResponseRedirect(back)
