"""Removing a zone from the layout page: an empty zone (no stall of it held) goes with its stalls;
a zone with an assigned stall, or one a proposal under review uses, is refused with a message
and nothing removed; only the event's organisers may."""

import pytest
from django.contrib.messages import get_messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from events import services
from events.models import Stall, StallApplication, Zone
from tests.factories import log_in

State = StallApplication.State


def layout_url(event) -> str:
    return reverse("events:organiser_layout", args=[event.slug])


def remove(client, event, zone, confirm: bool = True):
    data = {"action": "zone_delete", "zone_id": zone.pk}
    if confirm:
        data["confirm"] = "1"
    return client.post(layout_url(event), data)


def messages_of(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def test_an_empty_zone_goes_with_its_stalls(organiser_client, event, layout, make_application):
    preferring = make_application(event, preferred_zone=layout["B"])

    response = remove(organiser_client, event, layout["B"])

    assert response.status_code == 302 and response.url == layout_url(event)
    assert messages_of(response) == ["Zone B removed with its 6 stalls."]
    assert not Zone.objects.filter(pk=layout["B"].pk).exists()
    assert not Stall.objects.filter(code__startswith="B-", event=event).exists()
    assert Stall.objects.filter(event=event).count() == 4, "zone A keeps its stalls"
    assert StallApplication.objects.get(pk=preferring.pk).preferred_zone is None


def test_the_zone_page_offers_the_removal_with_a_confirmation(organiser_client, event, layout):
    page = organiser_client.get(f"{layout_url(event)}?zone={layout['A'].pk}").content.decode()

    assert 'id="zone-delete"' in page and "Remove zone A" in page and 'name="confirm"' in page
    assert "Zone A and its 4 stalls disappear from the plan." in page


def test_a_zone_with_an_assigned_stall_is_refused_and_kept(organiser_client, organiser, event, layout, make_application):
    application = make_application(event, state=State.ACCEPTED)
    services.stall_assign(application=application, stall=layout["stalls"]["B-2"], by=organiser)

    response = remove(organiser_client, event, layout["B"])

    assert messages_of(response) == [
        "Zone B has 1 assigned stall: free it on the floor plan (or move its producer) before removing the zone."
    ]
    assert Zone.objects.filter(pk=layout["B"].pk).exists() and Stall.objects.filter(zone=layout["B"]).count() == 6


def test_a_zone_in_the_proposal_under_review_is_refused(organiser_client, organiser, event, layout, make_application):
    make_application(event, state=State.ACCEPTED, preferred_zone=layout["A"])
    proposal = services.assignment_propose(event=event, by=organiser)
    (_application, stall_id), = proposal.pairs
    zone = Stall.objects.get(pk=stall_id).zone

    response = remove(organiser_client, event, zone)

    assert messages_of(response) == [
        f"The automatic proposal under review gives away stalls of zone {zone.code}: accept or discard the proposal first."
    ]
    assert Zone.objects.filter(pk=zone.pk).exists()


def test_without_the_tick_nothing_is_removed(organiser_client, event, layout):
    response = remove(organiser_client, event, layout["A"], confirm=False)

    assert messages_of(response) == ["Tick the box to confirm that zone A is to be removed."]
    assert Zone.objects.filter(pk=layout["A"].pk).exists()


@pytest.mark.parametrize("zone_id", ["", "abc", "999999"])
def test_a_missing_or_bad_zone_is_refused(organiser_client, event, layout, zone_id):
    response = organiser_client.post(layout_url(event), {"action": "zone_delete", "zone_id": zone_id, "confirm": "1"})

    assert messages_of(response) == ["That zone is gone: another organiser removed it."]
    assert Zone.objects.filter(event=event).count() == 2


def test_a_zone_of_another_event_cannot_be_removed_through_this_one(organiser_client, event, layout, other_event, other_organiser):
    foreign = services.zone_save(event=other_event, by=other_organiser, code="Z", name="Their hall")

    response = remove(organiser_client, event, foreign)

    assert messages_of(response) == ["That zone is gone: another organiser removed it."]
    assert Zone.objects.filter(pk=foreign.pk).exists()


def test_another_events_organiser_gets_a_404(client, event, layout, other_organiser):
    response = remove(log_in(client, other_organiser), event, layout["A"])

    assert response.status_code == 404 and Zone.objects.filter(pk=layout["A"].pk).exists()


def test_the_service_refuses_someone_who_does_not_organise_the_event(layout, other_organiser):
    with pytest.raises(PermissionDenied):
        services.zone_delete(zone=layout["A"], by=other_organiser)

    assert Zone.objects.filter(pk=layout["A"].pk).exists()


def test_the_service_says_when_the_zone_is_gone_already(organiser, layout):
    zone = layout["A"]
    services.zone_delete(zone=zone, by=organiser)

    with pytest.raises(ValidationError, match="no longer exists"):
        services.zone_delete(zone=zone, by=organiser)
