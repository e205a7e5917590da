"""
Backups: bin/backup dumps a database that bin/restore turns back into the
same data, and bin/restore refuses to run without a file or a confirmation.

Each test works in scratch databases of its own on the test server
(zagros_backup_test_<random>_...), dropped at the end.
"""

import os
import re
import secrets
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import quote

import psycopg
import pytest
from django.conf import settings
from psycopg import sql

ROOT = Path(__file__).resolve().parent.parent


def database_url(name: str, scheme: str = "postgresql") -> str:
    """URL of database `name` on the server and with the role the tests use."""
    db = settings.DATABASES["default"]
    credentials = quote(db["USER"] or "", safe="")
    if db["PASSWORD"]:
        credentials += ":" + quote(db["PASSWORD"], safe="")
    address = db["HOST"] + (f":{db['PORT']}" if db["PORT"] else "")
    return f"{scheme}://{credentials}@{address}/{name}"


def run(
    command: list[str], *, database: str, **environment: str
) -> subprocess.CompletedProcess:
    """A script of the checkout against `database`, never at a terminal."""
    env = {key: value for key, value in os.environ.items() if key != "YES"}
    env.update(DATABASE_URL=database_url(database, "postgis"), **environment)
    return subprocess.run(
        command,
        cwd=ROOT,
        env=env,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=300,
    )


def restore(dump: Path, database: str) -> subprocess.CompletedProcess:
    return run(["bin/restore", str(dump)], database=database, YES="1")


def execute(database: str, statement: str) -> list[tuple]:
    with psycopg.connect(database_url(database), autocommit=True) as db:
        cursor = db.execute(statement)
        return cursor.fetchall() if cursor.description else []


TABLES = """
    SELECT c.relname,
           array(
               SELECT a.attname
               FROM pg_index i,
                    unnest(i.indkey::int2[]) WITH ORDINALITY AS k(attnum, position)
               JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = k.attnum
               WHERE i.indrelid = c.oid AND i.indisprimary
               ORDER BY k.position
           )
    FROM pg_class c
    JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p')
    ORDER BY c.relname
"""
SCHEMA = {
    "sequences": "SELECT sequencename, last_value FROM pg_sequences "
    "WHERE schemaname = 'public' ORDER BY 1",
    "triggers": "SELECT tgrelid::regclass::text, tgname, tgenabled, "
    "pg_get_triggerdef(oid) FROM pg_trigger WHERE NOT tgisinternal ORDER BY 1, 2",
    "indexes": "SELECT indexname, indexdef FROM pg_indexes "
    "WHERE schemaname = 'public' ORDER BY 1",
    "constraints": "SELECT conrelid::regclass::text, conname, "
    "pg_get_constraintdef(oid) FROM pg_constraint "
    "WHERE connamespace = 'public'::regnamespace ORDER BY 1, 2",
}


def snapshot(database: str) -> dict:
    """
    Each table of the public schema with its row count and an md5 of its rows
    in primary-key order; the sequences' positions; and the triggers, indexes
    and constraints, without which a restored database would take data its
    original refuses, or stop recording history.
    """
    with psycopg.connect(database_url(database)) as db:
        tables = {}
        for table, key in db.execute(TABLES).fetchall():
            order = (
                sql.SQL(", ").join(sql.Identifier("t", column) for column in key)
                if key
                else sql.SQL("t::text")
            )
            query = sql.SQL(
                "SELECT count(*), md5(coalesce(string_agg(t::text, '|' ORDER BY {}),"
                " '')) FROM {} AS t"
            ).format(order, sql.Identifier("public", table))
            tables[table] = db.execute(query).fetchone()
        schema = {name: db.execute(query).fetchall() for name, query in SCHEMA.items()}
    return {"tables": tables, **schema}


@pytest.fixture(scope="module")
def scratch() -> Iterator[Callable[[str], str]]:
    """Creates empty scratch databases; drops every one at the end."""
    prefix = f"zagros_backup_test_{secrets.token_hex(4)}"
    created: list[str] = []

    def create(suffix: str) -> str:
        name = f"{prefix}_{suffix}"
        execute("postgres", f'CREATE DATABASE "{name}"')
        created.append(name)
        return name

    yield create
    for name in created:
        execute("postgres", f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="module")
