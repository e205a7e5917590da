"""
Synthetic intake for benchmarks: sources, the articles their polls brought in
(reprints of the synthetic wire reports, under a new outlet's dateline), the
duplicates folded under them, the feed items they came from and their stored
suggestions, as the intake writes them. Everything is written by a few
INSERT … SELECT statements in PostgreSQL, a hundred thousand articles in
well under a minute, and needs the synthetic events (`generate()`) first.

Marks: sources and articles have addresses under SOURCE_PREFIX, so
`delete_intake()` removes exactly them (and `delete_synthetic()` calls it).

The stored suggestions are built from what the report behind each article
is known to hold (its events' actors, places, dates and types), in the
shape the suggestion engine stores; running the engine itself on every
article would take hours.
"""

import re
import time
from dataclasses import dataclass

from django.db import connection

from synthetic.generator import PUBLISHERS, URL_PREFIX, vacuum_analyze, without_history

SOURCE_PREFIX = URL_PREFIX + "intake/"
# Of the articles taken in: duplicates of an earlier one (reprints under a
# new headline with a credit line), and what editors did with the originals.
DUPLICATE_SHARE = 0.12
STATES = [("new", 0.40), ("dismissed", 0.45), ("curated", 0.10), ("in_progress", 0.05)]
DISMISS_REASONS = [
    "Outside our region.",
    "No new event: background only.",
    "Opinion piece.",
    "Already covered by an earlier report.",
    "Sports and culture.",
]
DAYS = 90  # articles published over the last DAYS days


@dataclass
class IntakeReport:
    sources: int = 0
    articles: int = 0
    duplicates: int = 0
    suggestions: int = 0
    seconds: float = 0.0

    def summary(self) -> str:
        return (
            f"{self.sources:,} sources, {self.articles:,} articles "
            f"({self.duplicates:,} of them duplicates), {self.suggestions:,} "
            f"stored suggestions in {self.seconds:.1f} s"
        )


