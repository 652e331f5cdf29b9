"""Small things on the organiser's pages: an event's slug made from its name when left empty
(from its first day for a name in Thai or Japanese), "Your events" said once on the organiser's
home, the plan's disabled button marked as such."""

import pytest
from django.urls import reverse

from events import services
from events.models import Event

HOME = "/organiser/"


def new_event(event, **fields) -> dict:
    return {
        "name": "Northern OTOP Fair", "slug": "", "venue": "CMECC", "place": event.place.pk,
        "starts_on": "2031-03-01", "ends_on": "2031-03-07",
    } | fields


def test_a_new_event_without_a_slug_gets_one_from_its_name(organiser_client, event):
    response = organiser_client.post(HOME, new_event(event, name="Northern OTOP Fair 2031"))

    created = Event.objects.get(name="Northern OTOP Fair 2031")
    assert created.slug == "northern-otop-fair-2031"
    assert response.status_code == 302 and response["Location"] == reverse("events:organiser_event", args=[created.slug])


@pytest.mark.parametrize("name", ["งานโอทอปซิตี้", "大分一村一品フェア"])
def test_a_name_without_latin_letters_gives_a_slug_from_the_first_day(organiser_client, event, name):
    organiser_client.post(HOME, new_event(event, name=name))
    organiser_client.post(HOME, new_event(event, name=name, venue="Hall 2"))

    assert sorted(Event.objects.filter(name=name).values_list("slug", flat=True)) == ["event-2031-03-01", "event-2031-03-01-2"]


def test_a_slug_taken_by_another_event_gets_a_number(organiser_client, event):
    organiser_client.post(HOME, new_event(event, name="OTOP Fair Bangkok"))

    assert Event.objects.get(name="OTOP Fair Bangkok", status=Event.Status.DRAFT).slug == "otop-fair-bangkok-2"


def test_a_slug_typed_in_is_kept(organiser_client, event):
    organiser_client.post(HOME, new_event(event, slug="north-2031"))

    assert Event.objects.filter(slug="north-2031", name="Northern OTOP Fair").exists()


def test_a_slug_emptied_on_edit_is_made_afresh_from_the_name(organiser_client, event):
    data = new_event(event, name="OTOP Fair Bangkok 2031", venue=event.venue, starts_on=event.starts_on.isoformat(), ends_on=event.ends_on.isoformat())

    organiser_client.post(reverse("events:organiser_event_edit", args=[event.slug]), data)

    event.refresh_from_db()
    assert event.slug == "otop-fair-bangkok-2031"


def test_event_create_without_a_slug_keeps_to_ascii(organiser, event):
    created = services.event_create(
        by=organiser, name="OTOP ซิตี้ 2031", venue="x", place=event.place, starts_on=event.starts_on, ends_on=event.ends_on,
    )

    assert created.slug == "otop-2031"


def test_the_form_says_the_slug_may_be_left_empty(organiser_client, event):
    page = organiser_client.get(HOME).content.decode()

    assert "Leave it empty to have it made from the name." in page
    assert 'name="slug"' in page and 'name="slug" maxlength="120" required' not in page


def test_the_organiser_home_says_your_events_once(organiser_client, event):
    page = organiser_client.get(HOME).content.decode()

    # Once as the menu's link; the figures' own heading ("Your events in figures") is another.
    assert page.count(">Your events<") == 1
    assert "<h1>Organiser area</h1>" in page


def test_the_plans_disabled_button_is_marked_disabled(organiser_client, event):
    page = organiser_client.get(reverse("events:organiser_plan", args=[event.slug]), {"mode": "assign"}).content.decode()

    assert 'value="propose" class="button" disabled aria-disabled="true"' in page
