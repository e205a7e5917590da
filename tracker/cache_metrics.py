"""
Cache reads counted for /metrics (tracker/metrics.py): every read, its hits
and misses, and its failures, per backend, in django-prometheus' counters
(`django_cache_get_total`, `django_cache_get_hits_total`, ...), whichever
backend a cache uses.

`counted(CACHES)` in the settings names for each cache a class of this
module, `Counted__<its backend's path, dots as "__">`, which is made on first
use as a subclass of that backend that counts its reads.
"""

from typing import Any

from django.utils.module_loading import import_string
from django_prometheus.cache.metrics import (
    django_cache_get_fail_total,
    django_cache_get_total,
    django_cache_hits_total,
    django_cache_misses_total,
)

PREFIX = "Counted__"
MISSING = object()


class CountedReads:
    """Counts get() (and so get_or_set()) of the backend it is mixed into."""

    metrics_label = ""

    def get(self, key: str, default: Any = None, version: int | None = None) -> Any:
        label = self.metrics_label
        django_cache_get_total.labels(backend=label).inc()
        try:
            value = super().get(key, MISSING, version)
        except Exception:
            django_cache_get_fail_total.labels(backend=label).inc()
            raise
        if value is MISSING:
            django_cache_misses_total.labels(backend=label).inc()
            return default
        django_cache_hits_total.labels(backend=label).inc()
        return value


def counted(caches: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """The caches, each through a backend of this module that counts its reads."""
    return {
        alias: {
            **cache,
            "BACKEND": cache["BACKEND"]
            if cache["BACKEND"].startswith(__name__)
            else f"{__name__}.{PREFIX}{cache['BACKEND'].replace('.', '__')}",
        }
        for alias, cache in caches.items()
    }


_made: dict[str, type] = {}


def __getattr__(name: str) -> type:
    if not name.startswith(PREFIX):
        raise AttributeError(name)
    if name not in _made:
        backend = import_string(name.removeprefix(PREFIX).replace("__", "."))
        _made[name] = type(
            name, (CountedReads, backend), {"metrics_label": backend.__name__}
        )
    return _made[name]