def source(scratch: Callable[[str], str]) -> str:
    """A database set up as bin/setup does, edited so its history has updates."""
    name = scratch("source")
    execute(name, "CREATE EXTENSION postgis")
    for command in (
        ["migrate", "--noinput", "-v0"],
        ["load_geography"],
        ["load_demo"],
        ["create_demo_users"],
    ):
        result = run(
            [str(ROOT / ".venv/bin/python"), "manage.py", *command],
            database=name,
            DEMO_PASSWORD="backup-test-password",
        )
        assert result.returncode == 0, result.stderr
    # Text COPY has to escape, and an update for the triggers to record.
    execute(
        name,
        "UPDATE events_event SET summary = summary || E'\\n\\ttab, back\\\\slash, "
        "«quotes»' WHERE id = (SELECT min(id) FROM events_event)",
    )
    return name


@pytest.fixture(scope="module")
def dump(source: str, tmp_path_factory: pytest.TempPathFactory) -> Path:
    backups = tmp_path_factory.mktemp("backups")
    result = run(["bin/backup"], database=source, BACKUP_DIR=str(backups))
    assert result.returncode == 0, result.stderr
    return Path(result.stdout.splitlines()[-1])


def test_backup_is_named_by_its_utc_time(dump: Path) -> None:
    assert re.fullmatch(r"zagros-\d{8}-\d{6}\.dump", dump.name)
    assert list(dump.parent.iterdir()) == [dump]  # no partial file left


def test_restore_into_an_empty_database_gives_identical_data(
    source: str, dump: Path, scratch: Callable[[str], str]
) -> None:
    target = scratch("restored")

    result = restore(dump, target)

    assert result.returncode == 0, result.stderr
    original = snapshot(source)
    assert original["tables"]["events_event"][0] > 0
    assert original["tables"]["events_eventevent"][0] > 0
    assert snapshot(target) == original


def test_restore_over_changed_data_brings_back_the_backup_and_keeps_postgis(
    source: str, dump: Path, scratch: Callable[[str], str]
) -> None:
    target = scratch("changed")
    assert restore(dump, target).returncode == 0
    execute(target, "DELETE FROM events_eventrelation")
    execute(target, "UPDATE events_actor SET name = name || ' (changed)'")
    geometry_type = execute(target, "SELECT 'geometry'::regtype::oid")

    result = restore(dump, target)

    assert result.returncode == 0, result.stderr
    assert snapshot(target) == snapshot(source)
    # Running app processes cache the geometry type's OID.
    assert execute(target, "SELECT 'geometry'::regtype::oid") == geometry_type


def test_a_failed_restore_changes_nothing(
    dump: Path, scratch: Callable[[str], str]
) -> None:
    target = scratch("failed")
    assert restore(dump, target).returncode == 0
    execute(target, "DELETE FROM events_eventrelation")
    # An object the dump does not know stops its tables being dropped.
    execute(target, "CREATE VIEW event_ids AS SELECT id FROM events_event")
    before = snapshot(target)

    result = restore(dump, target)

    assert result.returncode != 0
    assert "is unchanged" in result.stderr
    assert snapshot(target) == before


def test_restore_asks_for_confirmation_and_refuses_without_it(
    dump: Path, scratch: Callable[[str], str]
) -> None:
    target = scratch("unconfirmed")

    result = run(["bin/restore", str(dump)], database=target)

    assert result.returncode != 0
    assert "set YES=1" in result.stderr
    assert snapshot(target)["tables"] == {}


def test_restore_refuses_a_missing_or_foreign_file(
    tmp_path: Path, scratch: Callable[[str], str]
) -> None:
    target = scratch("untouched")
    not_a_dump = tmp_path / "notes.dump"
    not_a_dump.write_text("not a dump\n")

    without_file = run(["bin/restore"], database=target, YES="1")
    foreign_file = run(["bin/restore", str(not_a_dump)], database=target, YES="1")
    make_without_file = run(["make", "-s", "restore", "YES=1"], database=target)

    assert without_file.returncode != 0
    assert "usage: bin/restore FILE" in without_file.stderr
    assert foreign_file.returncode != 0
    assert "is not a pg_dump custom-format archive" in foreign_file.stderr
    assert make_without_file.returncode != 0
    assert "usage: make restore FILE=" in make_without_file.stderr
    assert snapshot(target)["tables"] == {}
