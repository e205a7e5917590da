"""
What the map draws for a view: at low zoom, events aggregated into grid cells
in PostGIS; closer in, the events themselves. Either comes out of one SQL
statement as GeoJSON text, so a million events never pass through Python.

Aggregating a million events takes most of a second, so the clustered layer
is cached, keyed by its exact SQL and the data version (queries.data_version):
any change to the events or what the filters read makes a new key.
"""

import hashlib

from events.features import MAP_COORDINATE_DECIMALS, MAP_PROPERTIES, feature_json
from events.models import EventQuerySet
from events.queries import bulk_read, data_version
from tracker.cache import lasting
from tracker.replicas import read_connection

# Closer than this the map shows events one by one.
CLUSTER_BELOW_ZOOM = 8
# A grid cell is about this many screen pixels wide.
CELL_PIXELS = 48
MAX_FEATURES = 5000
# A bound on how long a cached layer can outlive a change that the data
# version misses: one whose history row got a lower number than a change
# committed before it.
CACHE_SECONDS = 300

# One pass: counts per cell and type, then per cell, with the mean position
# of the cell's events (not the cell's corner) as the marker.
CLUSTERS_SQL = """
WITH selected AS ({selected}),
per_type AS (
    SELECT floor(ST_X(point) / %s)::bigint AS cx, floor(ST_Y(point) / %s)::bigint AS cy,
           event_type, count(*) AS n, sum(ST_X(point)) AS sx, sum(ST_Y(point)) AS sy
    FROM selected GROUP BY 1, 2, 3
),
cells AS (
    SELECT sum(n) AS total, sum(sx) / sum(n) AS x, sum(sy) / sum(n) AS y,
           json_object_agg(event_type, n) AS types,
           (array_agg(event_type ORDER BY n DESC, event_type))[1] AS top_type
    FROM per_type GROUP BY cx, cy
)
SELECT json_build_object('type', 'FeatureCollection', 'clustered', true,
    'features', COALESCE(json_agg(json_build_object(
        'type', 'Feature',
        'geometry', json_build_object('type', 'Point', 'coordinates',
            json_build_array(round(x::numeric, 5), round(y::numeric, 5))),
        'properties', json_build_object(
            'count', total, 'event_type', top_type, 'types', types)
    ) ORDER BY total DESC), '[]'::json))::text
FROM cells
"""

# The events themselves, newest first, as the shared encoder builds them.
FEATURES_SQL = """
WITH selected AS ({selected})
SELECT json_build_object('type', 'FeatureCollection', 'clustered', false,
    'truncated', count(*) > %s,
    'features', COALESCE(json_agg(feature::json ORDER BY start_date DESC, id DESC)
        FILTER (WHERE rank <= %s), '[]'::json))::text
FROM (
    SELECT selected.*, row_number() OVER (ORDER BY start_date DESC, id DESC) AS rank
    FROM selected
) AS ranked
"""


def cell_degrees(zoom: int) -> float:
    """Grid size for a zoom level: CELL_PIXELS at 256 pixels per tile."""
    return 360 / (2**zoom) * CELL_PIXELS / 256


def map_geojson(queryset: EventQuerySet, *, zoom: int) -> str:
    """
    The map layer for one view of the map, as GeoJSON text. The view's extent
    arrives as the queryset's bbox filter.
    """
    events = queryset.filter(point__isnull=False).order_by()
    if zoom >= CLUSTER_BELOW_ZOOM:
        fields = events.annotate(
            feature=feature_json(
                geometry="point",
                properties=MAP_PROPERTIES,
                decimals=MAP_COORDINATE_DECIMALS,
            )
        ).values("id", "start_date", "feature")
        sql, params = fields.query.sql_with_params()
        query = FEATURES_SQL.format(selected=sql)
        return run(query, [*params, MAX_FEATURES, MAX_FEATURES])
    sql, params = events.values("point", "event_type").query.sql_with_params()
    size = cell_degrees(zoom)
    return cached(CLUSTERS_SQL.format(selected=sql), [*params, size, size])


def cached(query: str, params: list) -> str:
    """The result of `query`, computed once per data version."""
    # The version is read before the data: a change after it makes a new key.
    version = data_version()
    statement = read_connection().ops.compose_sql(query, params)
    digest = hashlib.sha256(repr((version, statement)).encode()).hexdigest()
    return lasting(f"map:{digest}", lambda: run(query, params), CACHE_SECONDS)


def run(query: str, params: list) -> str:
    with bulk_read(), read_connection().cursor() as cursor:
        cursor.execute(query, params)
        return cursor.fetchone()[0]
