"""
What the GeoJSON feed would be written the textbook way: a DRF ListAPIView
with djangorestframework-gis's GeoFeatureModelSerializer over the same
filtered queryset and the same properties, every row through Python.
"""

from django.db.models import QuerySet
from django_filters.rest_framework import DjangoFilterBackend
from rest_framework import generics, serializers
from rest_framework_gis.serializers import GeoFeatureModelSerializer

from events.filters import EventFilterSet
from events.models import Event


class EventFeatureSerializer(GeoFeatureModelSerializer):
    location = serializers.CharField(source="location.name", default=None)
    country_code = serializers.CharField(source="location.country_code", default=None)

    class Meta:
        model = Event
        geo_field = "point"
        fields = [
            "id", "title", "event_type", "sub_event_type", "start_date",
            "end_date", "date_precision", "location_id", "location",
            "country_code", "geo_precision", "fatalities_best", "confidence",
            "status", "updated_at",
        ]  # fmt: skip


class DrfGisEventList(generics.ListAPIView):
    serializer_class = EventFeatureSerializer
    filter_backends = [DjangoFilterBackend]
    filterset_class = EventFilterSet
    pagination_class = None

    def get_queryset(self) -> QuerySet:
        return (
            Event.objects.visible_to(self.request.user)
            .select_related("location")
            .order_by("start_date", "id")
        )
