"""
The curation screen at a person's speed: the editor and the reviewer of the
browser test (tests/test_curation_browser.py) make the same run, action for
action, each action preceded by the time a person takes for it and each
character typed at a typist's pace; the article is read, and the reviewer
reads the two cards, before either acts. Prints each action with the time it
took and the whole run's wall time. Not a test: a measurement, run by hand:

    .venv/bin/python bench/curation_walkthrough.py

It works in a database of its own (TEST_DATABASE_NAME, default
test_zagros_walkthrough), created and dropped, never the development one.

The times are the Keystroke-Level Model's (Card, Moran and Newell, "The
Psychology of Human-Computer Interaction", 1983): M, deciding what to do
next, 1.35 s; P, pointing with the mouse, 1.1 s; B, pressing and releasing
its button, 0.2 s; H, moving a hand between mouse and keyboard, 0.4 s; K, a
keystroke, 0.28 s (an average typist). Reading at 250 words a minute.
"""

import os
import re
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tracker.settings")
os.environ.setdefault("TEST_DATABASE_NAME", "test_zagros_walkthrough")
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"  # Playwright's loop, the ORM beside it

import django  # noqa: E402

django.setup()

from django.contrib.auth.models import Group, User  # noqa: E402
from django.contrib.staticfiles.handlers import StaticFilesHandler  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.core.servers.basehttp import ThreadedWSGIServer  # noqa: E402
from django.core.wsgi import get_wsgi_application  # noqa: E402
from django.db import connection  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402
from playwright.sync_api import sync_playwright  # noqa: E402

from events import curation, lookup  # noqa: E402
from events.models import SourceArticle  # noqa: E402
from tests import conftest  # noqa: E402
from tests.test_browser import (  # noqa: E402
    BROWSER_PASSWORD,
    CHROMIUM,
    CHROMIUM_ARGS,
    QuietHandler,
)
from tests.test_curation_browser import play, store_article  # noqa: E402

M, P, B, H, K = 1.35, 1.1, 0.2, 0.4, 0.28
WORDS_PER_MINUTE = 250


class Clock:
    """Paces each action as a person would, and keeps what each one took."""

    def __init__(self) -> None:
        # [person, kind, paced seconds, seconds until the next step began
        # (its start until then), ended]
        self.steps: list[list] = []
        self.typing = False

    def pace(self, person, kind: str, text: str) -> None:
        now = time.monotonic()
        if self.steps and not self.steps[-1][4]:
            # The last step ends as this one begins: its pace, the machine's
            # answer and whatever the page made a person wait for.
            self.steps[-1][3] = now - self.steps[-1][3]
            self.steps[-1][4] = True
        if kind == "done":
            return  # the person is done: signing in the next is not theirs
        if kind == "read":
            wait = len(re.findall(r"\w+", text)) / WORDS_PER_MINUTE * 60
        elif kind == "type":
            # Decide, reach the field, click in it, hands to the keyboard;
            # the characters themselves are typed at K each.
            wait = M + P + B + H
            self.typing = True
        elif kind == "choose":
            wait = M + (H if self.typing else 0) + 2 * (P + B)
            self.typing = False
        elif kind == "select":
            # Point at the first word, press, drag to the last, release.
            wait = M + (H if self.typing else 0) + 2 * P + B
            self.typing = False
        elif kind == "key":
            wait = M + K
        else:
            wait = M + (H if self.typing else 0) + P + B
            self.typing = False
        self.steps.append([person.who, kind, wait, now, False])
        time.sleep(wait)


def main() -> None:
    conftest.pytest_configure()
    setup_test_environment()
    name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        call_command("load_geography", verbosity=0)
        call_command("load_demo", verbosity=0)
        editor, _ = User.objects.get_or_create(username="browser-editor", is_staff=True)
        editor.set_password(BROWSER_PASSWORD)
        editor.save()
        editor.groups.set([Group.objects.get(name="Editor")])
        article = store_article()
        # A server that has curated before: the suggestions' and the
        # lookups' indexes are built once per process, at its first article.
        curation.screen_state(article=SourceArticle.objects.first(), user=editor)
        lookup.place_choices("Tehran")
        httpd = ThreadedWSGIServer(("127.0.0.1", 0), QuietHandler)
        httpd.set_app(StaticFilesHandler(get_wsgi_application()))
        threading.Thread(target=httpd.serve_forever, daemon=True).start()
        server = f"http://127.0.0.1:{httpd.server_address[1]}"
        clock = Clock()
        with sync_playwright() as p:
            browser = p.chromium.launch(
                executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
            )
            started = time.monotonic()
            actions = play(browser, server, article, pace=clock.pace)
            wall = time.monotonic() - started
            browser.close()
        httpd.shutdown()
        report(actions, clock, wall)
    finally:
        connection.creation.destroy_test_db(name, verbosity=0)


def report(actions: list[str], clock: Clock, wall: float) -> None:
    print(f"{'#':>3}  {'person':<8}  {'action':<58} {'paced':>6} {'took':>6}")
    described = iter(actions)
    number = 0
    for who, kind, wait, took, _ in clock.steps:
        if kind == "read":
            label, what = (
                "",
                "reads" + (" the article" if who == "editor" else " the cards"),
            )
        else:
            number += 1
            label, what = str(number), next(described).split(": ", 1)[1]
        print(f"{label:>3}  {who:<8}  {what[:58]:<58} {wait:6.1f} {took:6.1f}")
    for person in ("editor", "reviewer"):
        mine = [step for step in clock.steps if step[0] == person]
        print(
            f"{person}: {sum(1 for s in mine if s[1] != 'read')} actions, "
            f"{sum(s[3] for s in mine):.0f} s ({sum(s[2] for s in mine):.0f} s paced)"
        )
    print(f"{len(actions)} actions; wall time {wall:.0f} s, sign-ins included.")


if __name__ == "__main__":
    main()
