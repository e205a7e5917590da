import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tracker.settings")

from tracker.handlers import get_application  # noqa: E402

application = get_application()
