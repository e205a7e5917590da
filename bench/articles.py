"""
The article paths at half a million articles and a million events: the
editors' inbox, the admin's article list and its search, the API's article
list (whole, by source, by title) and the admin's citation list: the
`articles` step of bench/run.py.

Each is timed over HTTP, signed in as staff where it needs it, beside the same
page written by hand in SQL (the same rows, columns and joins, the same
order and LIMIT) run through psycopg; before timing, both must give the same
ids in the same order. The articles taken in by synthetic sources (sources,
reprints, stored suggestions) are made by `generate_events --intake`, which
bench/run.py runs when the bench database holds another number of them.
"""

import json
import os
import re
import sys

TARGET_MS = 300
ADMIN_PAGE = 100  # the admin's list_per_page
INBOX_PAGE = 50  # intake.views.PAGE_SIZE
API_PAGE = 100

INBOX_COLUMNS = """
    a.id, a.title, a.publisher, a.published_on, a.language, a.url,
    s.name AS source, ss.actors, ss.places,
    (SELECT json_agg(json_build_object('id', d.id, 'title', d.title,
                                       'publisher', d.publisher, 'url', d.url)
                     ORDER BY d.id)
     FROM events_sourcearticle d WHERE d.duplicate_of_id = a.id) AS copies
"""


def inbox_sql(where: str = "") -> str:
    return f"""
        SELECT {INBOX_COLUMNS}
        FROM events_sourcearticle a
        LEFT JOIN intake_source s ON s.id = a.source_id
        LEFT JOIN intake_storedsuggestions ss ON ss.article_id = a.id
        WHERE a.state = 'new' AND a.duplicate_of_id IS NULL {where}
        ORDER BY a.published_on DESC, a.id DESC LIMIT {INBOX_PAGE + 1}
    """


def admin_articles_sql(where: str = "") -> str:
    return f"""
        SELECT a.id, a.title, a.publisher, a.published_on, a.state, a.created_at,
               (SELECT count(*) FROM events_citation c WHERE c.article_id = a.id)
        FROM events_sourcearticle a {where}
        ORDER BY a.published_on DESC, a.id DESC LIMIT {ADMIN_PAGE}
    """


def api_articles_sql(where: str = "") -> str:
    return f"""
        SELECT a.id, a.url, a.title, a.publisher, a.author, a.published_on,
               a.language, a.state, a.content_hash, a.source_id,
               a.duplicate_of_id, a.dismissed_reason, a.created_at, a.updated_at
        FROM events_sourcearticle a {where}
        ORDER BY a.id DESC LIMIT {API_PAGE + 1}
    """


CITATIONS_SQL = f"""
    SELECT c.id, c.quote, c.field, a.id, a.title, e.id, e.title, g.id, g.title
    FROM events_citation c
    JOIN events_sourcearticle a ON a.id = c.article_id
    LEFT JOIN events_event e ON e.id = c.event_id
    LEFT JOIN events_agreement g ON g.id = c.agreement_id
    ORDER BY c.id DESC LIMIT {ADMIN_PAGE}
"""

SEARCH_WHERE = """
    WHERE (upper(a.title) LIKE upper(%(like)s) OR upper(a.publisher) LIKE
           upper(%(like)s) OR upper(a.url) LIKE upper(%(like)s))
"""


def ids_in_admin(page: bytes) -> list[int]:
    """A changelist's rows, by each row's link to its object."""
    return [
        int(n)
        for n in re.findall(
            rb'<th class="field-[^"]*"><a href="/admin/events/\w+/(\d+)/change/', page
        )
    ]


def ids_in_inbox(page: bytes) -> list[int]:
    return [
        int(n) for n in re.findall(rb'class="inbox-article" id="article-(\d+)"', page)
    ]


def ids_in_api(page: bytes) -> list[int]:
    return [row["id"] for row in json.loads(page)["results"]]


