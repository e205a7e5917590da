"""
HTTP behaviour shared by every API view: content negotiation that names a bad
`format`, JSON errors (never an HTML 500 for bad input), conditional GETs with
ETags, `If-Match` preconditions on writes, and the anonymous throttle.
"""

import logging
from collections.abc import Callable

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import DataError, IntegrityError, OperationalError
from django.http import HttpRequest, HttpResponseBase, JsonResponse
from django.utils.cache import get_conditional_response
from django.utils.http import parse_etags
from django.views.decorators.csrf import csrf_exempt
from rest_framework import exceptions, status
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.parsers import JSONParser as BaseJSONParser
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.serializers import as_serializer_error
from rest_framework.views import exception_handler as drf_exception_handler

from events.http import body_etag, mark_revalidate, validation_status

logger = logging.getLogger(__name__)


class ContentNegotiation(DefaultContentNegotiation):
    """
    DRF's negotiation, except that `?format=` wins over the Accept header
    (GDAL, for one, asks for application/json whatever the URL says) and an
    unknown format is a 400 naming it.
    """

    def select_renderer(
        self, request: Request, renderers: list[BaseRenderer], format_suffix=None
    ) -> tuple[BaseRenderer, str]:
        view = request.parser_context.get("view")
        if view is not None and request.method not in view.allowed_methods:
            # The answer is the 405, in JSON, whatever format was asked for.
            return renderers[0], renderers[0].media_type
        format = format_suffix or request.query_params.get(
            self.settings.URL_FORMAT_OVERRIDE
        )
        if format:
            renderer = self.filter_renderers(renderers, format)[0]
            return renderer, renderer.media_type
        return super().select_renderer(request, renderers, format_suffix)

    def filter_renderers(
        self, renderers: list[BaseRenderer], format: str
    ) -> list[BaseRenderer]:
        matching = [renderer for renderer in renderers if renderer.format == format]
        if not matching:
            offered = ", ".join(renderer.format for renderer in renderers)
            raise exceptions.ValidationError(
                {"format": [f"Unknown format {format[:40]!r}; use one of: {offered}."]}
            )
        return matching


class JSONParser(BaseJSONParser):
    """DRF's JSON parser, answering absurdly nested input with a 400."""

    def parse(self, stream, media_type=None, parser_context=None) -> object:
        try:
            return super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise exceptions.ParseError(
                "JSON parse error - nested too deeply."
            ) from None


class PreconditionFailed(exceptions.APIException):
    status_code = status.HTTP_412_PRECONDITION_FAILED
    default_detail = "The resource has changed since you read it."
    default_code = "precondition_failed"


class Conflict(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = "The change conflicts with the stored data."
    default_code = "conflict"


class PayloadTooLarge(exceptions.APIException):
    status_code = 413
    default_code = "payload_too_large"


class DatabaseUnavailable(exceptions.APIException):
    status_code = status.HTTP_503_SERVICE_UNAVAILABLE
    default_detail = (
        "The database could not answer (it timed out, was busy or went away); "
        "try again shortly."
    )
    default_code = "database_unavailable"


def exception_handler(exc: Exception, context: dict) -> Response | None:
    """
    DRF's handler, plus the errors that reach the database despite validation
    (a constraint checked only there, a race between two writers): these are
    the client's to fix, so they answer 400/409 in JSON instead of a 500. A
    database that gives up (a timeout, a lock not granted, a lost connection,
    also when a streamed export starts) is a 503 in JSON, logged as an error.
    """
    if isinstance(exc, RequestDataTooBig):
        exc = PayloadTooLarge(
            f"The request body is larger than {settings.DATA_UPLOAD_MAX_MEMORY_SIZE:,} "
            "bytes."
        )
    elif isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(as_serializer_error(exc))
    elif isinstance(exc, DataError):
        logger.warning("Data error from the API: %s", exc)
        exc = exceptions.ValidationError(
            {"detail": ["A value is malformed or out of range for the database."]}
        )
    elif isinstance(exc, OperationalError):
        logger.error(
            "Database error in %s",
            context["request"].get_full_path(),
            exc_info=exc,
        )
        exc = DatabaseUnavailable()
    elif isinstance(exc, IntegrityError):
        diag = getattr(exc.__cause__, "diag", None)
        constraint = getattr(diag, "constraint_name", None)
        logger.warning("Integrity error from the API: %s", exc)
        exc = Conflict(
            f"The change breaks the rule {constraint!r}."
            if constraint
            else "The change conflicts with the stored data."
        )
    response = drf_exception_handler(exc, context)
    if isinstance(exc, exceptions.ValidationError) and response is not None:
        response.status_code = validation_status(exc.get_codes())
    return response


@csrf_exempt  # nothing is changed here, whatever the method
def not_found(request: HttpRequest, *args, **kwargs) -> JsonResponse:
    """JSON 404 for any path under /api/v1/ that names no endpoint."""
    return JsonResponse({"detail": "No API endpoint at this address."}, status=404)


def strong_etags(header: str) -> list[str]:
    """The strong entity tags of an If-Match header ("*" included as is)."""
    return [tag for tag in parse_etags(header) if not tag.startswith("W/")]


def check_if_match(request: Request, matches: Callable[[str], bool]) -> None:
    """
    Refuse a write whose `If-Match` names none of the current entity tags
    (RFC 9110 13.1.1: strong comparison, so a weak tag never matches).
    Without the header the write goes ahead.
    """
    header = request.headers.get("If-Match")
    if header is None:
        return
    tags = strong_etags(header)
    if "*" in tags or any(matches(tag) for tag in tags):
        return
    raise PreconditionFailed(
        "The resource has changed since you read it (If-Match names "
        f"{header[:80]!r}). Fetch it again, reapply your change and send the "
        "new ETag."
    )


class ConditionalMixin:
    """
    ETags on successful responses, and 304 for a GET whose If-None-Match
    matches; error bodies always in JSON, whatever format was asked for.

    The tag is a hash of the rendered body, exact for the bounded bodies DRF
    renders; a view may refine it in `etag_for`. Streamed bodies carry their
    own weak tag and pass through untouched.
    """

    def etag_for(self, response: Response) -> str:
        return body_etag(response.content)

    def finalize_response(
        self, request: Request, response: HttpResponseBase, *args, **kwargs
    ) -> HttpResponseBase:
        response = super().finalize_response(request, response, *args, **kwargs)
        if not isinstance(response, Response):
            return response
        if response.status_code >= 400:
            response.accepted_renderer = JSONRenderer()
            response.accepted_media_type = JSONRenderer.media_type
            return response
        if response.status_code not in (200, 201) or response.data is None:
            return response
        response.render()
        response["ETag"] = self.etag_for(response)
        if request.method not in ("GET", "HEAD"):
            return response
        mark_revalidate(request, response)
        return get_conditional_response(
            request, etag=response["ETag"], response=response
        )
