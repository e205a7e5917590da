"""
The ASGI application, for servers that need one. Every deployment serves the
project through WSGI (tracker/wsgi.py), where tiles are answered without the
middleware of pages (tracker/handlers.py); here they go through all of it.
"""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tracker.settings")

application = get_asgi_application()