def held() -> int:
    """How many synthetic intake articles the database holds."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM events_sourcearticle WHERE url LIKE %s",
            [like(SOURCE_PREFIX)],
        )
        return cursor.fetchone()[0]


def execute(cursor, sql: str, named: dict) -> None:
    """
    A statement with named parameters sent with positional ones, as the
    history triggers' switch (pgtrigger.ignore) adds a positional one.
    """
    order = re.findall(r"%\((\w+)\)s", sql)
    cursor.execute(re.sub(r"%\((\w+)\)s", "%s", sql), [named[n] for n in order])


def like(prefix: str) -> str:
    return prefix.replace("\\", "\\\\").replace("_", "\\_").replace("%", "\\%") + "%"


def generate_intake(
    *, articles: int, sources: int = 200, seed: int = 0
) -> IntakeReport:
    """
    Add `sources` synthetic sources and `articles` articles taken in from
    them, over the last DAYS days up to the newest synthetic report.
    """
    started = time.monotonic()
    report = IntakeReport()
    duplicates = int(articles * DUPLICATE_SHARE)
    originals = articles - duplicates
    cumulative, states = 0.0, []
    for state, share in STATES:
        cumulative += share
        states.append((state, cumulative))
    state_case = (
        "CASE "
        + " ".join(
            f"WHEN r_state < {bound} THEN '{state}'" for state, bound in states[:-1]
        )
        + f" ELSE '{states[-1][0]}' END"
    )
    with without_history(), connection.cursor() as cursor:
        cursor.execute(
            "DROP TABLE IF EXISTS intake_base, intake_found, intake_actors, intake_plan"
        )
        cursor.execute("SELECT setseed(%s)", [((seed % 1000) / 1000.0)])
        execute(
            cursor,
            """
            INSERT INTO intake_source (
                name, url, kind, active, poll_interval, keywords, language,
                created_at, updated_at, next_poll_at, last_polled_at,
                last_success_at, last_error, failures, etag, last_modified,
                items_seen, articles_added, duplicates_found, items_skipped,
                items_failed)
            SELECT (%(publishers)s::text[])
                       [1 + (g - 1) %% cardinality(%(publishers)s::text[])]
                   || ' — ' || (ARRAY['top stories', 'Iraq', 'Iran', 'Syria',
                   'Kurdistan', 'security', 'politics', 'Gulf',
                   'breaking'])
                       [1 + ((g - 1) / cardinality(%(publishers)s::text[])) %% 9]
                   || CASE WHEN g > cardinality(%(publishers)s::text[]) * 9
                      THEN ' ' || g ELSE '' END,
                   %(prefix)s || 'feeds/' || g || '.xml',
                   (ARRAY['rss', 'rss', 'atom', 'json_feed', 'sitemap'])[1 + g %% 5],
                   false, (ARRAY[5, 15, 15, 30, 60])[1 + g %% 5], '{}', '',
                   now() - interval '120 days', now(), now(), now(), now(), '', 0,
                   '', '', 0, 0, 0, 0, 0
            FROM generate_series(1, %(sources)s) g
            """,
            {"publishers": PUBLISHERS, "prefix": SOURCE_PREFIX, "sources": sources},
        )
        report.sources = cursor.rowcount
        cursor.execute(
            "SELECT array_agg(id ORDER BY id) FROM intake_source WHERE url LIKE %s",
            [like(SOURCE_PREFIX)],
        )
        source_ids = cursor.fetchone()[0]
        # The reports reprinted: the newest synthetic ones, with what the
        # suggestion engine would find in each.
        cursor.execute(
            """
            CREATE TEMP TABLE intake_base ON COMMIT DROP AS
            SELECT row_number() OVER (ORDER BY a.id) AS rn, a.id, a.title,
                   substr(a.body, strpos(a.body, E'\n\n') + 2) AS text
            FROM (SELECT id, title, body FROM events_sourcearticle
                  WHERE url LIKE %s ORDER BY id DESC LIMIT %s) a
            """,
            [like(URL_PREFIX + "articles/"), originals],
        )
        cursor.execute("SELECT max(rn) FROM intake_base")
        bases = cursor.fetchone()[0] or 0
        if not bases:
            raise RuntimeError("No synthetic articles: run generate_events first.")
        cursor.execute(
            """
            CREATE TEMP TABLE intake_found ON COMMIT DROP AS
            WITH events AS (
                SELECT c.article_id, e.id, e.title, e.event_type, e.sub_event_type,
                       e.start_date, e.date_precision, l.id AS location_id,
                       l.name AS place, l.kind AS place_kind,
                       ST_Y(e.point) AS lat, ST_X(e.point) AS lon,
                       l.country_code, e.geo_precision
                FROM intake_base b
                JOIN events_citation c ON c.article_id = b.id AND c.field = ''
                JOIN events_event e ON e.id = c.event_id
                JOIN events_location l ON l.id = e.location_id
            ),
            roles AS (
                SELECT p.event_id, jsonb_agg(jsonb_build_object(
                           'name', a.name, 'actor_id', a.id, 'role', p.role,
                           'kind', a.kind, 'country', a.country)
                           ORDER BY p.id) AS actors
                FROM events ev
                JOIN events_participant p ON p.event_id = ev.id
                JOIN events_actor a ON a.id = p.actor_id
                GROUP BY p.event_id
            )
            SELECT ev.article_id,
                   jsonb_agg(jsonb_build_object(
                       'title', ev.title, 'event_type', ev.event_type,
                       'sub_event_type', ev.sub_event_type,
                       'date', jsonb_build_object('value', ev.start_date,
                               'precision', ev.date_precision, 'text', ''),
                       'place', jsonb_build_object('name', ev.place,
                               'lat', ev.lat, 'lon', ev.lon,
                               'location_id', ev.location_id,
                               'kind', ev.place_kind, 'country', ev.country_code,
                               'geo_precision', ev.geo_precision, 'known', true),
                       'actors', coalesce(r.actors, '[]'))
                       ORDER BY ev.id) AS events,
                   jsonb_agg(DISTINCT jsonb_build_object(
                       'text', ev.place, 'name', ev.place, 'lat', ev.lat,
                       'lon', ev.lon, 'location_id', ev.location_id,
                       'kind', ev.place_kind, 'country', ev.country_code,
                       'known', true)) AS places,
                   jsonb_agg(DISTINCT jsonb_build_object(
                       'value', ev.start_date, 'precision', ev.date_precision))
                       AS dates,
                   array_agg(DISTINCT ev.location_id) AS place_ids,
                   jsonb_agg(DISTINCT jsonb_build_object(
                       'id', ev.location_id, 'name', ev.place)) AS place_chips
            FROM events ev LEFT JOIN roles r ON r.event_id = ev.id
            GROUP BY ev.article_id
            """
        )
        cursor.execute(
            """
            CREATE TEMP TABLE intake_actors ON COMMIT DROP AS
            SELECT ev.article_id,
                   jsonb_agg(jsonb_build_object('text', a.name, 'name', a.name,
                       'actor_id', a.id, 'kind', a.kind, 'country', a.country)
                       ORDER BY a.id) AS actors,
                   array_agg(a.id ORDER BY a.id) AS actor_ids,
                   jsonb_agg(jsonb_build_object('id', a.id, 'name', a.name)
                       ORDER BY a.id) AS actor_chips,
                   array_remove(array_agg(DISTINCT nullif(a.country, '')), NULL)
                       AS countries
            FROM (SELECT DISTINCT c.article_id, p.actor_id
                  FROM intake_base b
                  JOIN events_citation c ON c.article_id = b.id AND c.field = ''
                  JOIN events_participant p ON p.event_id = c.event_id) ev
            JOIN events_actor a ON a.id = ev.actor_id
            GROUP BY ev.article_id
            """
        )
        cursor.execute("SELECT max(published_on) FROM events_sourcearticle")
        today = cursor.fetchone()[0]
        # Each article: its base report, source, date and state; originals
        # first, then duplicates of earlier originals.
        execute(
            cursor,
            """
            CREATE TEMP TABLE intake_plan ON COMMIT DROP AS
            SELECT g AS n,
                   nextval(pg_get_serial_sequence('events_sourcearticle', 'id'))
                       AS id,
                   1 + ((g - 1) %% %(bases)s) AS base_rn,
                   (%(source_ids)s::bigint[])[1 + floor(random() * %(sources)s)::int]
                       AS source_id,
                   %(today)s::date - floor(random() * %(days)s)::int AS published_on,
                   random() AS r_state, random() AS r_reason
            FROM generate_series(1, %(originals)s) g
            """,
            {
                "bases": bases,
                "source_ids": source_ids,
                "sources": len(source_ids),
                "today": today,
                "days": DAYS,
                "originals": originals,
            },
        )
        execute(
            cursor,
            f"""
            INSERT INTO events_sourcearticle (
                id, url, title, publisher, author, published_on, language, body,
                content_hash, state, created_at, updated_at, rejected_spans,
                dismissed_reason, source_id)
            SELECT p.id, %(prefix)s || p.source_id || '/' || p.id,
                   b.title, split_part(s.name, ' — ', 1), '', p.published_on, 'en',
                   body, encode(sha256(convert_to(lower(btrim(regexp_replace(
                       body, '\\s+', ' ', 'g'))), 'UTF8')), 'hex'),
                   {state_case},
                   p.published_on + interval '6 hours',
                   p.published_on + interval '30 hours', '{{}}',
                   CASE WHEN {state_case} = 'dismissed'
                        THEN (%(reasons)s::text[])
                             [1 + floor(p.r_reason * %(n_reasons)s)::int]
                        ELSE '' END,
                   p.source_id
            FROM intake_plan p
            JOIN intake_base b ON b.rn = p.base_rn
            JOIN intake_source s ON s.id = p.source_id
            CROSS JOIN LATERAL (SELECT s.name || ', ' || to_char(p.published_on,
                'FMDD FMMonth YYYY') || E'.\n\n' || b.text || E'\n\nReported for '
                || s.name || ', item ' || p.id AS body) t
            """,
            {
                "prefix": SOURCE_PREFIX,
                "reasons": DISMISS_REASONS,
                "n_reasons": len(DISMISS_REASONS),
            },
        )
        report.articles = cursor.rowcount
        # Reprints: the text of an earlier original, a new headline and a
        # credit line, on another source, a day later at most.
        execute(
            cursor,
            """
            INSERT INTO events_sourcearticle (
                url, title, publisher, author, published_on, language, body,
                content_hash, state, created_at, updated_at, rejected_spans,
                dismissed_reason, source_id, duplicate_of_id)
            SELECT %(prefix)s || s.id || '/reprint-' || d.g, 'UPDATE 1-' || o.title,
                   split_part(s.name, ' — ', 1), '', o.published_on + (d.g %% 2), 'en',
                   t.body, encode(sha256(convert_to(lower(btrim(regexp_replace(
                       t.body, '\\s+', ' ', 'g'))), 'UTF8')), 'hex'),
                   'new', o.created_at + interval '3 hours',
                   o.created_at + interval '3 hours', '{}', '', s.id, o.id
            FROM (SELECT g, 1 + floor(random() * %(originals)s)::int AS pick,
                         (%(source_ids)s::bigint[])[1 + floor(random()
                             * %(sources)s)::int] AS source_id
                  FROM generate_series(1, %(duplicates)s) g) d
            JOIN intake_plan p ON p.n = d.pick
            JOIN events_sourcearticle o ON o.id = p.id
            JOIN intake_source s ON s.id = d.source_id
            CROSS JOIN LATERAL (SELECT o.body || E'\n\n(Reporting by '
                || s.name || ' staff; editing by the desk.)' AS body) t
            """,
            {
                "prefix": SOURCE_PREFIX,
                "duplicates": duplicates,
                "originals": originals,
                "source_ids": source_ids,
                "sources": len(source_ids),
            },
        )
        report.duplicates = cursor.rowcount
        report.articles += cursor.rowcount
        cursor.execute(
            """
            INSERT INTO intake_storedsuggestions (
                article_id, found, content_hash, published_on, engine, actor_ids,
                place_ids, countries, computed_at, seconds, actors, places)
            SELECT p.id,
                   jsonb_build_object(
                       'metadata', jsonb_build_object(
                           'published_on', a.published_on, 'publisher',
                           a.publisher, 'author', '', 'source_of_each',
                           jsonb_build_object('published_on', 'feed'),
                           'year_assumed', false, 'dateline', null),
                       'actors', coalesce(x.actors, '[]'),
                       'places', coalesce(f.places, '[]'),
                       'dates', coalesce(f.dates, '[]'),
                       'events', coalesce(f.events, '[]')),
                   a.content_hash, a.published_on, 'synthetic',
                   coalesce(x.actor_ids, '{}'), coalesce(f.place_ids, '{}'),
                   ARRAY(SELECT DISTINCT c FROM unnest(coalesce(x.countries,
                             '{}') || ARRAY(SELECT jsonb_array_elements(
                             coalesce(f.places, '[]')) ->> 'country')) c
                         WHERE length(c) = 3 ORDER BY 1),
                   a.created_at, 0.03,
                   coalesce(x.actor_chips, '[]'), coalesce(f.place_chips, '[]')
            FROM intake_plan p
            JOIN events_sourcearticle a ON a.id = p.id
            JOIN intake_base b ON b.rn = p.base_rn
            LEFT JOIN intake_found f ON f.article_id = b.id
            LEFT JOIN intake_actors x ON x.article_id = b.id
            """
        )
        report.suggestions = cursor.rowcount
        # The feed items they came from.
        cursor.execute(
            """
            INSERT INTO intake_item (
                key, url, title, published_at, author, publisher, language,
                feed_text, state, note, similarity, attempts, seen_at, taken_at,
                article_id, source_id)
            SELECT encode(sha256(convert_to(a.url, 'UTF8')), 'hex'), a.url,
                   a.title, a.published_on, '', a.publisher, 'en', '',
                   CASE WHEN a.duplicate_of_id IS NULL THEN 'added'
                        ELSE 'duplicate' END,
                   CASE WHEN a.duplicate_of_id IS NULL THEN ''
                        ELSE 'A near-duplicate (90%% of its shingles shared).' END,
                   CASE WHEN a.duplicate_of_id IS NULL THEN NULL ELSE 0.9 END,
                   1, a.created_at, a.created_at, a.id, a.source_id
            FROM events_sourcearticle a WHERE a.url LIKE %s
            """,
            [like(SOURCE_PREFIX)],
        )
        cursor.execute(
            """
            UPDATE intake_source s SET
                items_seen = c.items, articles_added = c.added,
                duplicates_found = c.items - c.added
            FROM (SELECT source_id, count(*) AS items,
                         count(*) FILTER (WHERE state = 'added') AS added
                  FROM intake_item GROUP BY source_id) c
            WHERE c.source_id = s.id AND s.url LIKE %s
            """,
            [like(SOURCE_PREFIX)],
        )
    analyze_intake()
    report.seconds = time.monotonic() - started
    return report


def analyze_intake() -> None:
    vacuum_analyze()
    tables = "intake_source, intake_item, intake_storedsuggestions"
    with connection.cursor() as cursor:
        if connection.in_atomic_block:
            cursor.execute(f"ANALYZE {tables}")
        else:
            cursor.execute(f"VACUUM (ANALYZE) {tables}")


def delete_intake() -> int:
    """Remove the synthetic sources, their articles and what hangs on them."""
    articles = "SELECT id FROM events_sourcearticle WHERE url LIKE %s"
    pattern = [like(SOURCE_PREFIX)]
    with without_history(), connection.cursor() as cursor:
        for table in ("intake_storedsuggestions", "intake_fingerprint", "intake_item"):
            cursor.execute(
                f"DELETE FROM {table} WHERE article_id IN ({articles})", pattern
            )
        cursor.execute(
            "DELETE FROM intake_item WHERE source_id IN "
            "(SELECT id FROM intake_source WHERE url LIKE %s)",
            pattern,
        )
        cursor.execute("DELETE FROM events_sourcearticle WHERE url LIKE %s", pattern)
        removed = cursor.rowcount
        cursor.execute("DELETE FROM intake_source WHERE url LIKE %s", pattern)
    return removed
