"""Every back-office page fits a 360 px phone: the producer's dashboard, the organiser's area and
the staff queues, each loaded in Chromium as the user who works there.

The pages come from the URL configuration: every URL under /dashboard/, /organiser/ and /staff/
(or served by a back-office view module) must have an entry in PAGES, or in NOT_PAGES with the
reason it is no page (a form's target, a download), so a new back-office URL cannot be left out.
The objects the URLs need come from the authorisation matrix's world (tests/site/authorization),
which has one of everything, made a little fuller here (more orders, a second group, a fair with
its stalls assigned, long names).

Each page is loaded in English, Thai and Japanese, and saved as a screenshot
(var/screenshots/back-office-<language>-<url name>….png) for a person to look at. A page fails
when the document is wider than the window (document.documentElement.scrollWidth > 360; a
phone's window.innerWidth grows to a wider page's width as the browser zooms out); the failure
names the outermost elements that stick out. It also fails when
a button, a form control or a link of a navigation or action row is a tap target smaller than
44 px (checkboxes and radio buttons: 24 px). The floor plan's stall buttons are a drawing that
scrolls and zooms in its own box, and are left out.
"""

import re
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.urls.resolvers import LocalePrefixPattern
from django.utils import translation

from events import services as event_services
from events.models import StallApplication
from orders import services as order_services
from places.models import Place
from producers.models import ProducerMembership
from tests.e2e.browser import PHONE, screenshot
from tests.factories import UserFactory, listing, make_shop, member_of, place_one
from tests.site.authorization.matrix import MATRIX
from tests.site.authorization.world import world_build

# --- Which URLs are the back office ---------------------------------------------------------------

BACK_OFFICE_ROUTES = ("dashboard/", "organiser/", "staff/")
BACK_OFFICE_VIEW_MODULES = (
    "producers.views.manage",
    "catalogue.views.manage",
    "catalogue.views.imports",
    "orders.views.manage",
    "events.views.organiser",
    "events.views.applications",
)


@dataclass(frozen=True)
class Page:
    """A back-office page: who looks at it, and the variants of its address (query strings)
    that show other states of it. The URL's arguments are the authorisation matrix's."""

    role: str
    queries: tuple[str, ...] = ("",)
    kwargs: dict = field(default_factory=dict)


PAGES = {
    # The producer's dashboard (manager_a manages two groups: the group switcher shows).
    "producers:dashboard": Page("manager_a"),
    "producers:register": Page("manager_a"),
    "producers:register_place": Page("buyer"),  # reached by filling step 1 in the browser
    "producers:profile": Page("manager_a"),
    "producers:payment": Page("manager_a"),
    "producers:photos": Page("manager_a"),
    "producers:logo": Page("manager_a"),
    "producers:members": Page("manager_a"),
    "producers:invitation": Page("other_buyer"),
    "catalogue:listings": Page("manager_a", ("", "?status=draft")),
    "catalogue:listing_create": Page("manager_a"),
    "catalogue:listing_update": Page("manager_a"),
    "catalogue:listing_photos": Page("manager_a"),
    "catalogue:listing_import": Page("manager_a"),
    "catalogue:listing_import_preview": Page("manager_a"),
    "orders:manage_orders": Page("manager_a", ("", "?state=paid")),
    "orders:manage_order": Page("manager_a"),
    "orders:packing_slip": Page("manager_a"),
    "orders:sales_terms": Page("manager_a"),
    "events:my_applications": Page("manager_a"),
    "events:apply": Page("manager_b", kwargs={"slug": "event_a.slug"}),
    "events:invoice": Page("manager_a"),  # application A holds a stall in this world
    # The organiser's area, event A with its stalls assigned.
    "events:organiser_home": Page("organiser_a"),
    "events:organiser_event": Page("organiser_a"),
    "events:organiser_event_edit": Page("organiser_a"),
    "events:organiser_layout": Page("organiser_a", ("", "?zone={zone_a}")),
    "events:organiser_stall_find": Page("organiser_a", ("?code=A-1",)),  # on to the stall's page
    "events:organiser_stall": Page("organiser_a"),
    "events:organiser_applications": Page("organiser_a", ("", "?state=submitted")),
    "events:organiser_plan": Page("organiser_a", ("", "?mode=swap", "?mode=unassign")),
    "events:organiser_plan_print": Page("organiser_a"),
    "events:organiser_signs": Page("organiser_a"),
    "events:organiser_check_in": Page("organiser_a", ("", "?q=A-1", "?q=nothing-matches")),
    "events:organiser_tariff": Page("organiser_a"),
    "events:organiser_organisers": Page("organiser_a"),
    "events:organiser_join": Page("other_buyer"),
    # Staff.
    "producers:verification_queue": Page("staff", ("", "?state=verified", "?state=suspended")),
    "producers:payout_review_queue": Page("staff"),
}

