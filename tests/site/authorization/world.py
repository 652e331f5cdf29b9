"""One world of objects for the authorisation matrix and the fuzz tests: two community groups
(A and B), two events (A and B), and a user for every role, with something of each kind on the
A side (a product with a photo, a buyer's order with a transfer slip, a gallery photo, an open
invitation, a stored import file, a stall application...), so every URL of the site can be filled
with real objects, and a database fingerprint that tells whether a request changed anything.

The world is built once per test module inside a transaction that is rolled back at the end
(the `world` fixture, in conftest.py); each test runs in a savepoint inside it (pytest-django's
usual per-test rollback), so a request that does change something is undone before the next one.
"""

import csv
import io
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal

from django.apps import apps
from django.contrib.auth.tokens import default_token_generator
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.conf import settings
from django.test import Client
from django.urls import URLPattern, get_resolver
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.views.static import serve

from accounts.models import User
from accounts.tokens import email_confirmation_token
from catalogue import importing
from catalogue.models import Category
from catalogue.services import categories_load
from events import services as event_services
from events.models import Event
from events.services.organisers import organiser_invitation_token
from orders import services as order_services
from places.models import Place
from places.services import places_load
from producers import services as producer_services
from producers.models import ProducerMembership
from tests.factories import (
    BACKEND,
    TEST_PASSWORD,
    EventFactory,
    OrganiserFactory,
    UserFactory,
    fill_cart,
    listing,
    make_shop,
    member_of,
    place_one,
)
from tests.producers import imagefiles

# Who asks. The order is the order of the columns in the matrix.
ROLES = (
    "anonymous",  # not logged in
    "buyer",  # placed order A with group A
    "other_buyer",  # another buyer, with group B's product in the cart and an open invitation to group A
    "member_a",  # a plain member of group A
    "manager_a",  # a manager of group A
    "manager_b",  # a manager of group B
    "organiser_a",  # organiser of event A
    "organiser_b",  # organiser of event B
    "staff",  # is_staff and superuser
)

# The apps whose tables make up the fingerprint (sessions, the cache table and the log-in
# lock's logs change on their own and are nobody's data).
FINGERPRINT_APPS = ("accounts", "places", "producers", "catalogue", "orders", "events")
# The place tree is too large to checksum on every request; requests only ever add places, so its
# highest id is enough.
COUNTED_ONLY = {"places_place"}


@dataclass
class World:
    users: dict = field(default_factory=dict)
    objects: dict = field(default_factory=dict)
    # Each role's session key, logged in once for the module (a client carries it as its cookie).
    sessions: dict = field(default_factory=dict)
    # The fingerprint of the world as built: every test starts from it.
    baseline: dict = field(default_factory=dict)

    def user(self, role: str) -> User | None:
        return self.users[role]

    def resolve(self, path: str):
        """`"order_a.number"` → the world's order A's number (a dotted path from a named object)."""
        name, *attributes = path.split(".")
        value = self.objects[name]
        for attribute in attributes:
            value = getattr(value, attribute)
        return value


