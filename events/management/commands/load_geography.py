from pathlib import Path

from django.core.management.base import BaseCommand

from events.geography import DATA_DIR, load_geography


class Command(BaseCommand):
    help = (
        "Load countries and provinces from data/geo/ and compute the Iran–Iraq "
        "border and the Kurdistan Region in PostGIS. Safe to run again."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--data-dir", type=Path, default=DATA_DIR)

    def handle(self, *args, data_dir: Path, **options) -> None:
        report = load_geography(data_dir=data_dir)
        self.stdout.write(
            f"Geography: {report['created']} created, {report['updated']} updated, "
            f"{report['unchanged']} unchanged."
        )
