from django import template
from django.conf import settings
from django.urls import get_script_prefix
from django.utils.translation import get_language_from_path, get_language_info

register = template.Library()


@register.simple_tag(takes_context=True)
def language_links(context) -> list[dict]:
    """The current page in each of the site's languages, for the language switcher.

    The site's addresses are the same in every language but for a prefix (none for English,
    /th/, /ja/), so each link is the page's own address with its prefix swapped, the query
    string kept: no URL resolving on every page a signed-in visitor opens."""
    request = context.get("request")
    full_path = request.get_full_path() if request else "/"
    current = context.get("LANGUAGE_CODE", settings.LANGUAGE_CODE)
    script = get_script_prefix().rstrip("/")
    path = full_path[len(script):] if script and full_path.startswith(script + "/") else full_path
    prefix = get_language_from_path(path.split("?", 1)[0])
    if prefix:
        path = path[len(prefix) + 1:] or "/"
    # One leading slash only: "/th//elsewhere.example/" must not become a link to another host.
    path = "/" + path.lstrip("/")
    links = []
    for code, _name in settings.LANGUAGES:
        info = get_language_info(code)
        url = path if code == settings.LANGUAGE_CODE else f"/{code}{path}"
        links.append({"code": code, "name": info["name_local"], "url": script + url, "current": code == current})
    return links
