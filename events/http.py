"""
HTTP rules shared by every output that answers machines (the API, the feeds,
OGC): the anonymous rate limit, entity tags of whole bodies, how caches may
keep a response, errors as JSON documents rather than HTML pages, and how a
streamed body starts and fails.
"""

import hashlib
import logging
from collections.abc import Callable, Iterator
from functools import wraps
from http import HTTPStatus

from django.http import (
    HttpRequest,
    HttpResponse,
    HttpResponseBase,
    HttpResponseNotAllowed,
    JsonResponse,
    StreamingHttpResponse,
)
from django.utils.cache import patch_cache_control
from django.views import csrf, defaults
from django.views.decorators.csrf import csrf_exempt
from rest_framework.settings import api_settings
from rest_framework.throttling import AnonRateThrottle as BaseAnonRateThrottle

from events.queries import started

logger = logging.getLogger(__name__)


class AnonRateThrottle(BaseAnonRateThrottle):
    """
    Anonymous requests per client address, at `API_ANON_RATE`, over a sliding
    window. The rate is read per request rather than once at import, so a
    settings override applies. Where the cache is Redis, each request is
    counted in one atomic step on the Redis server (`take_turn` of
    tracker.cache.RedisCache), on its clock: requests arriving at once at
    many processes and servers never pass the limit between them, and a
    server whose clock is off moves no client's window. Other caches count as
    REST framework does, reading the client's requests and then writing them
    back (one machine's processes, where a few requests at once may pass).
    """

    # The seconds a refused request must wait, from the atomic count.
    waiting: float | None = None

    def get_rate(self) -> str | None:
        return api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)

    def allow_request(self, request, view) -> bool:
        take_turn = getattr(self.cache, "take_turn", None)
        if take_turn is None or self.rate is None:
            return super().allow_request(request, view)
        self.key = self.get_cache_key(request, view)
        if self.key is None:
            return True
        # On the Redis server's clock, which every app server shares.
        self.waiting = take_turn(
            f"{self.key}:window", window=self.duration, limit=self.num_requests
        )
        return self.waiting is None

    def wait(self) -> float | None:
        if self.waiting is not None:
            return self.waiting
        return super().wait()


def body_etag(content: bytes) -> str:
    return f'"{hashlib.sha256(content).hexdigest()[:32]}"'


def mark_revalidate(request: HttpRequest, response: HttpResponseBase) -> None:
    """Caches may keep a copy but must revalidate it (cheap, with the ETag)."""
    if request.user.is_authenticated:
        patch_cache_control(response, private=True, no_cache=True)
    else:
        patch_cache_control(response, no_cache=True)


# --- errors where machines talk -------------------------------------------------------

# Paths whose clients are programs: their errors are JSON documents, never
# HTML pages. Each area keeps its own documented error shape.
MACHINE_PREFIXES = ("/api/", "/ogc/", "/feeds/", "/tiles/")


def machine_error(
    request: HttpRequest, status: int, message: str
) -> JsonResponse | None:
    """The error as the area of `request.path` documents it; None for pages."""
    path = request.path
    if not path.startswith(MACHINE_PREFIXES):
        return None
    if path.startswith("/ogc/"):
        # OGC API – Common's exception document.
        code = {400: "InvalidParameterValue", 404: "NotFound"}.get(
            status, HTTPStatus(status).phrase.replace(" ", "")
        )
        return JsonResponse({"code": code, "description": message}, status=status)
    return JsonResponse({"detail": message}, status=status)


def method_not_allowed(request: HttpRequest, allowed: list[str]) -> HttpResponse:
    response = machine_error(
        request, 405, f"Method {request.method[:20]!r} not allowed here."
    ) or HttpResponseNotAllowed(allowed)
    response["Allow"] = ", ".join(allowed)
    return response


def read_only(view: Callable) -> Callable:
    """
    A view that only reads: GET and HEAD answer, anything else is a 405 in
    the area's error format. No state changes here, so no CSRF check
    stands in the way of a client with a token and no cookie.
    """

    @csrf_exempt
    @wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if request.method not in ("GET", "HEAD"):
            return method_not_allowed(request, ["GET", "HEAD"])
        return view(request, *args, **kwargs)

    return wrapped


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    return machine_error(
        request,
        403,
        "CSRF check failed: a request signed in by cookie must carry the CSRF "
        "token; programs authenticate with 'Authorization: Token <key>'.",
    ) or csrf.csrf_failure(request, reason=reason)


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    return machine_error(
        request, 404, "Nothing at this address."
    ) or defaults.page_not_found(request, exception)


def permission_denied(request: HttpRequest, exception: Exception) -> HttpResponse:
    return machine_error(
        request, 403, "You may not do this."
    ) or defaults.permission_denied(request, exception)


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    return machine_error(request, 400, "Bad request.") or defaults.bad_request(
        request, exception
    )


def server_error(request: HttpRequest) -> HttpResponse:
    return machine_error(
        request, 500, "The server failed; the error is logged."
    ) or defaults.server_error(request)


def streaming_response(
    request: HttpRequest, body: Iterator[bytes | str], *, content_type: str
) -> StreamingHttpResponse:
    """
    A response streaming `body`, whose first piece is read before the
    response exists (`queries.started`): a failure there is answered like
    any other error. Once the status line and part of the body have left, a
    failure can only cut the transfer short: it is logged as an error, with
    the request, and raised again, so that the server ends the connection
    without the last chunk of its chunked encoding. The client then sees a
    broken transfer, never a well-formed but shortened document.
    """
    return StreamingHttpResponse(
        logged_failures(request, started(iter(body))), content_type=content_type
    )


def logged_failures(
    request: HttpRequest, pieces: Iterator[bytes | str]
) -> Iterator[bytes | str]:
    try:
        yield from pieces
    except Exception:
        logger.exception(
            "The body of %s failed after the response began; the transfer is "
            "cut short.",
            request.get_full_path(),
        )
        raise


# The error code of a well-formed id that names no stored object (DRF's own
# for a related field), and of a change refused for the state of what it
# changes.
NAMES_NOTHING = "does_not_exist"
CONFLICT = "conflict"

# A request whose values are all well formed but that names something not
# stored (an id, a page's cursor) answers 404; one that would store a second
# copy of something unique, or that the workflow refuses in the event's
# present state, answers 409; anything malformed makes it a 400.
STATUS_BY_CODE = {
    NAMES_NOTHING: 404,
    "unique": 409,
    CONFLICT: 409,
}


def validation_status(codes: object) -> int:
    found: set[str] = set()

    def collect(node: object) -> None:
        if isinstance(node, dict):
            for value in node.values():
                collect(value)
        elif isinstance(node, list):
            for value in node:
                collect(value)
        else:
            found.add(str(node))

    collect(codes)
    statuses = {STATUS_BY_CODE.get(code, 400) for code in found}
    if len(statuses) == 1:
        return statuses.pop()
    return 400
