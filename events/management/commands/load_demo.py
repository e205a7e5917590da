from django.core.management.base import BaseCommand

from events.demo import load_demo


class Command(BaseCommand):
    help = (
        "Store the seed article and the events, actors and agreement curated from "
        "it. Needs load_geography first. Does nothing when already loaded."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--reset",
            action="store_true",
            help="Delete the demo events and agreement (with any edits) and load "
            "them again.",
        )

    def handle(self, *args, reset: bool, **options) -> None:
        self.stdout.write(load_demo(reset=reset))
