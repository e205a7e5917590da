import atexit
import datetime
import importlib
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote as url_quote

import psycopg
import pytest
from django.conf import settings
from django.contrib.auth.models import AnonymousUser, Group, Permission, User
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.utils import timezone

from events.models import (
    Actor,
    Agreement,
    Citation,
    Event,
    EventRelation,
    Location,
    Participant,
    SourceArticle,
)
from intake import queue
from tests.feedserver import FeedServer

# A real primary and streaming replica, and app servers in front of them.
from tests.replication import app_servers, replication, start_server  # noqa: F401

curation_groups = importlib.import_module("events.migrations.0003_curation_groups")
intake_groups = importlib.import_module("intake.migrations.0002_curation_groups")

# The development set's table, printed at the end of the run (see
# tests/test_devset.py): a table printed inside a test is captured. The
# held-out set's (tests/test_heldout.py) likewise.
DEVSET_TABLE = pytest.StashKey[str]()
HELDOUT_TABLE = pytest.StashKey[str]()


def pytest_configure() -> None:
    # Outside DEBUG the settings pick the manifest storage, which needs a
    # collectstatic run; tests render and serve static files from the source tree.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {
            "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        },
    }
    settings.STATIC_ROOT = None
    settings.WHITENOISE_USE_FINDERS = True
    # Live servers in the tests answer from threads of their own; each request
    # closes its connection so none is left open when the test database goes.
    settings.DATABASES["default"]["CONN_MAX_AGE"] = 0
    # The run's cache in a directory of its own, not the one `make run` uses
    # (the backend may be wrapped by tracker.cache_metrics: same name at the end).
    cache = settings.CACHES["default"]
    if cache["BACKEND"].endswith("FileBasedCache"):
        cache["LOCATION"] = tempfile.mkdtemp(prefix="zagros-test-cache-")


def pytest_unconfigure() -> None:
    cache = settings.CACHES["default"]
    if cache["BACKEND"].endswith("FileBasedCache"):
        shutil.rmtree(cache["LOCATION"], ignore_errors=True)


def pytest_terminal_summary(
    terminalreporter: pytest.TerminalReporter, exitstatus: int, config: pytest.Config
) -> None:
    table = config.stash.get(DEVSET_TABLE, None)
    if table is not None:
        terminalreporter.write_sep("-", "the assistant on its development set")
        terminalreporter.write_line(table)
    table = config.stash.get(HELDOUT_TABLE, None)
    if table is not None:
        terminalreporter.write_sep("-", "the assistant on its held-out set")
        terminalreporter.write_line(table)


@pytest.fixture
def report_devset(request: pytest.FixtureRequest) -> Callable[[str], None]:
    """Shows a table in the run's terminal summary."""

    def report(table: str) -> None:
        request.config.stash[DEVSET_TABLE] = table

    return report


@pytest.fixture
def report_heldout(request: pytest.FixtureRequest) -> Callable[[str], None]:
    """Shows the held-out set's table in the run's terminal summary."""

    def report(table: str) -> None:
        request.config.stash[HELDOUT_TABLE] = table

    return report


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """The test database holds the geography and the curated seed, as after setup."""
    with django_db_blocker.unblock():
        call_command("load_geography", verbosity=0)
        call_command("load_demo", verbosity=0)


def load_seed() -> None:
    """
    The database as setup leaves it, again after a transactional test has
    emptied it. The groups come from a data migration, which the flush does
    not replay; the permissions they hold are recreated by the flush itself.
    """
    load_groups()
    call_command("load_geography", verbosity=0)
    call_command("load_demo", verbosity=0)


def load_groups() -> None:
    """The curation groups with their permissions, as the data migrations made them."""
    for name, codenames in curation_groups.GROUPS.items():
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.set(
            [
                *Permission.objects.filter(
                    content_type__app_label="events", codename__in=codenames
                ),
                *Permission.objects.filter(
                    content_type__app_label="intake",
                    codename__in=intake_groups.GROUPS[name],
                ),
            ]
        )


@pytest.fixture(scope="module")
def seed_restored_afterwards(django_db_setup, django_db_blocker) -> Iterator[None]:
    """For a module of transactional tests: the seed back once they are done,
    so later tests (and a --reuse-db run) find the database as setup left it.
    It asks for the test database itself, so that it never writes to another
    when none of the module's tests selected asked for one."""
    yield
    with django_db_blocker.unblock():
        load_seed()


@pytest.fixture
def places_locked(db) -> Iterator[None]:
    """
    events_location locked by another session, as a long migration locks it:
    with a lock_timeout, the next statement that reads places fails.
    """
    database = connection.settings_dict
    with psycopg.connect(
        host=database["HOST"],
        port=database["PORT"],
        user=database["USER"],
        password=database["PASSWORD"],
        dbname=database["NAME"],
    ) as other:
        other.execute("LOCK TABLE events_location IN ACCESS EXCLUSIVE MODE")
        yield
        other.rollback()


