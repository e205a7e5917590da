import datetime
import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from events.extract import suggest


def parse_published(value: str | None) -> datetime.date | None:
    if value is None:
        return None
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        raise CommandError(
            f"--published must be a date written YYYY-MM-DD, such as 2023-03-20; "
            f"got {value!r}."
        ) from None


def read_article(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise CommandError(f"Cannot read {path}: {error}") from None


def summary(suggestions: dict) -> str:
    """The suggestions as a reader would skim them, one line each."""
    lines = [f"Actors ({len(suggestions['actors'])}):"]
    for actor in suggestions["actors"]:
        known = f"#{actor['actor_id']}" if actor["actor_id"] else "new"
        lines.append(f"  {actor['text']} → {actor['name']} ({known})")
    lines.append(f"Places ({len(suggestions['places'])}):")
    for place in suggestions["places"]:
        where = (
            f"{place['lat']:.4f}, {place['lon']:.4f}"
            if place["lat"] is not None
            else "no coordinates"
        )
        known = f"#{place['location_id']}" if place["location_id"] else "gazetteer"
        lines.append(f"  {place['text']} → {place['name']} ({where}; {known})")
    lines.append(f"Dates ({len(suggestions['dates'])}):")
    for date in suggestions["dates"]:
        lines.append(f"  {date['text']} → {date['value']} ({date['precision']})")
    lines.append(f"Events ({len(suggestions['events'])}):")
    for event in suggestions["events"]:
        date = event["date"]
        when = f"{date['value']} ({date['precision']})" if date else "undated"
        where = event["place"]["name"] if event["place"] else "no place"
        lines.append(f"  [{event['event_type']}] {event['title']}")
        lines.append(f"    {when}; {where}")
        for actor in event["actors"]:
            lines.append(f"    {actor['role']}: {actor['name']}")
    return "\n".join(lines)


class Command(BaseCommand):
    help = (
        "Suggest the actors, places, dates and events named in an article's "
        "text (a UTF-8 file), with the offsets of the words they come from."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("file", type=Path, help="The article as plain text.")
        parser.add_argument(
            "--published",
            help="Publication date, YYYY-MM-DD; dates such as 'on Sunday' or "
            "'last year' resolve from it, and are left out without it.",
        )
        parser.add_argument(
            "--json",
            action="store_true",
            help="Print the suggestions as one JSON object.",
        )

    def handle(self, *args, file: Path, published: str | None, **options) -> None:
        suggestions = suggest(read_article(file), published=parse_published(published))
        if options["json"]:
            self.stdout.write(json.dumps(suggestions, ensure_ascii=False, indent=2))
        else:
            self.stdout.write(summary(suggestions))
