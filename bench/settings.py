"""
The benchmark server's settings: the product's own, plus the plain DRF and
djangorestframework-gis view it is compared with, under URLs of the bench's
own (bench/urls.py), never the product's.
"""

import os

from tracker.settings import *  # noqa: F403
from tracker.settings import INSTALLED_APPS

INSTALLED_APPS = [*INSTALLED_APPS, "rest_framework_gis"]
ROOT_URLCONF = "bench.urls"

# The pages step serves a second server that keeps nothing in its cache, so
# that each request costs what a first visit after a change costs.
if os.environ.get("BENCH_CACHE") == "none":
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
