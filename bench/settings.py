"""
The benchmark server's settings: the product's own, plus the plain DRF and
djangorestframework-gis view it is compared with, under URLs of the bench's
own (bench/urls.py), never the product's.
"""

from tracker.settings import *  # noqa: F403
from tracker.settings import INSTALLED_APPS

INSTALLED_APPS = [*INSTALLED_APPS, "rest_framework_gis"]
ROOT_URLCONF = "bench.urls"
