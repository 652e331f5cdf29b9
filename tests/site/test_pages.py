"""The page frame: home in three languages, the language switcher, robots.txt, sitemap.xml."""

import re
import xml.etree.ElementTree as ET

import pytest
from django.utils import translation

from tests.factories import EventFactory

SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
XHTML = "{http://www.w3.org/1999/xhtml}"
SWITCHER_LINK = re.compile(r'<a href="([^"]*)" hreflang="(\w+)" lang="\w+"( aria-current="true")?>([^<]+)</a>')


def language_links(response) -> dict[str, dict]:
    body = response.content.decode()
    switcher = body[body.index('<ul class="language-switcher"') :]
    switcher = switcher[: switcher.index("</ul>")]
    return {
        code: {"url": url, "current": bool(current), "name": name}
        for url, code, current, name in SWITCHER_LINK.findall(switcher)
    }


HOME_HEADING = "Village products, straight from the people who make them"


@pytest.mark.parametrize(("path", "language"), [("/", "en"), ("/th/", "th"), ("/ja/", "ja")])
def test_home_page_answers_in_each_language(client, places, path, language):
    with translation.override(language):
        heading = translation.gettext(HOME_HEADING)
    assert language == "en" or heading != HOME_HEADING, f"the home page heading has no {language} translation"

    response = client.get(path)

    body = response.content.decode()
    assert response.status_code == 200
    assert f'<html lang="{language}">' in body
    assert response["Content-Language"] == language
    assert re.search(r"<h1>[^<]+</h1>", body)
    for section in ("countries-heading", "producers-heading", "events-heading"):
        assert f'id="{section}"' in body, "featured producers and upcoming events are on the home page"
    assert set(language_links(response)) == {"en", "th", "ja"}
    assert f"<h1>{heading}</h1>" in body


def test_unprefixed_urls_are_english_whatever_the_browser_prefers(client, places):
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="th,ja;q=0.8")

    assert response.status_code == 200
    assert '<html lang="en">' in response.content.decode()


def test_language_switcher_links_the_same_page_in_each_language(client, places):
    links = language_links(client.get("/th/accounts/login/"))

    assert links == {
        "en": {"url": "/accounts/login/", "current": False, "name": "English"},
        "th": {"url": "/th/accounts/login/", "current": True, "name": "ภาษาไทย"},
        "ja": {"url": "/ja/accounts/login/", "current": False, "name": "日本語"},
    }


def test_language_switcher_keeps_the_query_string(client, places):
    links = language_links(client.get("/accounts/login/?next=/accounts/profile/"))

    assert links["en"]["current"] is True
    assert links["ja"]["url"] == "/ja/accounts/login/?next=/accounts/profile/"


@pytest.mark.parametrize("path", ["/", "/ja/", "/accounts/signup/"])
def test_language_switcher_is_on_every_page(client, places, path):
    links = language_links(client.get(path))

    assert set(links) == {"en", "th", "ja"}
    assert sum(link["current"] for link in links.values()) == 1


def test_following_the_switcher_serves_the_page_in_that_language(client, places):
    thai_url = language_links(client.get("/accounts/signup/"))["th"]["url"]

    response = client.get(thai_url)

    assert response.status_code == 200
    assert '<html lang="th">' in response.content.decode()


def test_robots_txt_keeps_crawlers_out_of_private_areas_and_names_the_sitemap(client, db):
    response = client.get("/robots.txt")

    lines = response.content.decode().splitlines()
    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert lines[0] == "User-agent: *"
    for prefix in ("/", "/th/", "/ja/"):
        for private in ("admin/", "accounts/", "cart/", "checkout/", "orders/", "dashboard/", "organiser/"):
            assert f"Disallow: {prefix}{private}" in lines, "private areas stay private in every language"
    assert "Disallow: /" not in lines, "the public catalogue stays crawlable"
    assert "Sitemap: http://testserver/sitemap.xml" in lines


def sitemap_entries(client, path: str = "/sitemap.xml") -> list[ET.Element]:
    """The <url> entries of the sitemap, following a sitemap index to its sitemaps."""
    response = client.get(path)
    assert response.status_code == 200, path
    assert response["Content-Type"] == "application/xml"
    root = ET.fromstring(response.content)
    if root.tag == f"{SITEMAP}sitemapindex":
        children = [loc.text for loc in root.iter(f"{SITEMAP}loc")]
        assert children, "a sitemap index names its sitemaps"
        return [entry for child in children for entry in sitemap_entries(client, child.removeprefix("http://testserver"))]
    assert root.tag == f"{SITEMAP}urlset"
    return root.findall(f"{SITEMAP}url")


def test_sitemap_is_xml_listing_the_home_page_in_each_language(client, places):
    entries = sitemap_entries(client)

    locations = [entry.findtext(f"{SITEMAP}loc") for entry in entries]
    assert {"http://testserver/", "http://testserver/th/", "http://testserver/ja/"} <= set(locations)
    assert len(locations) == len(set(locations))
    home = next(entry for entry in entries if entry.findtext(f"{SITEMAP}loc") == "http://testserver/")
    alternates = {link.get("hreflang"): link.get("href") for link in home.findall(f"{XHTML}link")}
    assert {"en": "http://testserver/", "th": "http://testserver/th/", "ja": "http://testserver/ja/"}.items() <= alternates.items()
    assert alternates.get("x-default", "http://testserver/") == "http://testserver/"
    for location in locations:
        assert client.get(location.removeprefix("http://testserver")).status_code == 200, location


def test_sitemap_lists_the_public_events_but_not_the_drafts(client, places):
    public = EventFactory(slug="otop-city-2026", status="published")
    EventFactory(slug="secret-draft-fair", status="draft")

    locations = [entry.findtext(f"{SITEMAP}loc") for entry in sitemap_entries(client)]

    assert f"http://testserver/events/{public.slug}/" in locations
    assert f"http://testserver/th/events/{public.slug}/" in locations
    assert "http://testserver/events/" in locations
    assert not any("secret-draft-fair" in location for location in locations)


@pytest.mark.parametrize("path", ["/th//elsewhere.example/", "//elsewhere.example/", "/ja///elsewhere.example/?a=1"])
def test_language_links_never_lead_to_another_host(client, places, path):
    for link in language_links(client.get(path)).values():
        assert link["url"].startswith("/") and not link["url"].startswith("//"), link