def cpu_seconds(pid: int) -> float:
    """User and system CPU time of a process so far (/proc/<pid>/stat)."""
    with open(f"/proc/{pid}/stat") as stat:
        fields = stat.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def run_step(bench) -> None:
    run = sys.modules[type(bench).__module__]
    conn = bench.conn
    held = conn.execute(
        "SELECT count(*), count(*) FILTER (WHERE source_id IS NOT NULL), "
        "count(*) FILTER (WHERE duplicate_of_id IS NOT NULL), "
        "count(*) FILTER (WHERE state = 'new' AND duplicate_of_id IS NULL) "
        "FROM events_sourcearticle"
    ).fetchone()
    events = conn.execute("SELECT count(*) FROM events_event").fetchone()[0]
    citations = conn.execute("SELECT count(*) FROM events_citation").fetchone()[0]
    # A busy source, a country, an actor and a place the inbox's chips name,
    # and a title word of middling frequency.
    source = conn.execute(
        "SELECT source_id FROM events_sourcearticle WHERE source_id IS NOT NULL "
        "GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 1"
    ).fetchone()[0]
    actor, place = conn.execute(
        "SELECT ss.actor_ids[1], ss.place_ids[1] FROM intake_storedsuggestions ss "
        "JOIN events_sourcearticle a ON a.id = ss.article_id "
        "WHERE a.state = 'new' AND a.duplicate_of_id IS NULL "
        "AND cardinality(ss.actor_ids) > 0 ORDER BY a.id LIMIT 1"
    ).fetchone()
    cookies = bench.staff_cookies()
    headers = {"Cookie": cookies}
    term = "Kirkuk"
    like = {"like": f"%{term}%"}

    cases = [
        # key, path, params, reference SQL, its params, how to read ids, headers
        ("inbox", "/inbox/", {}, inbox_sql(), {}, ids_in_inbox, headers),
        (
            "inbox_source", "/inbox/", {"source": source},
            inbox_sql("AND a.source_id = %(source)s"), {"source": source},
            ids_in_inbox, headers,
        ),
        (
            "inbox_country", "/inbox/", {"country": "IRN"},
            inbox_sql("AND ss.countries @> ARRAY['IRN']::varchar[]"), {},
            ids_in_inbox, headers,
        ),
        (
            "inbox_actor", "/inbox/", {"actor": actor},
            inbox_sql("AND ss.actor_ids @> ARRAY[%(actor)s]::bigint[]"),
            {"actor": actor}, ids_in_inbox, headers,
        ),
        (
            "inbox_place", "/inbox/", {"place": place},
            inbox_sql("AND ss.place_ids @> ARRAY[%(place)s]::bigint[]"),
            {"place": place}, ids_in_inbox, headers,
        ),
        (
            "admin_articles", "/admin/events/sourcearticle/", {},
            admin_articles_sql(), {}, ids_in_admin, headers,
        ),
        (
            "admin_article_search", "/admin/events/sourcearticle/", {"q": term},
            admin_articles_sql(SEARCH_WHERE), like, ids_in_admin, headers,
        ),
        (
            "api_articles", "/api/v1/articles/", {}, api_articles_sql(), {},
            ids_in_api, {},
        ),
        (
            "api_articles_source", "/api/v1/articles/", {"source": source},
            api_articles_sql("WHERE a.source_id = %(source)s"), {"source": source},
            ids_in_api, {},
        ),
        (
            "api_articles_q", "/api/v1/articles/", {"q": term},
            api_articles_sql("WHERE upper(a.title) LIKE upper(%(like)s)"), like,
            ids_in_api, {},
        ),
        (
            "admin_citations", "/admin/events/citation/", {}, CITATIONS_SQL, {},
            ids_in_admin, headers,
        ),
    ]  # fmt: skip
    results = {}
    load_before = os.getloadavg()
    for key, path, params, sql, sql_params, read_ids, hdrs in cases:
        page = bench.get(path, params, headers=hdrs)
        rows = conn.execute(sql, sql_params).fetchall()
        size = {"inbox": INBOX_PAGE, "admin": ADMIN_PAGE}.get(
            key.split("_")[0], API_PAGE
        )
        expected = [row[0] for row in rows][:size]
        got = read_ids(page)
        if got != expected:
            raise RuntimeError(
                f"{key}: the page and the SQL differ: {got[:5]}… ≠ {expected[:5]}…"
            )

        def endpoint(path=path, params=params, hdrs=hdrs):
            return bench.get(path, params, headers=hdrs)

        def reference(sql=sql, sql_params=sql_params):
            return conn.execute(sql, sql_params).fetchall()

        endpoint_s, sql_s = run.paired(endpoint, reference)
        # What the page costs the server's worker in CPU time, which the
        # machine's other load does not lengthen as it does the wall clock.
        cpu_before = cpu_seconds(bench.server.worker_pid)
        for _ in range(run.REPEAT):
            endpoint()
        cpu_s = (cpu_seconds(bench.server.worker_pid) - cpu_before) / run.REPEAT
        results[key] = {
            "ms": bench.ms(endpoint_s),
            "server_cpu_ms": bench.ms(cpu_s),
            "sql_ms": bench.ms(sql_s),
            "vs_sql": round(endpoint_s / sql_s, 2),
            "rows": len(expected),
        }
        print(f"    {key}: {results[key]}", file=sys.stderr)
    bench.details["articles"] = {
        "articles": held[0],
        "taken_in": held[1],
        "duplicates": held[2],
        "inbox": held[3],
        "events": events,
        "citations": citations,
        "values": {"source": source, "actor": actor, "place": place, "q": term},
        "paths": results,
        # The machine is shared: its load over the step, beside the figures.
        "load_average": {"before": load_before, "after": os.getloadavg()},
    }
    for figure, keys, compares in [
        ("inbox_ms", [k for k in results if k.startswith("inbox")],
         "/inbox/, first page, unfiltered and by source, country, actor, place"),
        ("article_list_ms", ["admin_articles"], "/admin/events/sourcearticle/"),
        ("article_search_ms", ["admin_article_search"],
         f"/admin/events/sourcearticle/?q={term}"),
        ("api_articles_ms", [k for k in results if k.startswith("api")],
         "/api/v1/articles/, whole, ?source=, ?q="),
        ("citation_list_ms", ["admin_citations"], "/admin/events/citation/"),
    ]:  # fmt: skip
        worst = max(keys, key=lambda k: results[k]["ms"])
        bench.add(
            figure,
            results[worst]["ms"],
            TARGET_MS,
            unit="ms",
            compares=f"{compares} (slowest: {worst}, "
            f"{results[worst]['vs_sql']:.2f}× its SQL; "
            f"{held[0]:,} articles, {events:,} events)",
        )
