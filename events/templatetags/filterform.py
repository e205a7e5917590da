"""The filter form's actors, named from the ids in the address."""

from django import template
from django.http import QueryDict

from events.filters import MAX_IDS
from events.models import Actor

register = template.Library()


@register.simple_tag
def chosen_actors(params: QueryDict) -> list[Actor]:
    """
    The actors `?actor=` names (repeated or comma-separated), in the order
    given, so that the form shows and keeps every one of them, whichever
    other filter changes. Ids that name no actor are left to the filters'
    own error.
    """
    ids = []
    for item in params.getlist("actor")[:MAX_IDS]:
        for part in item.split(","):
            part = part.strip()
            if part.isascii() and part.isdigit() and len(part) <= 18:
                ids.append(int(part))
    found = Actor.objects.in_bulk(ids[:MAX_IDS])
    return [found[pk] for pk in dict.fromkeys(ids) if pk in found]
