"""
Hostile values to every query parameter of every URL outside the admin: the
REST API, OGC, feeds, map data and pages. Whatever the value, the answer is a
clear 4xx or a page that ignores it, never a 5xx.

The URLs come from the resolver and the parameter names from the code that
reads them (every FilterSet, every OGC collection's queryables, and each
`GET.get("...")` or `query_params.get("...")` in the source), so a new URL or
a new parameter is fuzzed without anyone adding it here; a URL this file
cannot fill in fails the test until it is taught how.

Every (URL, parameter) pair gets values from the corpus in rotation, so each
value meets each parameter on several URLs and each URL meets each value; the
rotation is fixed, so a run is repeatable. Each URL also gets all parameters
at once, each value repeated, and hostile path segments.
"""

import inspect
import itertools
import pathlib
import re
from collections.abc import Iterator
from urllib.parse import quote

import django_filters
import pytest
from django.conf import settings
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from events import filters
from events.models import FeedToken
from events.ogc.collections import COLLECTIONS
from intake import api as intake_api
from intake import views as intake_views
from intake.models import Source
from searches.models import SavedSearch
from tests.conftest import SharedWorld, make_user

pytestmark = pytest.mark.django_db

ROOT = pathlib.Path(settings.BASE_DIR)

HOSTILE = [
    "%d",
    "%s%s%s%n",
    "100%",
    "\x00",
    "a\x00b",
    "9" * 40,
    "-9" * 20,
    "1e999",
    "NaN",
    "x" * 5000,
    "\u202e\u200b\ufeff\u0007",
    "' OR 1=1 --",
    "1;DROP TABLE events_event",
    "",
    " ",
    "../../etc/passwd",
    "<script>alert(1)</script>",
    "2023-02-30",
    "99999-01-01T00:00:00Z",
    "-1",
    "0",
    "1,2,3,4,5,6,7,8,9",
    "\ud800",  # a lone surrogate: invalid UTF-8 on the wire (%ED%A0%80)
    "{}",
    "[[[[",
    "true",
]
VALUES_PER_PAIR = 2

# Parameters read by the pages, the API and OGC beyond their FilterSets and
# queryables: anything the source reads from the query string must be here.
OGC_PARAMETERS = {
    "f", "limit", "offset", "bbox", "bbox-crs", "datetime", "sortby",
    "filter", "filter-lang", "filter-crs", "properties", "skipGeometry",
    "crs", "count", "matched", "resultType", "before", "date_rule",
}  # fmt: skip
API_PARAMETERS = {"format", "cursor", "page_size", "interval"}
PAGE_PARAMETERS = {"after", "zoom", "km", "citation", "published", "page"}
READS = re.compile(
    r"""(?:GET|query_params|query)\s*(?:\.\s*(?:get|getlist)\s*\(|\[)\s*["']([\w.-]+)["']"""
)


def filterset_parameters() -> set[str]:
    names: set[str] = set()
    for module in (filters, intake_api, intake_views):
        for _, member in inspect.getmembers(module, inspect.isclass):
            if issubclass(member, django_filters.FilterSet) and member.base_filters:
                names.update(member.base_filters)
    return names


def queryable_parameters() -> set[str]:
    return {name for spec in COLLECTIONS.values() for name in spec.queryables}


def parameters_read_in_source() -> set[str]:
    names: set[str] = set()
    for folder in ("events", "intake", "searches", "tracker", "synthetic"):
        for path in (ROOT / folder).rglob("*.py"):
            if "migrations" in path.parts:
                continue
            names.update(READS.findall(path.read_text()))
    return names


ALL_PARAMETERS = sorted(
    filterset_parameters()
    | queryable_parameters()
    | OGC_PARAMETERS
    | API_PARAMETERS
    | PAGE_PARAMETERS
)


def test_every_parameter_read_in_the_source_is_fuzzed() -> None:
    missing = parameters_read_in_source() - set(ALL_PARAMETERS)
    assert not missing, f"add to this file's parameter lists: {sorted(missing)}"


def walk(resolver: URLResolver, prefix: str = "") -> Iterator[str]:
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            yield from walk(pattern, prefix + str(pattern.pattern))
        elif isinstance(pattern, URLPattern):
            yield prefix + str(pattern.pattern)


def routes() -> list[str]:
    """Every route but the admin's (its forms are fuzzed elsewhere)."""
    return [route for route in walk(get_resolver()) if not route.startswith("admin/")]