# Thai and Japanese words are longer or unbroken where English has spaces: every page in each.
LANGUAGES = ("en", "th", "ja")

FORM_TARGET = "a form's target: it answers a POST by going back to a page listed here"
NOT_PAGES = {
    "producers:switch": FORM_TARGET,
    "producers:photo_delete": FORM_TARGET,
    "producers:member_change": FORM_TARGET,
    "producers:leave": FORM_TARGET,
    "producers:producer_state": FORM_TARGET,
    "producers:payout_change_review": FORM_TARGET,
    "catalogue:listing_action": FORM_TARGET,
    "catalogue:listing_photo_action": FORM_TARGET,
    "events:withdraw": FORM_TARGET,
    "events:organiser_status": FORM_TARGET,
    "events:organiser_proposal": FORM_TARGET,
    "catalogue:listing_export": "a spreadsheet download",
    "orders:manage_orders_csv": "a CSV download",
    "events:organiser_stalls_csv": "a CSV download",
    "orders:manage_order_slip": "the image of a transfer slip",
}


def url_patterns(patterns=None, namespace: tuple = (), route: str = ""):
    """(name, route, view module) of every named URL pattern, the language prefix left out."""
    if patterns is None:
        patterns = get_resolver().url_patterns
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            if pattern.namespace == "admin":
                continue
            prefix = "" if isinstance(pattern.pattern, LocalePrefixPattern) else str(pattern.pattern)
            yield from url_patterns(pattern.url_patterns, namespace + ((pattern.namespace,) if pattern.namespace else ()), route + prefix)
        elif isinstance(pattern, URLPattern) and pattern.name:
            view = getattr(pattern.callback, "view_class", pattern.callback)
            yield ":".join((*namespace, pattern.name)), route + str(pattern.pattern), view.__module__


def back_office_url_names() -> set[str]:
    return {
        name
        for name, route, module in url_patterns()
        if route.startswith(BACK_OFFICE_ROUTES) or module.startswith(BACK_OFFICE_VIEW_MODULES)
    }


def test_every_back_office_url_has_an_entry_in_the_layout_test():
    names = back_office_url_names()
    listed = set(PAGES) | set(NOT_PAGES)

    assert not set(PAGES) & set(NOT_PAGES), "a URL is either a page or not"
    assert not names - listed, f"back-office URLs the layout test does not load (add them to PAGES or NOT_PAGES): {sorted(names - listed)}"
    assert not listed - names, f"entries for URLs that are gone or not back office: {sorted(listed - names)}"


# --- A fuller world ------------------------------------------------------------------------------


