"""
The basemap every map draws under its data: the project's own countries,
provinces, the Kurdistan Region and the computed borders, simplified and built
as GeoJSON in one SQL statement, so maps need no tile server or network.
"""

import hashlib

from django.core.cache import cache
from django.db.models import Count, Max

from events.models import Location
from tracker.replicas import read_connection

# About 1 km: finer than a regional map shows, and it keeps the payload small.
SIMPLIFY_DEGREES = 0.01
KINDS = ["country", "admin1", "region", "border"]

BASEMAP_SQL = """
SELECT json_build_object(
    'type', 'FeatureCollection',
    'features', COALESCE(json_agg(json_build_object(
        'type', 'Feature',
        'id', id,
        'geometry', ST_AsGeoJSON(ST_SimplifyPreserveTopology(geometry, %s), 5)::json,
        'properties', json_build_object(
            'name', name, 'kind', kind, 'code', code, 'country', country_code)
    ) ORDER BY array_position(%s::text[], kind::text), name), '[]'::json)
)::text
FROM events_location
WHERE kind = ANY(%s) AND geometry IS NOT NULL
"""


def basemap_version() -> str:
    """Changes whenever a basemap location is added, edited or removed."""
    state = Location.objects.filter(kind__in=KINDS).aggregate(
        total=Count("id"), latest=Max("updated_at")
    )
    return hashlib.sha256(f"{state['total']}:{state['latest']}".encode()).hexdigest()[
        :16
    ]


def basemap_geojson(version: str) -> str:
    key = f"basemap:{version}"
    document = cache.get(key)
    if document is None:
        with read_connection().cursor() as cursor:
            cursor.execute(BASEMAP_SQL, [SIMPLIFY_DEGREES, KINDS, KINDS])
            document = cursor.fetchone()[0]
        cache.set(key, document, timeout=None)
    return document
