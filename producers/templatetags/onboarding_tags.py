"""The onboarding checklist for the dashboard's overview (templates/producers/partials/onboarding_checklist.html)."""

from django import template

from ..onboarding import Checklist
from ..selectors import onboarding_checklist as checklist_of

register = template.Library()


@register.simple_tag(takes_context=True)
def onboarding_checklist(context) -> Checklist | None:
    """The current group's checklist as the page's reader may act on it (the dashboard's
    `producer` and `is_manager`); None outside a group."""
    producer = context.get("producer")
    if producer is None:
        return None
    return checklist_of(producer=producer, is_manager=bool(context.get("is_manager")))
