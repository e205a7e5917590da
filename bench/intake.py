"""
Intake throughput against a local feed server: articles per second through
fetch, extraction, deduplication and suggestions, with one and with two
workers, beside the fetch and parse alone.

    make bench-intake                                  # 400 articles, 20 sources
    make bench-intake BENCH_INTAKE_ARTICLES=1000

The bench database (BENCH_INTAKE_DATABASE, default zagros_bench_intake) is
created, migrated and loaded with the geography and the demo the first time.
Each run serves synthetic wire reports (synthetic/generator.py's stories,
one to four events each) from RSS feeds on 127.0.0.1, removes what an
earlier run took in, and times:

- fetch_parse: each page fetched (events/fetch.py) and extracted
  (trafilatura), one after the other, in this process;
- workers_1, workers_2: the whole pipeline through `run_worker` processes
  (WORKER_CONCURRENCY threads each): poll, fetch, extract, deduplicate,
  store, suggest; from the polls queued to the queue empty.

FETCH_HOST_INTERVAL is 0 here: every page is on one local host, and the
bench measures the work, not the politeness. Prints a table and writes
bench/intake-results.json.
"""

import contextlib
import json
import os
import platform
import random
import secrets
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ARTICLES = int(os.environ.get("BENCH_INTAKE_ARTICLES") or 400)
SOURCES = int(os.environ.get("BENCH_INTAKE_SOURCES") or 20)
DATABASE = os.environ.get("BENCH_INTAKE_DATABASE") or "zagros_bench_intake"
PG = (
    os.environ.get("BENCH_PG_HOST", "127.0.0.1"),
    os.environ.get("BENCH_PG_PORT", "5432"),
)
PG_USER = os.environ.get("BENCH_PG_USER", "postgres")
DATABASE_URL = f"postgis://{PG_USER}@{PG[0]}:{PG[1]}/{DATABASE}"
RESULTS = ROOT / "bench" / "intake-results.json"

PAGES: dict[str, bytes] = {}


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args) -> None:
        pass

    def do_GET(self) -> None:
        body = PAGES.get(self.path.split("?")[0])
        status = 200 if body is not None else 404
        body = body if body is not None else b"Not here"
        kind = "application/rss+xml" if self.path.endswith(".xml") else "text/html"
        self.send_response(status)
        self.send_header("Content-Type", f"{kind}; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


def environment(server: ThreadingHTTPServer) -> dict[str, str]:
    return {
        **os.environ,
        "DATABASE_URL": DATABASE_URL,
        "SECRET_KEY": os.environ.get("SECRET_KEY") or secrets.token_urlsafe(50),
        "FETCH_ALLOWED_HOSTS": f"127.0.0.1:{server.server_address[1]}",
        "FETCH_HOST_INTERVAL": "0",
        "LOG_LEVEL": "WARNING",
    }


def manage(*args: str, env: dict[str, str]) -> None:
    subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True)


def prepare_database(env: dict[str, str]) -> None:
    exists = subprocess.run(
        ["psql", "-h", PG[0], "-p", PG[1], "-U", PG_USER, "-Atc",
         f"SELECT 1 FROM pg_database WHERE datname = '{DATABASE}'"],
        capture_output=True, text=True, check=True,
    ).stdout.strip()  # fmt: skip
    if not exists:
        subprocess.run(
            ["createdb", "-h", PG[0], "-p", PG[1], "-U", PG_USER, DATABASE], check=True
        )
        subprocess.run(
            ["psql", "-h", PG[0], "-p", PG[1], "-U", PG_USER, DATABASE, "-qc",
             "CREATE EXTENSION IF NOT EXISTS postgis"],
            check=True,
        )  # fmt: skip
    manage("migrate", "-v0", env=env)
    manage("load_geography", "-v0", env=env)
    manage("load_demo", "-v0", env=env)


def stories(count: int) -> list[tuple[str, str]]:
    """Wire reports, as titles and texts, from the synthetic generator."""
    from synthetic.generator import (  # noqa: PLC0415 - after django.setup()
        EventFactory,
        area_points,
        create_actors,
        create_towns,
        without_history,
    )

    rng = random.Random(secrets.randbits(32))
    with without_history():
        towns, _ = create_towns()
        pool, _ = create_actors(rng=rng, count=200)
    factory = EventFactory(rng=rng, towns=towns, areas=area_points(seed=1), actors=pool)
    found = []
    while len(found) < count:
        block = list(factory.block())
        text = "\n\n".join(event["summary"] for event in block)
        found.append((block[0]["title"], text))
    return found