def world_made_fuller(world):
    """The matrix's world with what makes the back-office pages long and wide: manager A in a
    second group with a long name, orders in several states, a long product name, a group with a
    long name and address waiting for verification, and event A with its applications decided and
    stalls assigned, checked in and paid."""
    users, objects = world.users, world.objects
    group_a, manager_a = objects["group_a"], users["manager_a"]
    second = make_shop(
        name_en="Ban Na Ton Chan Community Enterprise of Hand-Woven Cotton and Natural Dyes", slug="ban-na-ton-chan"
    )
    ProducerMembership.objects.create(producer=second, user=manager_a, role=ProducerMembership.Role.MANAGER)
    long_product = listing(group_a, name_en="Hand-woven mudmee silk sarong, natural indigo, double ikat, 2 metres", stock=40)
    buyers = [UserFactory(username=f"layout-buyer-{n}", email=f"a-rather-long-address-{n}@example-village.co.th") for n in range(3)]
    for n, buyer in enumerate(buyers):
        order = place_one(buyer, long_product, quantity=2)
        if n >= 1:
            order_services.order_transition(order=order, to_state="paid", by=manager_a)
        if n >= 2:
            order_services.order_transition(order=order, to_state="shipped", by=manager_a, carrier="Thailand Post", tracking_number="EF123456789TH")

    waiting = make_shop(name_en="Khok Sa-at Sub-district Herbal Compress and Thai Massage Oil Producers", state="pending")
    member_of(waiting, username="khok-sa-at-herbal-compress-group", email="khoksaat.herbal.compress.group.2026@example-village.co.th")

    event, organiser = objects["event_a"], users["organiser_a"]
    zone = objects["stall_a"].zone
    stalls = event_services.stall_grid_create(event=event, by=organiser, zone=zone, rows=2, columns=6, fee=Decimal("1500"))
    stalls = [objects["stall_a"], *stalls]
    names = ["Mae Jo Organic Rice Growers' Cooperative", "กลุ่มทอผ้าไหมบ้านท่าสว่าง", "大分かぼす生産者組合", "Lamphun Lamps"]
    applications = [objects["application_a"]]
    for n, name in enumerate(names):
        shop = make_shop(name_en=name, slug=f"layout-exhibitor-{n}")
        member = member_of(shop, username=f"layout-exhibitor-{n}")
        applications.append(event_services.application_submit(event=event, producer=shop, by=member))
    for application in applications[:-1]:
        event_services.application_transition(application=application, to_state=StallApplication.State.ACCEPTED, by=organiser)
    for n, (application, stall) in enumerate(zip(applications[:-2], stalls[: len(applications) - 2], strict=True)):
        assignment = event_services.stall_assign(application=application, stall=stall, by=organiser)
        if n % 2 == 0:
            event_services.stall_fee_set(assignment=assignment, by=organiser, state="paid")
            event_services.exhibitor_check_in(assignment=assignment, by=organiser)
    objects["zone_a"] = zone
    return world


# --- Looking at a page ---------------------------------------------------------------------------

# The outermost elements that reach past the window's right edge (those inside a box that
# scrolls or clips are that box's business), and the tap targets smaller than 44 px.
# The width is the window's as the test set it: a phone browser zooms out to show a page wider
# than itself, and its window.innerWidth grows to match.
LAYOUT_PROBLEMS = """(width) => {
  const name = (el) => {
    let text = el.tagName.toLowerCase();
    if (el.id) text += '#' + el.id;
    if (el.classList.length) text += '.' + [...el.classList].join('.');
    const label = (el.getAttribute('aria-label') || el.textContent || '').trim().replace(/\\s+/g, ' ').slice(0, 40);
    return label ? `${text} "${label}"` : text;
  };
  // Clipped by a box that scrolls or hides its overflow, unless it is positioned out of that box
  // (an absolute element's containing block is its nearest positioned ancestor).
  const inScrollingBox = (el) => {
    const position = getComputedStyle(el).position;
    if (position === 'fixed') return false;
    let escaping = position === 'absolute';
    for (let box = el.parentElement; box && box !== document.body; box = box.parentElement) {
      const style = getComputedStyle(box);
      if (/auto|scroll|hidden|clip/.test(style.overflowX) && (!escaping || style.position !== 'static')) return true;
      if (style.position === 'fixed') return false;
      if (style.position !== 'static') escaping = style.position === 'absolute';
    }
    return false;
  };
  const visible = (el) => {
    const r = el.getBoundingClientRect();
    return r.width > 0 && r.height > 0 && getComputedStyle(el).visibility !== 'hidden';
  };
  const wide = [];
  for (const el of document.body.querySelectorAll('*')) {
    if (wide.some((outer) => outer.contains(el)) || !visible(el)) continue;
    const r = el.getBoundingClientRect();
    if (r.right > width + 0.5 && !inScrollingBox(el)) wide.push(el);
  }
  const targets = document.querySelectorAll([
    'main button', 'main .button', 'main select', 'main textarea', 'main summary',
    'main input:not([type="hidden"])',
    'main .dashboard__nav a', 'main .tabs a', 'main .toolbar a', 'main .pagination a',
    'main .form__actions a', 'main .listing-row__actions a', 'main .check-in-search a',
  ].join(','));
  const small = [];
  for (const el of targets) {
    if (!visible(el) || el.closest('.plan__scroll, .visually-hidden')) continue;
    const r = el.getBoundingClientRect();
    const least = ['checkbox', 'radio'].includes(el.type) ? 24 : 44;
    if (r.height < least - 0.5 || r.width < least - 0.5) small.push(`${name(el)} ${Math.round(r.width)}×${Math.round(r.height)}`);
  }
  return {
    scrollWidth: document.documentElement.scrollWidth,
    width,
    wide: wide.map((el) => `${name(el)} (right edge at ${Math.round(el.getBoundingClientRect().right)} px)`),
    small,
  };
}"""


