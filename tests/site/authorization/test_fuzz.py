"""Hostile input, fuzzed with Hypothesis over every form and every query parameter of the site.

Every page some role gets (a row of the authorisation matrix answering 200) is rendered as its
owner; its forms are read from the HTML (input, select, textarea and button names, the choices
offered, the values shown) and sent back with values drawn from hostile text: Thai and Japanese,
huge and negative numbers, empty values, very long strings, several values for one field, absent
fields, files that are not images, and a few NUL bytes (answered 400 by a middleware). The
listings' query parameters (the catalogue's and the directories') are fuzzed the same way.

The rules: no answer is a 5xx; no redirect leaves the site; a POST answered by showing the form
again (200 or 4xx), or by going back with only error messages, changed nothing in the database.

The budget is fixed and the examples are the same on every run (`derandomize`), so the file
costs the same CPU each time: PAGE_EXAMPLES per page with forms, LISTING_EXAMPLES per listing.
"""

from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

import pytest
from django.contrib.messages import constants as message_levels
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from catalogue.filters import ProducerFilter, ProductFilter
from catalogue.models import Category
from places.models import Place
from tests.producers import imagefiles
from tests.site.authorization.matrix import MATRIX, url_of
from tests.site.authorization.world import ROLES, client_as, fingerprint, fingerprint_changes

PAGE_EXAMPLES = 8
LISTING_EXAMPLES = 40
# The whole file's cap: pages with forms × PAGE_EXAMPLES + listings × LISTING_EXAMPLES.
FUZZ_BUDGET = 700

# Who fills in a page's forms: the first of these the page answers 200 (its owner).
OWNER_PREFERENCE = ("buyer", "manager_a", "organiser_a", "other_buyer", "staff", "anonymous")
# Answers that are not HTML pages (left out of the budget; any other is skipped by its content
# type), and the admin (Django's own forms).
NOT_PAGES = {
    "healthz", "readyz", "robots_txt", "sitemap", "sitemap_section", "^media/(?P<path>.*)$", "catalogue:suggest",
    "catalogue:listing_export", "orders:manage_orders_csv", "events:organiser_stalls_csv",
}

# --- Hostile values ------------------------------------------------------------------------------

SPECIAL_VALUES = [
    "", " ", "0", "-1", "-0", "1.5", "1,5", "1e309", "-1e309", "NaN", "Infinity", "9" * 40, "-" + "9" * 40,
    "2147483648", "-2147483649", "9223372036854775808", "0.0000000001", "๑๒๓", "١٢٣", "１２３",
    "<script>alert(1)</script>", "' OR '1'='1", "../../etc/passwd", "%s%n", "{{ 7*7 }}", "\u202egnp.exe",
    "x" * 5000, "ก" * 1000, "日本語" * 400, "🇹🇭😀", "\r\n", "null", "[]", "2026-02-30", "0000-00-00",
    "9999-12-31", "http://evil.example/", "//evil.example/", "javascript:alert(1)", "\x00", "a\x00b",
]
THAI = "กขคงจฉชซญดตถทธนบปผพภมยรลวศสหอฮะาิีึืุูเแโใไ่้๊๋์๑๒๓ "
JAPANESE = "あいうえおかきくけこアイウエオ日本語東京大阪織物陶器絹ー。、 "

hostile_text = st.one_of(
    st.sampled_from(SPECIAL_VALUES),
    st.text(alphabet=st.characters(exclude_categories=("Cs",), exclude_characters="\x00"), max_size=40),
    st.text(alphabet=THAI, max_size=60),
    st.text(alphabet=JAPANESE, max_size=60),
    st.integers(min_value=-(10**30), max_value=10**30).map(str),
    st.decimals(allow_nan=True, allow_infinity=True).map(str),
)


def hostile_file():
    return st.one_of(
        st.binary(max_size=300).map(lambda content: SimpleUploadedFile("photo.jpg", content, content_type="image/jpeg")),
        st.builds(imagefiles.good_jpeg, st.just("real.jpg")),
        st.sampled_from(["slip.php", "a" * 300 + ".jpg", "ภาพ.png", ".jpg"]).map(
            lambda name: SimpleUploadedFile(name, b"GIF89a<?php echo 1; ?>", content_type="image/gif")
        ),
    )


# --- Forms, read from the page -----------------------------------------------------------------


@dataclass
class Field:
    name: str
    kind: str  # the input's type, or select / textarea / button
    choices: list = field(default_factory=list)  # values the page offers (options, radios, buttons)
    shown: list = field(default_factory=list)  # values the page fills in


