"""
One log line for every request, with the request id that every other line
logged while answering it also carries (django-guid: the client's or
proxy's `X-Request-ID` when it is a UUID, else a new one, echoed in the
response), so a request can be followed across app servers. With the JSON
format (LOG_FORMAT=json, the default) each line is one JSON object.
"""

import logging
import time
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from tracker import metrics

logger = logging.getLogger("zagros.requests")


class RequestLogMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        started = time.perf_counter()
        response = self.get_response(request)
        match = getattr(request, "resolver_match", None)
        metrics.count_response(request, response.status_code)
        logger.info(
            "%s %s %s",
            request.method,
            request.path,
            response.status_code,
            extra={
                "method": request.method,
                "path": request.path,
                "status": response.status_code,
                "view": match.view_name if match else None,
                # Until the response is handed over: a stream goes on after.
                "duration_ms": round((time.perf_counter() - started) * 1000, 1),
                "streaming": response.streaming,
                "remote_addr": request.META.get("REMOTE_ADDR"),
            },
        )
        return response
