from django import forms
from django.http import QueryDict

from searches import alerts
from searches.models import SavedSearch


class SavedSearchForm(forms.ModelForm):
    """A search's name and alerts, and its filters as a query string."""

    query = forms.CharField(
        label="Filters",
        required=False,
        max_length=5000,
        help_text="As in the timeline's address, e.g. type=battle&country=IRQ. "
        "Easier: set the filters on the timeline and save the search from there.",
        widget=forms.TextInput(attrs={"class": "wide", "spellcheck": "false"}),
    )

    webhook_url = forms.URLField(
        label="Webhook URL",
        required=False,
        max_length=2000,
        assume_scheme="https",
        help_text="New matching events are POSTed here as JSON, signed. "
        "Empty: no webhook.",
    )

    class Meta:
        model = SavedSearch
        fields = ["name", "query", "digest", "webhook_url"]
        labels = {"digest": "Mail digest", "webhook_url": "Webhook URL"}

    def __init__(self, *args, owner, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.owner = owner
        if self.instance.pk and "query" not in self.initial:
            self.initial["query"] = self.instance.query().urlencode()

    def clean_query(self) -> dict[str, list[str]]:
        text = self.cleaned_data["query"].strip().lstrip("?")
        try:
            return alerts.clean_filters(QueryDict(text))
        except alerts.InvalidFilters as invalid:
            raise forms.ValidationError(
                [
                    f"{name}: {' '.join(messages)}"
                    for name, messages in invalid.errors.items()
                ]
            ) from None

    def clean_name(self) -> str:
        name = self.cleaned_data["name"].strip()
        same = SavedSearch.objects.filter(owner=self.owner, name=name)
        if self.instance.pk:
            same = same.exclude(pk=self.instance.pk)
        if same.exists():
            raise forms.ValidationError("You have a saved search of this name.")
        return name

    def clean_digest(self) -> str:
        digest = self.cleaned_data["digest"]
        if digest != SavedSearch.Digest.OFF and not self.owner.email:
            raise forms.ValidationError(
                "Your account has no e-mail address to send a digest to."
            )
        return digest

    def save(self, commit: bool = True) -> SavedSearch:
        self.instance.owner = self.owner
        self.instance.filters = self.cleaned_data["query"]
        return super().save(commit=commit)
