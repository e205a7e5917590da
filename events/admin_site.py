"""
The admin site: Django's own, with places told apart in its lookups as on
the curation screen ("Tehran — city, Tehran province, Iran" and "Tehran —
province, Iran"), not by a bare name that two places share.
"""

from django.contrib import admin
from django.contrib.admin.views.autocomplete import AutocompleteJsonView

from events import lookup
from events.models import Location


class LabelledAutocomplete(AutocompleteJsonView):
    def serialize_result(self, obj, to_field_name):
        result = super().serialize_result(obj, to_field_name)
        if isinstance(obj, Location):
            result["text"] = lookup.location_label(obj)
        return result


class ZagrosAdminSite(admin.AdminSite):
    def autocomplete_view(self, request):
        return LabelledAutocomplete.as_view(admin_site=self)(request)