def serve(server: ThreadingHTTPServer, reports: list[tuple[str, str]]) -> list[str]:
    """Pages and feeds for the reports; the feed URLs."""
    import html  # noqa: PLC0415

    base = f"http://127.0.0.1:{server.server_address[1]}"
    PAGES.clear()
    feeds: dict[int, list[str]] = {n: [] for n in range(SOURCES)}
    for n, (title, text) in enumerate(reports):
        paragraphs = "".join(f"<p>{html.escape(p)}</p>" for p in text.split("\n\n"))
        PAGES[f"/a/{n}"] = (
            f"<html lang='en'><head><title>{html.escape(title)}</title>"
            "<meta property='og:site_name' content='Bench Wire'></head><body>"
            f"<article><h1>{html.escape(title)}</h1>{paragraphs}</article>"
            "</body></html>"
        ).encode()
        feeds[n % SOURCES].append(
            f"<item><title>{html.escape(title)}</title><link>{base}/a/{n}</link>"
            f"<guid>{base}/a/{n}</guid></item>"
        )
    for n, items in feeds.items():
        PAGES[f"/feed-{n}.xml"] = (
            '<?xml version="1.0"?><rss version="2.0"><channel><title>Bench '
            f"{n}</title>{''.join(items)}</channel></rss>"
        ).encode()
    return [f"{base}/feed-{n}.xml" for n in range(SOURCES)]


def reset(feeds: list[str]) -> None:
    from django.db import connection  # noqa: PLC0415

    from events.models import SourceArticle  # noqa: PLC0415
    from intake.models import HostSlot, Source  # noqa: PLC0415

    SourceArticle.objects.filter(duplicate_of__isnull=False).delete()
    SourceArticle.objects.filter(source__isnull=False).delete()
    Source.objects.all().delete()
    HostSlot.objects.all().delete()
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM procrastinate_jobs WHERE queue_name = 'intake'")
    for n, url in enumerate(feeds):
        Source.objects.create(name=f"Bench {n}", url=url, kind="rss")


def fetch_and_parse(base: str, count: int) -> float:
    from intake import pages  # noqa: PLC0415

    started = time.perf_counter()
    for path in [p for p in PAGES if p.startswith("/a/")][:count]:
        # A one-line brief is refused as too short, after being read all the same.
        with contextlib.suppress(pages.NoText):
            pages.read(f"{base}{path}")
    return time.perf_counter() - started


def signature_speed(reports: list[tuple[str, str]]) -> dict:
    """The near-duplicate signature of each story, as intake takes it for
    every article it reads (articles a second, and milliseconds for the
    story of about a thousand words made of several)."""
    from intake import dedup  # noqa: PLC0415

    bodies = [body for _, body in reports]
    started = time.perf_counter()
    for body in bodies:
        dedup.Signature.of(body)
    seconds = time.perf_counter() - started
    long_body = ""
    for body in bodies:
        if len(long_body.split()) >= 1000:
            break
        long_body += "\n\n" + body
    turns = 20
    started = time.perf_counter()
    for _ in range(turns):
        dedup.Signature.of(long_body)
    each = (time.perf_counter() - started) / turns
    return {
        "articles_per_second": round(len(bodies) / seconds, 1),
        "words_long": len(long_body.split()),
        "ms_long": round(each * 1000, 2),
    }


def pipeline(workers: int, env: dict[str, str]) -> tuple[float, dict]:
    from django.db.models import Avg, Count  # noqa: PLC0415

    from intake import polling, queue  # noqa: PLC0415
    from intake.models import Item, StoredSuggestions  # noqa: PLC0415

    processes = [
        subprocess.Popen(
            [sys.executable, "manage.py", "run_worker"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for _ in range(workers)
    ]
    time.sleep(4)  # the workers start and listen
    started = time.perf_counter()
    polling.poll_all()
    while queue.unfinished() or Item.objects.filter(state="new").exists():
        time.sleep(0.2)
    seconds = time.perf_counter() - started
    for process in processes:
        process.terminate()
    for process in processes:
        process.wait(timeout=60)
    states = dict(Item.objects.values_list("state").annotate(n=Count("id")).order_by())
    suggest = StoredSuggestions.objects.aggregate(mean=Avg("seconds"))["mean"] or 0
    return seconds, {"items": states, "suggest_seconds_mean": round(suggest, 3)}


def main() -> None:
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    env = environment(server)
    prepare_database(env)
    os.environ.update(env)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tracker.settings")
    sys.path.insert(0, str(ROOT))
    import django  # noqa: PLC0415

    django.setup()
    reports = stories(ARTICLES)
    feeds = serve(server, reports)
    figures = {}
    sample = min(ARTICLES, 200)
    seconds = fetch_and_parse(base, sample)
    figures["fetch_parse"] = {"articles_per_second": round(sample / seconds, 1)}
    figures["signature"] = signature_speed(reports)
    for workers in (1, 2):
        reset(feeds)
        seconds, detail = pipeline(workers, env)
        figures[f"workers_{workers}"] = {
            "articles_per_second": round(ARTICLES / seconds, 2),
            "seconds": round(seconds, 1),
            **detail,
        }
    result = {
        "articles": ARTICLES,
        "sources": SOURCES,
        "worker_concurrency": int(os.environ.get("WORKER_CONCURRENCY") or 4),
        "machine": f"{platform.machine()}, {os.cpu_count()} CPUs",
        "figures": figures,
    }
    RESULTS.write_text(json.dumps(result, indent=2) + "\n")
    print(f"{'path':<14} {'articles/s':>10}  detail")
    for name, figure in figures.items():
        rest = {k: v for k, v in figure.items() if k != "articles_per_second"}
        print(f"{name:<14} {figure['articles_per_second']:>10}  {rest}")
    server.shutdown()


if __name__ == "__main__":
    main()