# --- intake: a feed server, a worker of the job queue ------------------------------


@pytest.fixture(scope="session")
def feed_server() -> Iterator[FeedServer]:
    """Feeds and pages over real HTTP on 127.0.0.1, on a port of its own."""
    server = FeedServer().start()
    yield server
    server.shutdown()


# Fast enough for tests, slow enough to be measured: seconds between two
# requests to one host, and the deadline of one fetch.
TEST_HOST_INTERVAL = 0.2
TEST_FETCH_TIMEOUT = 2.0
# Saved searches' webhooks: tried three times, a second apart, then two.
TEST_WEBHOOK_ATTEMPTS = 3
TEST_WEBHOOK_BACKOFF = 1.0
# Where the worker's mail goes (Django's file backend), one file per message.
MAIL_DIR = Path(tempfile.mkdtemp(prefix="zagros-test-mail-"))
atexit.register(shutil.rmtree, MAIL_DIR, ignore_errors=True)


def intake_environment(server: FeedServer) -> dict[str, str]:
    """The environment of a worker or command run on the test database."""
    database = connection.settings_dict
    url = "postgis://{user}:{password}@{host}:{port}/{name}".format(
        user=url_quote(database["USER"] or "", safe=""),
        password=url_quote(database["PASSWORD"] or "", safe=""),
        host=database["HOST"] or "127.0.0.1",
        port=database["PORT"] or 5432,
        name=database["NAME"],
    ).replace(":@", "@")
    environment = {
        name: value
        for name, value in os.environ.items()
        if name not in {"QUEUE_DATABASE_URL", "TEST_DATABASE_NAME"}
    }
    return {
        **environment,
        "DATABASE_URL": url,
        "FETCH_ALLOWED_HOSTS": ",".join(server.hosts()),
        "FETCH_HOST_INTERVAL": str(TEST_HOST_INTERVAL),
        "FETCH_TIMEOUT": str(TEST_FETCH_TIMEOUT),
        "WEBHOOK_ATTEMPTS": str(TEST_WEBHOOK_ATTEMPTS),
        "WEBHOOK_BACKOFF": str(TEST_WEBHOOK_BACKOFF),
        "WEBHOOK_TIMEOUT": str(TEST_FETCH_TIMEOUT),
        "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
        "EMAIL_FILE_PATH": str(MAIL_DIR),
        "LOG_LEVEL": "INFO",
        "PYTHONUNBUFFERED": "1",
    }


@dataclass
class Worker:
    process: subprocess.Popen
    log: Path

    def tail(self, lines: int = 80) -> str:
        return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])

    def wait_for_jobs(self, timeout: float = 60) -> None:
        """Until no job of the intake queue waits or runs (twice in a row)."""
        deadline = time.monotonic() + timeout
        quiet = 0
        while quiet < 2:
            assert self.process.poll() is None, f"the worker stopped:\n{self.tail()}"
            assert time.monotonic() < deadline, f"jobs still running:\n{self.tail()}"
            quiet = quiet + 1 if queue.unfinished() == 0 else 0
            time.sleep(0.1)


