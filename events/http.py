"""
HTTP rules shared by every output that answers machines (the API, the feeds,
OGC): the anonymous rate limit, entity tags of whole bodies, how caches may
keep a response, and how a streamed body starts and fails.
"""

import hashlib
import logging
from collections.abc import Iterator

from django.http import HttpRequest, HttpResponseBase, StreamingHttpResponse
from django.utils.cache import patch_cache_control
from rest_framework.settings import api_settings
from rest_framework.throttling import AnonRateThrottle as BaseAnonRateThrottle

from events.queries import started

logger = logging.getLogger(__name__)


class AnonRateThrottle(BaseAnonRateThrottle):
    """
    Anonymous requests per client address, at `API_ANON_RATE`. The rate is read
    per request rather than once at import, so a settings override applies.
    """

    def get_rate(self) -> str | None:
        return api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)


def body_etag(content: bytes) -> str:
    return f'"{hashlib.sha256(content).hexdigest()[:32]}"'


def mark_revalidate(request: HttpRequest, response: HttpResponseBase) -> None:
    """Caches may keep a copy but must revalidate it (cheap, with the ETag)."""
    if request.user.is_authenticated:
        patch_cache_control(response, private=True, no_cache=True)
    else:
        patch_cache_control(response, no_cache=True)


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
