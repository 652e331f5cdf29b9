"""The public event pages: the floor plan SVG, the exhibitor directory, and producers' withdrawals."""

import re
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from events import services
from events.models import Event, StallApplication
from places.models import Place
from tests.factories import EventFactory, ProducerFactory, ProducerMembershipFactory, UserFactory


@pytest.fixture
def fair(places):
    """A fair with one zone of 2 × 3 stalls and two exhibitors, A-1 and A-2."""
    organiser = UserFactory(username="fair-organiser", is_staff=True)
    event = EventFactory(status=Event.Status.OPEN, starts_on=timezone.localdate() + timedelta(days=5))
    zone = services.zone_save(event=event, by=organiser, code="A", name="Silk and textiles")
    services.stall_grid_create(event=event, by=organiser, zone=zone, rows=2, columns=3)
    surin = Place.objects.get(country="TH", level="province", code="32")
    exhibitors = []
    for number, name in enumerate(["Tha Sawang Silk Weavers", "Khon Kaen Mudmee Group"]):
        producer = ProducerFactory(name_en=name, slug=f"exhibitor-{number}")
        if number == 0:
            producer.province = surin
            producer.save(update_fields=["province"])
        manager = ProducerMembershipFactory(producer=producer, role="manager").user
        application = services.application_submit(event=event, producer=producer, by=manager)
        application = services.application_transition(application=application, to_state="accepted", by=organiser)
        stall = event.stalls.get(code=f"A-{number + 1}")
        services.stall_assign(application=application, stall=stall, by=organiser)
        exhibitors.append((producer, manager, application))
    return event, organiser, exhibitors


def test_the_plan_is_an_svg_with_every_stall_and_links_to_the_exhibitors_once_published(client, fair):
    event, _organiser, exhibitors = fair
    Event.objects.filter(pk=event.pk).update(status=Event.Status.PUBLISHED)
    body = client.get(f"/events/{event.slug}/").content.decode()
    svg = re.search(r"<svg class=\"floor-plan__svg\".*?</svg>", body, re.S).group()
    assert svg.count("<rect") == 6
    links = re.findall(r'<a href="([^"]+)" class="stall"><title>([^<]+)</title>', svg)
    assert sorted(links) == sorted(
        [(f"/producers/{p.slug}/", f"A-{i + 1} · {p.display_name}") for i, (p, _m, _a) in enumerate(exhibitors)]
    )
    assert 'aria-label="Zone A: Silk and textiles"' in svg
    assert f'href="/events/{event.slug}/exhibitors/"' in body  # the list alternative


def test_holders_stay_private_until_the_plan_is_published(client, fair):
    event, _organiser, exhibitors = fair
    body = client.get(f"/events/{event.slug}/").content.decode()
    assert exhibitors[0][0].display_name not in body
    assert exhibitors[0][0].display_name not in client.get(f"/events/{event.slug}/exhibitors/").content.decode()


def test_the_exhibitor_directory_finds_by_name_stall_and_province(client, fair):
    event, _organiser, exhibitors = fair
    Event.objects.filter(pk=event.pk).update(status=Event.Status.PUBLISHED)
    url = f"/events/{event.slug}/exhibitors/"
    everyone = client.get(url).content.decode()
    assert everyone.index("A-1") < everyone.index("A-2")
    assert "Khon Kaen Mudmee Group" in client.get(url, {"q": "mudmee"}).content.decode()
    assert "Tha Sawang" not in client.get(url, {"q": "mudmee"}).content.decode()
    by_province = client.get(url, {"province": "surin"}).content.decode()
    assert "Tha Sawang Silk Weavers" in by_province and "Khon Kaen Mudmee Group" not in by_province


def test_a_producer_withdraws_before_the_fair_and_the_stall_is_freed(fair):
    event, _organiser, exhibitors = fair
    _producer, manager, application = exhibitors[0]
    services.application_transition(application=application, to_state="withdrawn", by=manager)
    application.refresh_from_db()
    assert application.state == StallApplication.State.WITHDRAWN
    assert not event.assignments.filter(application=application).exists()
    assert list(application.state_changes.values_list("to_state", flat=True))[-1] == "withdrawn"


def test_once_the_fair_has_begun_a_stall_cannot_be_given_up(fair):
    event, _organiser, exhibitors = fair
    _producer, manager, application = exhibitors[0]
    Event.objects.filter(pk=event.pk).update(starts_on=timezone.localdate(), ends_on=timezone.localdate() + timedelta(days=3))
    with pytest.raises(ValidationError, match="has begun"):
        services.application_transition(application=application, to_state="withdrawn", by=manager)
    assert event.assignments.filter(application=application).exists()


def test_another_producers_member_cannot_withdraw_an_application(client, fair):
    event, _organiser, exhibitors = fair
    other = UserFactory(username="not-a-member")
    ProducerMembershipFactory(user=other, role="manager")
    client.force_login(other)
    response = client.post(f"/dashboard/events/applications/{exhibitors[0][2].pk}/withdraw/")
    assert response.status_code == 404
    assert event.assignments.count() == 2
