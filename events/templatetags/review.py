"""How much awaits review, for the admin's index."""

from django import template

from events import workflow

register = template.Library()


@register.inclusion_tag("admin/events/review_counts.html", takes_context=True)
def review_counts(context: template.Context) -> dict:
    user = context["request"].user
    return {"counts": workflow.queue_counts() if workflow.may_see_queue(user) else None}
