import os
import secrets

from django.contrib.auth.models import Group, User
from django.core.management.base import BaseCommand

DEMO_USERS = {"editor": "Editor", "reviewer": "Reviewer", "analyst": "Analyst"}


class Command(BaseCommand):
    help = (
        "Create or refresh the demo users editor, reviewer and analyst, with the "
        "password in DEMO_PASSWORD (one is generated and printed when unset)."
    )

    def handle(self, *args, **options) -> None:
        password = os.environ.get("DEMO_PASSWORD") or secrets.token_urlsafe(12)
        for username, group_name in DEMO_USERS.items():
            user, _ = User.objects.get_or_create(username=username)
            user.is_staff = True
            user.set_password(password)
            user.save()
            user.groups.set([Group.objects.get(name=group_name)])
        names = ", ".join(DEMO_USERS)
        self.stdout.write(f"Demo users {names}; password: {password}")
