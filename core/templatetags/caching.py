"""`{% fragment name part… %}…{% endfragment %}`: a part of a page that everyone sees, kept in the
cache (core/cache.py) under its name, its parts and the current language.

    {% fragment "product-summary" page_tokens product_slug %}…{% endfragment %}

The parts name what the fragment shows: a view passes the tokens of the versions it shows
(`core.cache.token_string`), so a renewal makes the fragment render anew. Nothing with a CSRF token
goes inside one; a fragment that shows one visitor's own things (their name, in the account menu)
carries their user id in its parts, so it is served to them alone.

A template rendered with `render_live` true in its context (the error pages) renders every
fragment anew: the cache may be what failed, or live in the database that is down.
"""

from django import template
from django.utils.safestring import mark_safe

from core import cache

register = template.Library()


class FragmentNode(template.Node):
    def __init__(self, nodelist, name, parts):
        self.nodelist, self.name, self.parts = nodelist, name, parts

    def render(self, context):
        if context.get("render_live"):
            return self.nodelist.render(context)
        parts = tuple(str(part.resolve(context)) for part in self.parts)
        html = cache.fragment(self.name.resolve(context), parts, lambda: str(self.nodelist.render(context)))
        return mark_safe(html)  # noqa: S308 - rendered by our own templates, escaped there


@register.tag("fragment")
def do_fragment(parser, token):
    bits = token.split_contents()
    if len(bits) < 2:
        raise template.TemplateSyntaxError("'fragment' needs a name: {% fragment \"name\" part… %}")
    nodelist = parser.parse(("endfragment",))
    parser.delete_first_token()
    return FragmentNode(nodelist, parser.compile_filter(bits[1]), [parser.compile_filter(bit) for bit in bits[2:]])
