import json

from django import template
from django.utils.html import _json_script_escapes
from django.utils.safestring import mark_safe

register = template.Library()


@register.filter
def jsonld(data) -> str:
    """Serialise `data` for a <script type="application/ld+json"> block, escaped like json_script."""
    text = json.dumps(data, ensure_ascii=False, default=str).translate(_json_script_escapes)
    return mark_safe(text)  # noqa: S308 - <, > and & are escaped above