@dataclass
class Form:
    method: str
    action: str
    fields: dict = field(default_factory=dict)

    def signature(self, role: str) -> tuple:
        return (role, self.method, urlsplit(self.action).path, tuple(sorted(self.fields)))


class FormParser(HTMLParser):
    """The forms of a page, with their fields' names, kinds, offered and shown values."""

    def __init__(self, page_url: str):
        super().__init__()
        self.page_url = page_url
        self.forms: list[Form] = []
        self.form: Form | None = None
        self.select: Field | None = None
        self.textarea: Field | None = None

    def field(self, name: str, kind: str) -> Field:
        return self.form.fields.setdefault(name, Field(name, kind))

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            action = urljoin(self.page_url, attrs.get("action") or self.page_url)
            self.form = Form((attrs.get("method") or "get").upper(), action)
            self.forms.append(self.form)
            return
        if self.form is None or not attrs.get("name"):
            if tag == "option" and self.select is not None:
                self.select.choices.append(attrs.get("value", ""))
                if "selected" in attrs:
                    self.select.shown.append(attrs.get("value", ""))
            return
        name = attrs["name"]
        if tag == "input":
            kind = (attrs.get("type") or "text").lower()
            spec = self.field(name, kind)
            value = attrs.get("value", "on" if kind in ("checkbox", "radio") else "")
            if kind in ("checkbox", "radio", "submit"):
                spec.choices.append(value)
                if "checked" in attrs:
                    spec.shown.append(value)
            elif kind != "file":
                spec.shown.append(value)
        elif tag == "select":
            self.select = self.field(name, "select-multiple" if "multiple" in attrs else "select")
        elif tag == "textarea":
            self.textarea = self.field(name, "textarea")
            self.textarea.shown.append("")
        elif tag == "button":
            self.field(name, "button").choices.append(attrs.get("value", ""))

    def handle_data(self, data):
        if self.textarea is not None:
            self.textarea.shown[-1] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self.form = None
        elif tag == "select":
            self.select = None
        elif tag == "textarea":
            self.textarea = None


def field_values(data, spec: Field):
    """A value for one field: what the page shows, one of its choices, hostile text, several
    values at once, or nothing at all (None: the field is left out)."""
    if spec.kind == "file":
        return data.draw(st.one_of(st.none(), hostile_file()), label=spec.name)
    offered = spec.choices or spec.shown
    options = [st.none(), hostile_text, st.lists(st.one_of(hostile_text, *([st.sampled_from(offered)] if offered else [])), min_size=2, max_size=3)]
    if offered:
        options += [st.sampled_from(offered)] * 2
    if spec.shown:
        options += [st.just(spec.shown if spec.kind == "select-multiple" else spec.shown[0])] * 2
    return data.draw(st.one_of(*options), label=spec.name)


def form_data(data, form: Form) -> dict:
    values = {}
    for name, spec in form.fields.items():
        value = field_values(data, spec)
        if value is not None:
            values[name] = value
    return values


# --- Checks --------------------------------------------------------------------------------------


def only_errors_told(response) -> bool:
    """Whether the visitor was told only of errors (a form refused behind a redirect)."""
    told = list(get_messages(response.wsgi_request))
    return bool(told) and all(message.level >= message_levels.ERROR for message in told)


def check(world, response, method: str, url: str):
    assert response.status_code < 500, f"{method} {url} answered {response.status_code}"
    if response.status_code in (301, 302, 303, 307, 308):
        target = urlsplit(response["Location"])
        assert not target.netloc or target.netloc == "testserver", f"{method} {url} sends the visitor off the site: {response['Location']}"
        assert not target.path.startswith("//"), f"{method} {url} sends the visitor off the site: {response['Location']}"
    if method == "POST" and (response.status_code < 300 or response.status_code >= 400 or only_errors_told(response)):
        changed = fingerprint_changes(world.baseline, fingerprint())
        assert not changed, f"POST {url} answered {response.status_code} (the form refused) but changed {', '.join(changed)}"


def send(world, role: str, method: str, url: str, values: dict, **headers):
    client = client_as(world, role)
    with transaction.atomic():
        response = client.post(url, values, **headers) if method == "POST" else client.get(url, values, **headers)
        check(world, response, method, url)
        transaction.set_rollback(True)
    return response


FUZZ_SETTINGS = {
    "derandomize": True,
    "database": None,
    "deadline": None,
    "suppress_health_check": [HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large],
}


# --- Every page's forms ------------------------------------------------------------------------


def owner_of(key: str) -> str | None:
    answers = dict(zip(ROLES, MATRIX[key]["cells"]["GET"], strict=True))
    return next((role for role in OWNER_PREFERENCE if answers[role] == "200"), None)