def import_file_csv() -> bytes:
    """A listing import file that reads (one new product), so its preview is a real page."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer)
    writer.writerow(["category", "name_en", "price", "stock"])
    writer.writerow(["silk", "Imported silk shawl", "1200", "3"])
    return buffer.getvalue().encode("utf-8")


def world_build() -> World:
    """Make the world in the current transaction. Needs the place tree (loaded if missing)."""
    if not Place.objects.filter(level="country").exists():
        places_load()
    if not Category.objects.filter(slug="silk").exists():
        categories_load()
    world = World()
    users = world.users
    users["anonymous"] = None
    users["buyer"] = UserFactory(username="buyer-a", email="buyer-a@example.com", language="en")
    users["other_buyer"] = UserFactory(username="other-buyer", email="other-buyer@example.com", language="en")
    users["staff"] = UserFactory(username="staff-member", is_staff=True, is_superuser=True, language="en")

    group_a = make_shop(name_en="Group A Weavers", slug="group-a-weavers", contact_email="group-a@example.com")
    group_b = make_shop(name_en="Group B Potters", slug="group-b-potters", contact_email="group-b@example.com")
    users["manager_a"] = member_of(group_a, username="manager-a", language="en")
    users["member_a"] = member_of(group_a, username="member-a", role=ProducerMembership.Role.MEMBER, language="en")
    users["manager_b"] = member_of(group_b, username="manager-b", language="en")

    product_a = listing(group_a, name_en="Group A silk scarf")
    product_b = listing(group_b, name_en="Group B clay pot")
    order_a = place_one(users["buyer"], product_a)
    fill_cart(users["other_buyer"], (product_b, 1))
    slip_a = order_services.slip_upload(order=order_a, buyer=users["buyer"], upload=imagefiles.good_jpeg("slip.jpg"))
    producer_photo_a = producer_services.producer_add_photo(producer=group_a, upload=imagefiles.good_jpeg("gallery.jpg"))
    invitation_a = producer_services.membership_invite(producer=group_a, by=users["manager_a"], invitee=users["other_buyer"].username)
    import_token_a = importing.import_file_store(producer=group_a, data=import_file_csv())

    event_a = EventFactory(name="Event A Fair", slug="event-a-fair", status=Event.Status.OPEN)
    event_b = EventFactory(name="Event B Market", slug="event-b-market", status=Event.Status.OPEN)
    users["organiser_a"] = OrganiserFactory(event=event_a, user=UserFactory(username="organiser-a", language="en")).user
    users["organiser_b"] = OrganiserFactory(event=event_b, user=UserFactory(username="organiser-b", language="en")).user
    stalls = {}
    for event, organiser in ((event_a, users["organiser_a"]), (event_b, users["organiser_b"])):
        zone = event_services.zone_save(event=event, by=organiser, code="A", name="Silk hall", colour="#7a2e8e")
        stalls[event.slug] = event_services.stall_grid_create(
            event=event, by=organiser, zone=zone, rows=1, columns=3, corners=False, fee=Decimal("1500")
        )
    application_a = event_services.application_submit(event=event_a, producer=group_a, by=users["manager_a"])
    # other_buyer's confirmed address is invited to organise event A.
    organiser_invitation_a = event_services.organiser_invite(event=event_a, by=users["organiser_a"], email=users["other_buyer"].email)
    # Group A is new, so a change of its payout details waits for staff.
    payout_change_a = producer_services.producer_update_payment(
        producer=group_a, by=users["manager_a"], password=TEST_PASSWORD, promptpay_id="0898765432"
    )

    world.objects.update(
        group_a=group_a,
        group_b=group_b,
        product_a=product_a,
        product_b=product_b,
        product_photo_a=product_a.photos.first(),
        producer_photo_a=producer_photo_a,
        order_a=order_a,
        slip_a=slip_a,
        invitation_a=invitation_a,
        import_token_a=import_token_a,
        membership_member_a=ProducerMembership.objects.get(producer=group_a, user=users["member_a"]),
        event_a=event_a,
        event_b=event_b,
        stall_a=stalls[event_a.slug][0],
        application_a=application_a,
        organiser_join_token=organiser_invitation_token(organiser_invitation_a),
        payout_change_a=payout_change_a,
        producer_type=ContentType.objects.get_for_model(group_a),
        reset_uid=urlsafe_base64_encode(force_bytes(users["buyer"].pk)),
        sitemap_section="products",
        admin_app="producers",
    )
    for role, user in users.items():
        if user is not None:
            client = Client()
            client.force_login(user, backend=BACKEND)
            world.sessions[role] = client.cookies[settings.SESSION_COOKIE_NAME].value
    # Made after logging in, which renews the buyer's last log-in and so the reset links.
    world.objects["reset_token"] = default_token_generator.make_token(User.objects.get(pk=users["buyer"].pk))
    # other_buyer has asked to change their address: the link sent to the new one.
    User.objects.filter(pk=users["other_buyer"].pk).update(pending_email="new-address@example.com")
    world.objects["email_token"] = email_confirmation_token(
        user=User.objects.get(pk=users["other_buyer"].pk), address="new-address@example.com"
    )
    world.baseline = fingerprint()
    return world


def client_as(world: World, role: str, **client_options) -> Client:
    """A test client with the role's session (no session for anonymous)."""
    client = Client(**client_options)
    if role in world.sessions:
        client.cookies[settings.SESSION_COOKIE_NAME] = world.sessions[role]
    return client


def fingerprint_sql() -> str:
    parts = []
    for model in apps.get_models(include_auto_created=True):
        if model._meta.app_label not in FINGERPRINT_APPS or model._meta.proxy or not model._meta.managed:
            continue
        table = connection.ops.quote_name(model._meta.db_table)
        pk = connection.ops.quote_name(model._meta.pk.column)
        name = model._meta.db_table
        if name in COUNTED_ONLY:
            summary = f"coalesce(max({pk})::text, '')"
        else:
            summary = f"count(*)::text || '/' || coalesce(md5(string_agg(t::text, '|' ORDER BY t.{pk})), '')"
        parts.append(f"SELECT '{name}', {summary} FROM {table} t")
    return " UNION ALL ".join(parts)


_FINGERPRINT_SQL: list[str] = []


def fingerprint() -> dict[str, str]:
    """Every app table's row count and a checksum of its rows (the place tree: its highest id):
    equal fingerprints mean nothing was added, removed or changed."""
    if not _FINGERPRINT_SQL:
        _FINGERPRINT_SQL.append(fingerprint_sql())
    with connection.cursor() as cursor:
        cursor.execute(_FINGERPRINT_SQL[0])
        return dict(cursor.fetchall())


def fingerprint_changes(before: dict[str, str], after: dict[str, str]) -> list[str]:
    """The tables whose fingerprint differs."""
    return sorted(table for table in before.keys() | after.keys() if before.get(table) != after.get(table))


@contextmanager
def media_served_from(folder):
    """The development media view takes its folder when the URLs are first loaded; point it at
    the world's folder for a while."""
    patterns = [p for p in get_resolver().url_patterns if isinstance(p, URLPattern) and p.callback is serve]
    saved = [p.default_args.get("document_root") for p in patterns]
    for pattern in patterns:
        pattern.default_args["document_root"] = folder
    try:
        yield
    finally:
        for pattern, folder_before in zip(patterns, saved, strict=True):
            pattern.default_args["document_root"] = folder_before
