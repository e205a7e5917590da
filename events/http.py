"""
HTTP rules shared by every output that answers machines (the API, the feeds,
OGC): the anonymous rate limit, entity tags of whole bodies, and how caches
may keep a response.
"""

import hashlib

from django.http import HttpRequest, HttpResponseBase
from django.utils.cache import patch_cache_control
from rest_framework.settings import api_settings
from rest_framework.throttling import AnonRateThrottle as BaseAnonRateThrottle


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