PAGES = [(key, owner_of(key)) for key in MATRIX if not key.startswith("admin:") and key not in NOT_PAGES and owner_of(key)]


def page_forms(world, key: str, role: str) -> list[Form]:
    """The page's forms not fuzzed already by an earlier page (the header's search and log-out
    forms are on every page)."""
    url = url_of(key, world)
    response = client_as(world, role).get(url)
    assert response.status_code == 200, f"GET {url} as {role}"
    if not response.get("Content-Type", "").startswith("text/html"):
        return []  # a file (CSV, image, JSON): nothing to fill in
    parser = FormParser(f"http://testserver{url}")
    parser.feed(response.content.decode())
    seen = world.objects.setdefault("fuzzed_forms", set())
    forms = []
    for form in parser.forms:
        if form.signature(role) not in seen and form.fields:
            seen.add(form.signature(role))
            forms.append(form)
    return forms


@pytest.mark.parametrize(("key", "role"), PAGES, ids=[f"{key} as {role}" for key, role in PAGES])
def test_forms_survive_hostile_input(world, db, key, role, request):
    forms = page_forms(world, key, role)
    if not forms:
        return
    examples = []

    @settings(max_examples=PAGE_EXAMPLES, **FUZZ_SETTINGS)
    @given(data=st.data())
    def fuzz(data):
        form = data.draw(st.sampled_from(forms), label="form")
        values = form_data(data, form)
        examples.append(1)
        send(world, role, form.method, form.action, values)

    fuzz()
    request.node.user_properties.append(("fuzz_examples", len(examples)))
    print(f"fuzz {key} as {role}: {len(forms)} forms, {len(examples)} examples")


# --- The listings' query parameters ------------------------------------------------------------


def listing_parameters(world) -> dict[str, dict[str, list[str]]]:
    """Each listing's parameters (its URL contract) with values that mean something, so some
    requests filter for real."""
    categories = list(Category.objects.values_list("slug", flat=True)[:5])
    provinces = list(Place.objects.filter(level="province", country="TH").values_list("slug", flat=True)[:5])
    common = {"q": ["silk", "ผ้าไหม", "織物"], "category": categories, "province": provinces, "country": ["TH", "JP", "KH"], "page": ["1", "2", "last"]}
    catalogue = {name: common.get(name, []) for name in ProductFilter.base_filters} | {"page": common["page"]}
    catalogue |= {"stars": ["1", "5"], "min_price": ["10", "500.50"], "max_price": ["1000"], "in_stock": ["1"], "sort": ["price", "-price", "newest"]}
    producers = {name: common.get(name, []) for name in ProducerFilter.base_filters} | {"page": common["page"], "kind": ["community_group"], "sort": ["name", "newest"]}
    exhibitors = {name: common[name] for name in ("q", "category", "province", "page")}
    return {
        "catalogue:product_list": catalogue,
        "catalogue:suggest": {"q": common["q"]},
        "catalogue:producer_list": producers,
        "events:event_list": {"page": common["page"]},
        "events:exhibitors": exhibitors,
    }


LISTINGS = ["catalogue:product_list", "catalogue:suggest", "catalogue:producer_list", "events:event_list", "events:exhibitors"]


@pytest.mark.parametrize("key", LISTINGS)
def test_listing_parameters_survive_hostile_input(world, db, key, request):
    parameters = listing_parameters(world)[key]
    url = url_of(key, world)
    examples = []

    @settings(max_examples=LISTING_EXAMPLES, **FUZZ_SETTINGS)
    @given(data=st.data())
    def fuzz(data):
        values = {}
        for name, meaningful in parameters.items():
            value = field_values(data, Field(name, "text", choices=meaningful))
            if value is not None:
                values[name] = value
        # Junk parameters the page does not know.
        values |= data.draw(st.dictionaries(st.sampled_from(["utm_source", "x", "q[]", "sort[]", "ก"]), hostile_text, max_size=2), label="junk")
        partial = data.draw(st.sampled_from([{}, {"HTTP_X_PARTIAL": "results"}]), label="partial")
        role = data.draw(st.sampled_from(["anonymous", "buyer"]), label="role")
        examples.append(1)
        send(world, role, "GET", url, values, **partial)

    fuzz()
    request.node.user_properties.append(("fuzz_examples", len(examples)))
    print(f"fuzz {key}: {len(examples)} examples")


def test_the_fuzz_budget_is_capped():
    assert len(PAGES) * PAGE_EXAMPLES + len(LISTINGS) * LISTING_EXAMPLES <= FUZZ_BUDGET