@pytest.fixture(scope="session")
def intake_worker(
    feed_server: FeedServer, django_db_setup, django_db_blocker, tmp_path_factory
) -> Iterator[Worker]:
    """
    A real worker of the job queue (manage.py run_worker) in a process of its
    own, on the test database, allowed to fetch from the feed server.
    """
    log = tmp_path_factory.mktemp("worker") / "worker.log"
    with django_db_blocker.unblock():
        environment = intake_environment(feed_server)
    with log.open("wb") as output:
        process = subprocess.Popen(
            [sys.executable, "manage.py", "run_worker", "--concurrency", "3"],
            cwd=settings.BASE_DIR,
            env=environment,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    worker = Worker(process, log)
    RUNNING_WORKERS.append(worker)
    deadline = time.monotonic() + 60
    while "Starting worker on queues intake" not in log.read_text(errors="replace"):
        assert process.poll() is None, f"the worker did not start:\n{worker.tail()}"
        assert time.monotonic() < deadline, (
            f"the worker is slow to start:\n{worker.tail()}"
        )
        time.sleep(0.1)
    yield worker
    RUNNING_WORKERS.remove(worker)
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


# The session's worker while it runs (intake_worker), for tests that need
# the queue to themselves.
RUNNING_WORKERS: list[Worker] = []


@pytest.fixture
def queue_to_ourselves(transactional_db) -> Iterator[None]:
    """
    No worker takes a job or beats meanwhile: the session's worker, if one
    runs, is stopped (SIGSTOP) and every heartbeat made stale; it goes on
    afterwards (SIGCONT) and beats again.
    """
    for worker in RUNNING_WORKERS:
        worker.process.send_signal(signal.SIGSTOP)
    try:
        with connection.cursor() as cursor:
            cursor.execute(
                "UPDATE procrastinate_workers "
                "SET last_heartbeat = now() - interval '1 hour'"
            )
        yield
    finally:
        for worker in RUNNING_WORKERS:
            worker.process.send_signal(signal.SIGCONT)


@pytest.fixture
def intake_settings(settings, feed_server: FeedServer) -> FeedServer:
    """This process fetching as the worker does: from the feed server, quickly."""
    settings.FETCH_ALLOWED_HOSTS = feed_server.hosts()
    settings.FETCH_HOST_INTERVAL = TEST_HOST_INTERVAL
    settings.FETCH_TIMEOUT = TEST_FETCH_TIMEOUT
    return feed_server


def make_user(username: str, group: str | None = None) -> User:
    user = User.objects.create_user(username, password="pw-for-tests", is_staff=True)
    if group:
        user.groups.add(Group.objects.get(name=group))
    return user


PERSONAS = ["anonymous", "analyst", "editor", "reviewer", "admin"]


def persona_user(name: str) -> User | AnonymousUser:
    if name == "anonymous":
        return AnonymousUser()
    if name == "admin":
        return User.objects.create_superuser(f"{name}-persona", password="pw-for-tests")
    return make_user(f"{name}-persona", name.capitalize())


def persona_client(name: str) -> tuple[Client, User | AnonymousUser]:
    """A client signed in as the persona (not at all for "anonymous"), and its user."""
    client = Client()
    user = persona_user(name)
    if user.is_authenticated:
        client.force_login(user)
    return client, user


@pytest.fixture
def editor(db) -> User:
    return make_user("test-editor", "Editor")


@pytest.fixture
def reviewer(db) -> User:
    return make_user("test-reviewer", "Reviewer")


@pytest.fixture
def analyst(db) -> User:
    return make_user("test-analyst", "Analyst")


@pytest.fixture
def editor_client(editor: User) -> Client:
    client = Client()
    client.force_login(editor)
    return client


@pytest.fixture
def baghdad(db) -> Location:
    return Location.objects.get(geonames_id=98182)


def make_event(**overrides) -> Event:
    fields = {
        "title": "Test event",
        "event_type": Event.Type.STATEMENT,
        "start_date": datetime.date(2023, 3, 19),
        "end_date": datetime.date(2023, 3, 19),
        "location": Location.objects.get(code="IRQ"),
        "geo_precision": "country",
    }
    fields.update(overrides)
    return Event.objects.create(**fields)


# --- one of everything, in every status -------------------------------------------

# A month no demo event falls in, so that lists filtered to it, and lists of
# the newest events, hold these events and no others.
WINDOW = (datetime.date(2031, 5, 1), datetime.date(2031, 5, 31))
# Sentences the suggestion engine proposes as events, so the admin's
# suggestions page shows the events made from them.
QUOTES = {
    Event.Status.DRAFT: "Gunmen attacked a border post on Saturday.",
    Event.Status.IN_REVIEW: "Border guards detained smugglers on Sunday.",
    Event.Status.PUBLISHED: "Hundreds protested at the crossing on Monday.",
    Event.Status.RETRACTED: "A drone struck a depot on Tuesday.",
}


@dataclass
class SharedWorld:
    """
    An event in each status, all citing one article, with one actor, at one
    place near the Iran–Iraq border, in one month, each related to every
    other and each the signing event of an agreement: every output that
    shows one of them could show them all.
    """

    events: dict[str, Event]
    citations: dict[str, Citation]
    agreements: dict[str, Agreement]
    article: SourceArticle
    actor: Actor
    place: Location
    since: datetime.datetime  # before any of it was written

    @property
    def event_ids(self) -> set[int]:
        return {event.pk for event in self.events.values()}

    @property
    def titles(self) -> dict[str, int]:
        return {event.title: event.pk for event in self.events.values()}

    def bbox(self) -> str:
        x, y = self.place.point.x, self.place.point.y
        return f"{x - 0.1},{y - 0.1},{x + 0.1},{y + 0.1}"


@pytest.fixture
def shared_world(db) -> SharedWorld:
    since = timezone.now()
    border = Location.objects.get(code="IRN-IRQ")
    place = Location.objects.create(
        name="Visibility Crossing",
        kind=Location.Kind.CITY,
        code="VIS-CROSSING",
        country_code="IRQ",
        point=border.point,
    )
    article = SourceArticle.objects.create(
        title="Visibility report",
        publisher="Border Wire",
        published_on=datetime.date(2031, 5, 14),
        body="Four days on the border. " + " ".join(QUOTES.values()),
    )
    actor = Actor.objects.create(
        name="Visibility Front", kind=Actor.Kind.ARMED_GROUP, country="IRQ"
    )
    events, citations, agreements = {}, {}, {}
    for day, (status, quote) in enumerate(QUOTES.items(), start=10):
        # A retracted event was published first, as the workflow has it.
        retracted = status == Event.Status.RETRACTED
        published = retracted or status == Event.Status.PUBLISHED
        event = make_event(
            # Found nowhere else: a response shows the event if it holds this.
            title=f"Visibility probe {status.label.lower()}",
            event_type=Event.Type.BATTLE,
            start_date=datetime.date(2031, 5, day),
            end_date=datetime.date(2031, 5, day),
            location=place,
            geo_precision="exact",
            status=Event.Status.PUBLISHED if retracted else status,
            published_at=timezone.now() if published else None,
        )
        Participant.objects.create(
            event=event, actor=actor, role=Participant.Role.INITIATOR
        )
        citations[status] = event.cite(article, quote)
        if retracted:
            event.status = Event.Status.RETRACTED
            event.retraction_reason = "The depot was never struck."
            event.save()
        events[status] = event
        agreements[status] = Agreement.objects.create(
            title=f"Visibility accord signed at the {status.label.lower()} event",
            kind=Agreement.Kind.SECURITY,
            signed_on=WINDOW[0],
            signed_at=place,
            signing_event=event,
        )
    EventRelation.objects.bulk_create(
        EventRelation(from_event=a, to_event=b, kind=EventRelation.Kind.CAUSED_BY)
        for a in events.values()
        for b in events.values()
        if a != b
    )
    return SharedWorld(
        events=events,
        citations=citations,
        agreements=agreements,
        article=article,
        actor=actor,
        place=place,
        since=since,
    )


def add_events(world: SharedWorld, count: int) -> None:
    """
    `count` more events in the world's month and place, every other one a
    draft, each with its actor, citing its article, related to its published
    event and the signing event of an agreement; and as many more citations
    of the published event. Every list and page has more of all it shows,
    and its query count must not change.
    """
    hub = world.events[Event.Status.PUBLISHED]
    cited = world.citations[Event.Status.PUBLISHED]
    events = Event.objects.bulk_create(
        Event(
            title=f"Another event {n}",
            event_type=Event.Type.PROTEST,
            start_date=WINDOW[0] + datetime.timedelta(days=n % 28),
            end_date=WINDOW[0] + datetime.timedelta(days=n % 28),
            location=world.place,
            point=world.place.point,
            geo_precision="exact",
            status=Event.Status.PUBLISHED if n % 2 else Event.Status.DRAFT,
            published_at=timezone.now() if n % 2 else None,
        )
        for n in range(count)
    )
    Participant.objects.bulk_create(
        Participant(event=event, actor=world.actor, role=Participant.Role.TARGET)
        for event in events
    )
    Citation.objects.bulk_create(
        Citation(
            article=world.article,
            event=event,
            quote=cited.quote,
            start=cited.start,
            end=cited.end,
        )
        for event in [*events, *[hub] * count]
    )
    EventRelation.objects.bulk_create(
        EventRelation(from_event=hub, to_event=event, kind=EventRelation.Kind.PART_OF)
        for event in events
    )
    Agreement.objects.bulk_create(
        Agreement(
            title=f"Another accord {n}",
            kind=Agreement.Kind.OTHER,
            signed_on=WINDOW[0],
            signed_at=world.place,
            signing_event=event,
        )
        for n, event in enumerate(events)
    )


def add_unrelated_events(world: SharedWorld, count: int) -> None:
    """
    `count` events that share nothing with the world: in Baghdad, a year
    before its month, with no actor, article, relation or agreement, and last
    changed before a sync client's visit at `world.since`.
    """
    baghdad = Location.objects.get(geonames_id=98182)
    day = WINDOW[0] - datetime.timedelta(days=365)
    events = Event.objects.bulk_create(
        Event(
            title=f"Unrelated event {n}",
            event_type=Event.Type.STATEMENT,
            start_date=day,
            end_date=day,
            location=baghdad,
            point=baghdad.point,
            geo_precision="exact",
            status=Event.Status.PUBLISHED if n % 2 else Event.Status.DRAFT,
        )
        for n in range(count)
    )
    Event.objects.filter(pk__in=[event.pk for event in events]).update(
        updated_at=world.since - datetime.timedelta(days=1)
    )


@pytest.fixture
def streamed_statements(monkeypatch) -> list[str]:
    """The statements psycopg streams during the test, in order."""
    statements: list[str] = []
    stream = psycopg.Cursor.stream

    def counted(cursor, query, *args, **kwargs):
        statements.append(query)
        return stream(cursor, query, *args, **kwargs)

    monkeypatch.setattr(psycopg.Cursor, "stream", counted)
    return statements