def fill(route: str, world: SharedWorld, key: str, search: int) -> list[str]:
    """The concrete paths a route stands for in the shared world."""
    route = route.replace("^", "").replace("$", "")
    event = world.events["published"].pk
    fills = {
        r"\(\?P<pk>\[0-9\]\+\)": None,  # the API's pk: by the resource before it
        "<int:event_id>": str(event),
        "<int:actor_id>": str(world.actor.pk),
        "<int:agreement_id>": str(world.agreements["published"].pk),
        "<int:location_id>": str(world.place.pk),
        "<int:article_id>": str(world.article.pk),
        "<str:key>": key,
        # A tile at the shared world's place, close enough to hold events.
        "<int:z>/<int:x>/<int:y>": "12/2566/1639",
        "<int:search_id>": str(search),
    }
    if route == "api/v1/.*/":  # the API's catch-all for unknown paths
        return ["/api/v1/nothing-here/"]
    api_pk = re.match(r"api/v1/(\w+)/\(\?P<pk>", route)
    if api_pk:
        pk = {
            "events": event,
            "actors": world.actor.pk,
            "agreements": world.agreements["published"].pk,
            "locations": world.place.pk,
            "articles": world.article.pk,
            "revisions": 1,
            "sources": world_source(),
            "searches": search,
        }[api_pk.group(1)]
        route = re.sub(r"\(\?P<pk>\[0-9\]\+\)", str(pk), route)
    for placeholder, value in fills.items():
        if value is not None:
            route = route.replace(placeholder, value)
    if "<str:collection_id>" in route:
        paths = []
        for name in COLLECTIONS:
            path = route.replace("<str:collection_id>", name)
            paths.append(path.replace("<str:feature_id>", "1"))
        return ["/" + path for path in paths]
    assert "<" not in route and "(?P" not in route, f"teach fill() the route {route}"
    return ["/" + route]


def world_source() -> int:
    source, _ = Source.objects.get_or_create(
        url="https://wire.example/fuzz.xml",
        defaults={"name": "Fuzz wire", "kind": Source.Kind.RSS},
    )
    return source.pk


@pytest.fixture
def targets(shared_world: SharedWorld) -> list[str]:
    reviewer = make_user("fuzz-reviewer", "Reviewer")
    key = FeedToken.objects.create(user=reviewer).key
    search = SavedSearch.objects.create(
        owner=reviewer, name="Fuzzed", filters={"type": ["battle"]}
    ).pk
    return sorted(
        {path for route in routes() for path in fill(route, shared_world, key, search)}
    )


def query(pairs: list[tuple[str, str]]) -> str:
    return "&".join(f"{quote(k)}={quote(raw(v), safe='')}" for k, v in pairs)


def raw(value: str) -> bytes:
    return value.encode("utf-8", "surrogatepass")


def rotation(paths: list[str]) -> Iterator[tuple[str, str, str]]:
    """Each (path, parameter) pair with VALUES_PER_PAIR values, in rotation."""
    values = itertools.cycle(HOSTILE)
    for path in paths:
        for name in ALL_PARAMETERS:
            for _ in range(VALUES_PER_PAIR):
                yield path, name, next(values)


def check(client: Client, url: str, failures: list[str]) -> None:
    response = client.get(url)
    if response.status_code >= 500:
        failures.append(f"{response.status_code} {url[:300]}")
    if problem := cache_control_problem(response.get("Cache-Control", "")):
        failures.append(f"Cache-Control {problem} {url[:300]}")
    if response.streaming:
        b"".join(response.streaming_content)  # a stream must also end cleanly


def cache_control_problem(header: str) -> str:
    """What is wrong with a Cache-Control header, if anything: a directive
    given a Python truth value ("private=False" keeps nothing private), or
    public and private both."""
    directives = [part.strip() for part in header.split(",") if part.strip()]
    names = {d.split("=", 1)[0].casefold() for d in directives}
    if any(re.search(r"=(?:True|False|None)$", d) for d in directives):
        return f"{header!r}: a truth value"
    if {"public", "private"} <= names:
        return f"{header!r}: public and private"
    return ""


def test_a_cache_control_header_is_read_for_what_it_says() -> None:
    assert cache_control_problem("public, max-age=60") == ""
    assert cache_control_problem("private, no-cache") == ""
    assert cache_control_problem("public, private=False, max-age=60")
    assert cache_control_problem("public=False, private, max-age=60")


@pytest.mark.parametrize("persona", ["anonymous", "editor"])
def test_hostile_values_never_answer_a_server_error(
    targets: list[str], persona: str
) -> None:
    client = Client(raise_request_exception=False)
    if persona == "editor":
        client.force_login(make_user("fuzz-editor", "Editor"))
    failures: list[str] = []
    for path, name, value in rotation(targets):
        check(client, f"{path}?{query([(name, value)])}", failures)
    # Every parameter at once, and each value repeated.
    for path in targets:
        for value in HOSTILE[::5]:
            pairs = [(name, value) for name in ALL_PARAMETERS]
            check(client, f"{path}?{query(pairs)}", failures)
            check(client, f"{path}?{query(pairs + pairs)}", failures)
    assert not failures, "\n".join(failures[:40])


@pytest.mark.parametrize(
    "segment", ["%00", "9" * 40, "-1", "0", "%25d", "%27%20OR%201=1--", "%E2%80%AE"]
)
def test_hostile_path_segments_never_answer_a_server_error(
    targets: list[str], segment: str
) -> None:
    client = Client(raise_request_exception=False)
    failures: list[str] = []
    for path in targets:
        parts = path.rstrip("/").split("/")
        for index, part in enumerate(parts):
            if part.isdigit() or part in COLLECTIONS:
                hostile = "/".join([*parts[:index], segment, *parts[index + 1 :]])
                check(client, hostile + ("/" if path.endswith("/") else ""), failures)
    assert not failures, "\n".join(failures[:40])


def test_the_source_scan_finds_what_it_should() -> None:
    # The scan is the safety net for new parameters: prove it sees known ones.
    found = parameters_read_in_source()
    assert {"zoom", "km", "citation", "after", "cursor", "f", "crs"} <= found
