import datetime
import importlib
from collections.abc import Iterator

import psycopg
import pytest
from django.conf import settings
from django.contrib.auth.models import Group, Permission, User
from django.core.management import call_command
from django.db import connection
from django.test import Client

from events.models import Event, Location

curation_groups = importlib.import_module("events.migrations.0003_curation_groups")


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
    for name, codenames in curation_groups.GROUPS.items():
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.set(
            Permission.objects.filter(
                content_type__app_label="events", codename__in=codenames
            )
        )
    call_command("load_geography", verbosity=0)
    call_command("load_demo", verbosity=0)


@pytest.fixture(scope="module")
def seed_restored_afterwards(django_db_blocker) -> Iterator[None]:
    """For a module of transactional tests: the seed back once they are done,
    so later tests (and a --reuse-db run) find the database as setup left it."""
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


def make_user(username: str, group: str | None = None) -> User:
    user = User.objects.create_user(username, password="pw-for-tests", is_staff=True)
    if group:
        user.groups.add(Group.objects.get(name=group))
    return user


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