def address_of(key: str, entry: Page, world, query: str, language: str) -> str:
    kwargs = {name: str(world.resolve(path)) for name, path in {**MATRIX[key]["kwargs"], **entry.kwargs}.items()}
    with translation.override(language):
        address = reverse(key, kwargs=kwargs)
    return address + query.format(zone_a=world.objects["zone_a"].pk)


def phone_context(browser, live_server, world, role: str):
    context = browser.new_context(viewport=PHONE, base_url=live_server.url, is_mobile=True, has_touch=True)
    context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": world.sessions[role], "url": live_server.url}])
    return context


def fill_registration_step_one(page, language: str) -> str:
    """Step 2 of registering a group shows only after step 1: fill it in, as a new producer would."""
    with translation.override(language):
        page.goto(reverse("producers:register"))
    page.locator("#id_name").fill("วิสาหกิจชุมชนกลุ่มแม่บ้านเกษตรกรบ้านหนองบัวทอง")
    page.locator("#id_name_en").fill("Ban Nong Bua Thong Farmwives' Community Enterprise")
    page.locator("#id_kind").select_option("community_group")
    page.locator("#id_own_language").select_option("th")
    page.locator("#id_province").select_option(str(Place.objects.get(country="TH", level="province", slug="surin").pk))
    page.locator("main form.form [type=submit]").click()
    page.wait_for_url("**/dashboard/register/place/")
    return page.url


def test_every_back_office_page_fits_a_360_px_phone(browser, live_server, places, capsys):
    world = world_made_fuller(world_build())
    contexts = {}
    loaded, overflowing, problems = [], [], []
    try:
        for language in LANGUAGES:
            for key, entry in PAGES.items():
                if entry.role not in contexts:
                    contexts[entry.role] = phone_context(browser, live_server, world, entry.role).new_page()
                page = contexts[entry.role]
                for query in entry.queries:
                    if key == "producers:register_place":
                        address, status = fill_registration_step_one(page, language), 200
                    else:
                        address = address_of(key, entry, world, query, language)
                        status = page.goto(address).status
                    assert status == 200, f"{key} {address} answered {status} to {entry.role}"
                    found = page.evaluate(LAYOUT_PROBLEMS, PHONE["width"])
                    loaded.append(address)
                    name = f"back-office-{language}-" + re.sub(r"[^a-z0-9]+", "-", f"{key} {query}".lower()).strip("-")
                    screenshot(page, name)
                    if found["scrollWidth"] > PHONE["width"]:
                        overflowing.append(address)
                        problems.append(
                            f"{key} {address}: {found['scrollWidth']} px wide in a {PHONE['width']} px window;"
                            f" sticking out: {found['wide']} (var/screenshots/{name}.png)"
                        )
                    if found["small"]:
                        problems.append(f"{key} {address}: tap targets under 44 px: {found['small']}")
    finally:
        for page in contexts.values():
            page.context.close()
    with capsys.disabled():
        print(f"\nback-office layout at {PHONE['width']} px: {len(loaded)} pages loaded, {len(overflowing)} overflowing")
    assert not problems, "\n".join(problems)
