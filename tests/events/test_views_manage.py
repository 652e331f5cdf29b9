"""The organiser's area /organiser/: permissions, layout, applications, assignment by hand and
automatic, exports, the days of the event."""

import csv
import io
import re
import threading
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.test import Client
from django.urls import reverse
from django.utils import translation

from events import services
from events.models import (
    ApplicationStateChange,
    AssignmentProposal,
    Event,
    EventOrganiser,
    Stall,
    StallApplication,
    StallAssignment,
    Zone,
)
from tests.factories import (
    EventFactory,
    OrganiserFactory,
    ProducerFactory,
    ProducerMembershipFactory,
    ProductFactory,
    UserFactory,
    log_in,
)

ACCEPTED = StallApplication.State.ACCEPTED


@pytest.fixture(autouse=True)
def in_english():
    """Addresses reversed here are the English ones, whatever language an earlier test left active
    in this thread (the threads of the concurrency tests follow the address's language)."""
    with translation.override("en"):
        yield


def url(name: str, event: Event, query: str = "") -> str:
    address = reverse(f"events:{name}", args=[event.slug])
    return f"{address}?{query}" if query else address


def texts(response) -> str:
    return response.content.decode()


def assign(event, organiser, application, stall):
    return services.stall_assign(application=application, stall=stall, by=organiser)


# --- Who may enter -----------------------------------------------------------------------------

EVENT_PAGES = [
    "organiser_event", "organiser_event_edit", "organiser_layout", "organiser_applications", "organiser_plan",
    "organiser_stalls_csv", "organiser_plan_print", "organiser_signs", "organiser_check_in",
]
EVENT_POSTS = [
    ("organiser_event_edit", {"name": "Taken over", "slug": "taken-over", "venue": "x", "starts_on": "2030-01-01", "ends_on": "2030-01-02"}),
    ("organiser_status", {"status": "closed"}),
    ("organiser_layout", {"action": "zone", "code": "Z", "name": "Intruder zone", "colour": "#000000"}),
    ("organiser_applications", {"to_state": "accepted"}),
    ("organiser_plan", {"mode": "assign"}),
    ("organiser_proposal", {"action": "propose"}),
    ("organiser_check_in", {"action": "check_in"}),
]


@pytest.mark.django_db
class TestPermissions:
    @pytest.mark.parametrize("name", EVENT_PAGES)
    def test_an_organiser_of_another_event_gets_404_on_every_page(self, client, organiser, other_event, name):
        log_in(client, organiser)

        assert client.get(url(name, other_event)).status_code == 404

    @pytest.mark.parametrize(("name", "data"), EVENT_POSTS)
    def test_an_organiser_of_another_event_gets_404_on_every_post_and_nothing_changes(
        self, client, organiser, other_event, layout, make_application, name, data
    ):
        application = make_application(other_event, state=ACCEPTED)
        stall = Stall.objects.filter(event=other_event).first()
        data = dict(data, applications=[application.pk], application=application.pk, stall=getattr(stall, "pk", ""))
        log_in(client, organiser)

        response = client.post(url(name, other_event), data)

        assert response.status_code == 404
        other_event.refresh_from_db()
        assert other_event.status == Event.Status.OPEN and other_event.name == "Oita OVOP Market"
        assert not Zone.objects.filter(event=other_event).exists()
        assert not AssignmentProposal.objects.filter(event=other_event).exists()
        application.refresh_from_db()
        assert application.state == ACCEPTED

    def test_ids_from_another_event_are_invalid_choices_not_changes(self, organiser_client, event, layout, other_event, make_application):
        foreign = make_application(other_event, state=ACCEPTED)

        response = organiser_client.post(url("organiser_plan", event), {"mode": "assign", "application": foreign.pk, "stall": layout["stalls"]["A-1"].pk})

        assert response.status_code == 200
        assert "no longer waiting for a stall" in texts(response)
        assert not StallAssignment.objects.exists()

    @pytest.mark.parametrize("name", ["organiser_event", "organiser_plan"])
    def test_a_visitor_is_asked_to_log_in(self, client, event, name):
        response = client.get(url(name, event))

        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:login"))

    def test_a_visitor_is_asked_to_log_in_for_the_home_too(self, client, db):
        response = client.get(reverse("events:organiser_home"))

        assert response.status_code == 302 and reverse("accounts:login") in response["Location"]

    def test_a_producer_gets_404(self, client, producer_user, event):
        log_in(client, producer_user)

        assert client.get(reverse("events:organiser_home")).status_code == 404
        assert client.get(url("organiser_event", event)).status_code == 404
        assert client.post(url("organiser_status", event), {"status": "closed"}).status_code == 404

    def test_staff_see_and_manage_every_event(self, client, staff_user, event, other_event):
        log_in(client, staff_user)

        home = client.get(reverse("events:organiser_home"))

        assert home.status_code == 200
        assert "OTOP Fair Bangkok" in texts(home) and "Oita OVOP Market" in texts(home)
        assert client.get(url("organiser_plan", other_event)).status_code == 200

    def test_the_home_lists_only_the_organisers_own_events(self, organiser_client, event, other_event):
        response = organiser_client.get(reverse("events:organiser_home"))

        assert "OTOP Fair Bangkok" in texts(response)
        assert "Oita OVOP Market" not in texts(response)


# --- Events ------------------------------------------------------------------------------------


@pytest.mark.django_db
class TestEvents:
    def test_a_new_event_is_a_draft_organised_by_its_creator(self, organiser_client, organiser, event):
        place = event.place
        response = organiser_client.post(
            reverse("events:organiser_home"),
            {"name": "Northern OTOP Fair", "slug": "northern-otop-fair", "venue": "CMECC", "place": place.pk,
             "starts_on": "2031-03-01", "ends_on": "2031-03-07"},
        )

        created = Event.objects.get(slug="northern-otop-fair")
        assert response.status_code == 302 and response["Location"] == url("organiser_event", created)
        assert created.status == Event.Status.DRAFT
        assert EventOrganiser.objects.filter(event=created, user=organiser).exists()

    def test_a_new_event_with_its_dates_reversed_shows_the_error(self, organiser_client, event):
        response = organiser_client.post(
            reverse("events:organiser_home"),
            {"name": "Backwards", "slug": "backwards", "venue": "x", "place": event.place.pk, "starts_on": "2031-03-07", "ends_on": "2031-03-01"},
        )

        assert response.status_code == 200
        assert 'class="form-errors"' in texts(response) or "field--error" in texts(response)
        assert not Event.objects.filter(slug="backwards").exists()

    def test_editing_an_event_may_change_its_slug(self, organiser_client, event):
        response = organiser_client.post(
            url("organiser_event_edit", event),
            {"name": "OTOP Fair Bangkok 2031", "slug": "otop-fair-2031", "venue": event.venue, "place": event.place_id,
             "starts_on": event.starts_on.isoformat(), "ends_on": event.ends_on.isoformat()},
        )

        event.refresh_from_db()
        assert event.slug == "otop-fair-2031" and event.name == "OTOP Fair Bangkok 2031"
        assert response["Location"] == url("organiser_event", event)

    def test_an_invalid_edit_keeps_the_pages_links_on_the_saved_slug(self, organiser_client, event):
        response = organiser_client.post(
            url("organiser_event_edit", event),
            {"name": "", "slug": "", "venue": event.venue, "place": event.place_id, "starts_on": "x", "ends_on": ""},
        )

        assert response.status_code == 200
        assert url("organiser_layout", event) in texts(response)
        event.refresh_from_db()
        assert event.slug == "otop-fair-bangkok"

    def test_publishing_moves_the_event_on_and_a_refused_move_is_a_message(self, organiser_client, event):
        organiser_client.post(url("organiser_status", event), {"status": "closed"})
        organiser_client.post(url("organiser_status", event), {"status": "published"})
        event.refresh_from_db()
        assert event.status == Event.Status.PUBLISHED

        response = organiser_client.post(url("organiser_status", event), {"status": "draft"}, follow=True)

        event.refresh_from_db()
        assert event.status == Event.Status.PUBLISHED
        assert "cannot become" in texts(response)

    def test_an_unknown_status_is_a_message_on_the_overview_and_the_address_takes_only_posts(self, organiser_client, event):
        before = event.status

        response = organiser_client.post(url("organiser_status", event), {"status": "bogus"})

        assert response.status_code == 302 and response["Location"] == url("organiser_event", event)
        assert "bogus" in texts(organiser_client.get(response["Location"]))
        event.refresh_from_db()
        assert event.status == before
        assert organiser_client.get(url("organiser_status", event)).status_code == 405

    def test_the_usual_next_step_comes_first(self, organiser_client, event):
        Event.objects.filter(pk=event.pk).update(status=Event.Status.CLOSED)

        response = organiser_client.get(url("organiser_event", event))

        assert [value for value, _label in response.context["status_actions"]] == ["published", "open"]
        assert "Publish the floor plan" in texts(response)

    def test_the_overview_counts_stalls_and_applications_by_state(self, organiser_client, organiser, event, layout, make_application):
        accepted = [make_application(event, state=ACCEPTED) for _ in range(3)]
        make_application(event, state="submitted")
        make_application(event, state="waitlisted")
        make_application(event, state="rejected")
        make_application(event, state="withdrawn")
        assign(event, organiser, accepted[0], layout["stalls"]["A-1"])
        second = assign(event, organiser, accepted[1], layout["stalls"]["B-1"])
        services.exhibitor_check_in(assignment=second, by=organiser)
        services.stall_fee_set(assignment=second, by=organiser, state="paid")

        response = organiser_client.get(url("organiser_event", event))

        counts = response.context["counts"]
        assert (counts.stalls, counts.assigned, counts.free, counts.checked_in) == (10, 2, 8, 1)
        assert counts.accepted_without_stall == 1
        by_state = {value: count for value, _label, count in counts.applications}
        assert by_state == {"submitted": 1, "accepted": 3, "waitlisted": 1, "rejected": 1, "withdrawn": 1}
        assert counts.applications_total == 7
        assert {value: count for value, _label, count in counts.fees} == {"none": 1, "invoiced": 0, "paid": 1}
        page = texts(response)
        assert '<tr data-row="accepted"><th scope="row"><a href="/organiser/otop-fair-bangkok/applications/?state=accepted">Accepted</a></th><td>3</td>' in page
        assert 'data-fee="paid">1 stall<' in page


# --- Layout ------------------------------------------------------------------------------------


@pytest.mark.django_db
class TestLayout:
    def test_zones_are_made_and_edited(self, organiser_client, event):
        organiser_client.post(url("organiser_layout", event), {"action": "zone", "code": "B", "name": "Food hall", "colour": "#1e6b3a"})
        zone = Zone.objects.get(event=event, code="B")

        organiser_client.post(
            url("organiser_layout", event), {"action": "zone", "zone_id": zone.pk, "code": "B", "name": "Food and drink", "colour": "#aa0000"}
        )

        zone.refresh_from_db()
        assert (zone.name, zone.colour) == ("Food and drink", "#aa0000")
        assert Zone.objects.filter(event=event).count() == 1

    def test_a_second_zone_with_the_same_code_is_a_form_error(self, organiser_client, event, layout):
        response = organiser_client.post(url("organiser_layout", event), {"action": "zone", "code": "B", "name": "Again", "colour": "#1e6b3a"})

        assert response.status_code == 200
        assert "form-errors" in texts(response)
        assert Zone.objects.filter(event=event, code="B").count() == 1

    def test_the_grid_generator_makes_rows_by_columns_with_corners_marked(self, organiser_client, organiser, event):
        zone = services.zone_save(event=event, by=organiser, code="B", name="Food hall")

        response = organiser_client.post(
            url("organiser_layout", event),
            {"action": "grid", "zone": zone.pk, "rows": 10, "columns": 12, "width": "3", "depth": "3", "origin_x": "0",
             "origin_y": "0", "aisle": "3", "fee": "1500", "corners": "on", "power_every": "0"},
            follow=True,
        )

        stalls = list(Stall.objects.filter(event=event, zone=zone))
        assert len(stalls) == 120
        assert {s.code for s in stalls} == {f"B-{n}" for n in range(1, 121)}
        corners = sorted((s for s in stalls if s.is_corner), key=lambda s: int(s.code[2:]))
        assert len(corners) == 20
        assert [c.code for c in corners[:4]] == ["B-1", "B-12", "B-13", "B-24"]
        first, twelfth = (next(s for s in stalls if s.code == code) for code in ("B-1", "B-12"))
        assert (first.x, first.y, twelfth.x) == (0, 0, 33)
        assert all(s.width == 3 and s.depth == 3 and s.fee == Decimal("1500") for s in stalls)
        assert "120 stalls made in zone B: B-1 to B-120." in texts(response)

    def test_a_second_block_is_numbered_on(self, organiser_client, event, layout):
        organiser_client.post(
            url("organiser_layout", event),
            {"action": "grid", "zone": layout["B"].pk, "rows": 1, "columns": 2, "width": "3", "depth": "3", "origin_x": "0",
             "origin_y": "30", "aisle": "3", "fee": "0", "power_every": "0"},
        )

        assert set(Stall.objects.filter(zone=layout["B"]).values_list("code", flat=True)) == {f"B-{n}" for n in range(1, 9)}

    def test_a_grid_too_large_is_refused_with_the_error(self, organiser_client, event, layout):
        response = organiser_client.post(
            url("organiser_layout", event),
            {"action": "grid", "zone": layout["B"].pk, "rows": 41, "columns": 2, "width": "3", "depth": "3", "origin_x": "0",
             "origin_y": "0", "aisle": "3", "fee": "0", "power_every": "0"},
        )

        assert response.status_code == 200 and "field--error" in texts(response)
        assert Stall.objects.filter(zone=layout["B"]).count() == 6

    def test_the_layout_of_a_past_event_is_copied(self, organiser_client, organiser, event, places):
        past = EventFactory(slug="otop-fair-last-year", starts_on=event.starts_on - timedelta(days=365), ends_on=event.starts_on - timedelta(days=360))
        OrganiserFactory(event=past, user=organiser)
        zone = services.zone_save(event=past, by=organiser, code="C", name="Crafts", colour="#123456")
        services.stall_grid_create(event=past, by=organiser, zone=zone, rows=2, columns=5, power_every=3)
        page = organiser_client.get(url("organiser_layout", event))
        assert "Copy a layout" in texts(page)

        response = organiser_client.post(url("organiser_layout", event), {"action": "copy", "source": past.pk}, follow=True)

        copied = Stall.objects.filter(event=event).select_related("zone")
        assert sorted(s.code for s in copied) == sorted(Stall.objects.filter(event=past).values_list("code", flat=True))
        assert {s.zone.code for s in copied} == {"C"}
        assert Zone.objects.get(event=event).colour == "#123456"
        assert copied.filter(has_power=True).count() == Stall.objects.filter(event=past, has_power=True).count()
        assert "10 stalls" in texts(response)

    def test_copying_into_an_event_with_a_layout_is_refused(self, organiser_client, organiser, event, layout, places):
        past = EventFactory(slug="past-fair")
        OrganiserFactory(event=past, user=organiser)
        services.zone_save(event=past, by=organiser, code="C", name="Crafts")

        response = organiser_client.post(url("organiser_layout", event), {"action": "copy", "source": past.pk})

        assert response.status_code == 200 and "has a layout already" in texts(response)
        assert not Zone.objects.filter(event=event, code="C").exists()

    def test_only_the_organisers_own_events_may_be_copied(self, organiser_client, event, other_event, other_organiser):
        services.zone_save(event=other_event, by=other_organiser, code="Z", name="Theirs")

        response = organiser_client.post(url("organiser_layout", event), {"action": "copy", "source": other_event.pk})

        assert response.status_code == 200
        assert not Zone.objects.filter(event=event).exists()


# --- Applications --------------------------------------------------------------------------------


@pytest.fixture
def applicants(event, layout, make_application, categories, tambon):
    """Four applications: silk from Surin (power), chili paste from Khon Kaen (corner), baskets
    from Surin (power, corner), and a rejected one from Khon Kaen."""
    surin, khon_kaen = tambon("surin"), tambon("khon-kaen")

    def producer(name, place):
        return ProducerFactory(name_en=name, place=place)

    silk_maker, chili_maker, basket_maker, late_maker = (
        producer("Tha Sawang Silk", surin), producer("Khon Kaen Chili", khon_kaen), producer("Surin Baskets", surin),
        producer("Late Weavers", khon_kaen),
    )
    silk = ProductFactory(producer=silk_maker, category=categories["silk"])
    chili = ProductFactory(producer=chili_maker, category=categories["chili-pastes-and-sauces"])
    basket = ProductFactory(producer=basket_maker, category=categories["basketry"])
    return {
        "silk": make_application(event, producer=silk_maker, products=[silk], power=True, preferred_zone=layout["A"]),
        "chili": make_application(event, producer=chili_maker, products=[chili], corner=True, preferred_zone=layout["B"]),
        "basket": make_application(event, producer=basket_maker, products=[basket], power=True, corner=True, state="waitlisted"),
        "late": make_application(event, producer=late_maker, state="rejected"),
    }


def listed(response) -> set[str]:
    return {application.producer.name_en for application in response.context["applications"]}


@pytest.mark.django_db
class TestApplications:
    @pytest.mark.parametrize(
        ("query", "expected"),
        [
            ("", {"Tha Sawang Silk", "Khon Kaen Chili", "Surin Baskets", "Late Weavers"}),
            ("state=submitted", {"Tha Sawang Silk", "Khon Kaen Chili"}),
            ("state=waitlisted", {"Surin Baskets"}),
            ("category=textiles-garments", {"Tha Sawang Silk"}),
            ("category=food", {"Khon Kaen Chili"}),
            ("province=surin", {"Tha Sawang Silk", "Surin Baskets"}),
            ("province=khon-kaen&state=rejected", {"Late Weavers"}),
            ("needs=power", {"Tha Sawang Silk", "Surin Baskets"}),
            ("needs=power&needs=corner", {"Surin Baskets"}),
            ("needs=corner&province=khon-kaen", {"Khon Kaen Chili"}),
        ],
    )
    def test_filters(self, organiser_client, event, applicants, query, expected):
        response = organiser_client.get(url("organiser_applications", event, query))

        assert response.status_code == 200
        assert listed(response) == expected

    def test_a_bad_filter_value_shows_the_error_and_the_list_unfiltered(self, organiser_client, event, applicants):
        response = organiser_client.get(url("organiser_applications", event, "state=bogus&province=atlantis"))

        assert response.status_code == 200
        assert "field--error" in texts(response)
        assert len(listed(response)) == 4

    def test_bulk_accept_waitlist_and_reject_keep_the_history(self, organiser_client, organiser, event, applicants):
        silk, chili, basket = applicants["silk"], applicants["chili"], applicants["basket"]

        response = organiser_client.post(
            url("organiser_applications", event, "state=submitted"), {"applications": [silk.pk, chili.pk], "to_state": "accepted"}
        )
        assert response["Location"] == url("organiser_applications", event, "state=submitted")
        organiser_client.post(url("organiser_applications", event), {"applications": [chili.pk], "to_state": "waitlisted"})
        organiser_client.post(url("organiser_applications", event), {"applications": [basket.pk], "to_state": "rejected"})

        for application in (silk, chili, basket):
            application.refresh_from_db()
        assert (silk.state, chili.state, basket.state) == ("accepted", "waitlisted", "rejected")
        history = list(ApplicationStateChange.objects.filter(application=chili).values_list("from_state", "to_state", "by"))
        assert history == [("submitted", "accepted", organiser.pk), ("accepted", "waitlisted", organiser.pk)]

    def test_a_refused_move_in_a_bulk_action_is_named_and_the_others_move(self, organiser_client, event, applicants):
        silk, late = applicants["silk"], applicants["late"]

        response = organiser_client.post(
            url("organiser_applications", event), {"applications": [silk.pk, late.pk], "to_state": "accepted"}, follow=True
        )

        silk.refresh_from_db()
        late.refresh_from_db()
        assert (silk.state, late.state) == ("accepted", "rejected")
        assert "1 application is now accepted." in texts(response)
        assert "Late Weavers: An application that is rejected cannot become accepted." in texts(response)
        assert not ApplicationStateChange.objects.filter(application=late).exists()

    def test_the_service_refuses_rejected_to_accepted(self, organiser, applicants):
        with pytest.raises(ValidationError, match="cannot become"):
            services.application_transition(application=applicants["late"], to_state="accepted", by=organiser)

    def test_the_database_refuses_rejected_to_accepted(self, applicants):
        with pytest.raises(IntegrityError, match="cannot go from rejected to accepted"), transaction.atomic():
            StallApplication.objects.filter(pk=applicants["late"].pk).update(state="accepted")

    def test_the_database_refuses_leaving_accepted_while_holding_a_stall(self, organiser, event, layout, applicants):
        silk = services.application_transition(application=applicants["silk"], to_state="accepted", by=organiser)
        assign(event, organiser, silk, layout["stalls"]["A-2"])

        with pytest.raises(IntegrityError, match="still holds a stall"), transaction.atomic():
            StallApplication.objects.filter(pk=silk.pk).update(state="waitlisted")

    def test_waitlisting_an_accepted_application_gives_its_stall_back(self, organiser_client, organiser, event, layout, applicants):
        silk = services.application_transition(application=applicants["silk"], to_state="accepted", by=organiser)
        assign(event, organiser, silk, layout["stalls"]["A-2"])

        organiser_client.post(url("organiser_applications", event), {"applications": [silk.pk], "to_state": "waitlisted"})

        assert not StallAssignment.objects.filter(application=silk).exists()

    def test_no_application_ticked_is_a_message(self, organiser_client, event, applicants):
        response = organiser_client.post(url("organiser_applications", event), {"to_state": "accepted"}, follow=True)

        assert "Tick at least one application." in texts(response)


# --- Assignment by hand --------------------------------------------------------------------------


@pytest.fixture
def accepted(event, make_application):
    """Three accepted applications: Mae Jo Rice (no needs), Lamphun Lamps (needs power),
    Nan Silver (needs a corner, prefers zone B)."""

    def make(name, **needs):
        return make_application(event, state=ACCEPTED, producer=ProducerFactory(name_en=name), **needs)

    return {"rice": make("Mae Jo Rice"), "lamps": make("Lamphun Lamps", power=True), "silver": make("Nan Silver", corner=True)}


@pytest.mark.django_db
class TestHandAssignment:
    def test_the_plan_draws_every_stall_as_a_button_and_the_waiting_applications(self, organiser_client, organiser, event, layout, accepted):
        assign(event, organiser, accepted["rice"], layout["stalls"]["B-2"])

        response = organiser_client.get(url("organiser_plan", event))

        page = texts(response)
        for stall in layout["stalls"].values():
            assert f'name="stall" value="{stall.pk}"' in page
        assert page.count('type="radio" name="application"') == 2  # rice holds a stall already
        b2 = layout["stalls"]["B-2"]
        assert re.search(rf'id="stall-{b2.pk}"[^>]*aria-label="B-2 · held by Mae Jo Rice"', page)
        assert re.search(rf"#stall-{b2.pk} {{ left: 36px; top: 120px; width: 34px; height: 34px; }}", page)
        nonce = re.search(r'<style nonce="([^"]+)">', page).group(1)
        assert f"'nonce-{nonce}'" in response["Content-Security-Policy"]

    def test_picking_an_application_and_clicking_a_stall_assigns_it(self, organiser_client, organiser, event, layout, accepted):
        stall = layout["stalls"]["A-2"]

        response = organiser_client.post(url("organiser_plan", event), {"mode": "assign", "application": accepted["lamps"].pk, "stall": stall.pk})

        assert response.status_code == 302
        assignment = StallAssignment.objects.get(application=accepted["lamps"])
        assert (assignment.stall, assignment.assigned_by) == (stall, organiser)

    def test_a_stall_taken_meanwhile_is_a_clear_message_and_the_page_stays(self, organiser_client, organiser, event, layout, accepted):
        stall = layout["stalls"]["B-1"]
        page = organiser_client.get(url("organiser_plan", event))
        assert page.status_code == 200
        # Another organiser gives the stall away while this page is open.
        assign(event, organiser, accepted["silver"], stall)

        response = organiser_client.post(url("organiser_plan", event), {"mode": "assign", "application": accepted["rice"].pk, "stall": stall.pk})

        assert response.status_code == 200
        assert "Stall B-1 was just given to Nan Silver by another organiser." in texts(response)
        assert f'value="{accepted["rice"].pk}" checked' in texts(response)
        assert StallAssignment.objects.get(stall=stall).application == accepted["silver"]
        assert not StallAssignment.objects.filter(application=accepted["rice"]).exists()

    def test_needs_are_never_violated(self, organiser_client, event, layout, accepted):
        response = organiser_client.post(
            url("organiser_plan", event), {"mode": "assign", "application": accepted["lamps"].pk, "stall": layout["stalls"]["A-1"].pk}
        )
        corner = organiser_client.post(
            url("organiser_plan", event), {"mode": "assign", "application": accepted["silver"].pk, "stall": layout["stalls"]["B-2"].pk}
        )

        assert "Stall A-1 lacks something this producer needs." in texts(response)
        assert "Stall B-2 lacks something this producer needs." in texts(corner)
        assert not StallAssignment.objects.exists()

    def test_a_producer_with_a_stall_cannot_take_a_second(self, organiser_client, organiser, event, layout, accepted):
        assign(event, organiser, accepted["rice"], layout["stalls"]["B-2"])

        response = organiser_client.post(
            url("organiser_plan", event), {"mode": "assign", "application": accepted["rice"].pk, "stall": layout["stalls"]["B-5"].pk}
        )

        assert "has a stall already" in texts(response)
        assert StallAssignment.objects.filter(application=accepted["rice"]).count() == 1

    def test_no_application_chosen_is_a_message(self, organiser_client, event, layout, accepted):
        response = organiser_client.post(url("organiser_plan", event), {"mode": "assign", "stall": layout["stalls"]["B-2"].pk})

        assert "Choose an application first" in texts(response)

    def test_two_stalls_are_swapped_and_a_producer_moves_into_a_free_stall(self, organiser_client, organiser, event, layout, accepted):
        a2, a4, b1, b5 = (layout["stalls"][code] for code in ("A-2", "A-4", "B-1", "B-5"))
        assign(event, organiser, accepted["lamps"], a2)
        assign(event, organiser, accepted["rice"], a4)

        response = organiser_client.post(url("organiser_plan", event), {"mode": "swap", "stalls": [a2.pk, a4.pk]}, follow=True)

        assert StallAssignment.objects.get(application=accepted["lamps"]).stall == a4
        assert StallAssignment.objects.get(application=accepted["rice"]).stall == a2
        assert "Stalls A-2 and A-4 swapped." in texts(response)
        assert response.redirect_chain[-1][0] == url("organiser_plan", event, "mode=swap")
        organiser_client.post(url("organiser_plan", event), {"mode": "swap", "stalls": [a2.pk, b5.pk]})
        assert StallAssignment.objects.get(application=accepted["rice"]).stall == b5
        assert not StallAssignment.objects.filter(stall__in=[a2, b1]).exists()

    def test_a_swap_that_breaks_a_need_is_refused_with_a_message(self, organiser_client, organiser, event, layout, accepted):
        a2, b1 = layout["stalls"]["A-2"], layout["stalls"]["B-1"]
        assign(event, organiser, accepted["lamps"], a2)
        assign(event, organiser, accepted["rice"], b1)

        response = organiser_client.post(url("organiser_plan", event), {"mode": "swap", "stalls": [a2.pk, b1.pk]})

        assert response.status_code == 200
        assert "Stall B-1 lacks something its new producer needs." in texts(response)
        assert StallAssignment.objects.get(application=accepted["rice"]).stall == b1

    def test_a_swap_needs_exactly_two_stalls(self, organiser_client, event, layout):
        response = organiser_client.post(url("organiser_plan", event), {"mode": "swap", "stalls": [layout["stalls"]["A-1"].pk]})

        assert "Tick exactly two stalls to swap." in texts(response)

    def test_a_stall_is_freed(self, organiser_client, organiser, event, layout, accepted):
        stall = layout["stalls"]["B-3"]
        assign(event, organiser, accepted["silver"], stall)

        response = organiser_client.post(url("organiser_plan", event), {"mode": "unassign", "stall": stall.pk}, follow=True)

        assert not StallAssignment.objects.filter(stall=stall).exists()
        assert "Stall B-3 is free again; Nan Silver waits for a stall." in texts(response)
        again = organiser_client.post(url("organiser_plan", event), {"mode": "unassign", "stall": stall.pk})
        assert "Stall B-3 is free already." in texts(again)

    def test_the_plan_page_reads_in_a_fixed_number_of_queries(self, organiser_client, organiser, event, layout, accepted, django_assert_max_num_queries):
        services.stall_grid_create(event=event, by=organiser, zone=layout["B"], rows=6, columns=10, origin_y=Decimal(30))
        assign(event, organiser, accepted["rice"], layout["stalls"]["B-2"])
        assign(event, organiser, accepted["lamps"], layout["stalls"]["A-2"])
        services.assignment_propose(event=event, by=organiser)

        with django_assert_max_num_queries(12):
            response = organiser_client.get(url("organiser_plan", event))

        assert response.status_code == 200
        assert len(response.context["plan"].stalls) == 70


def _assign_in_thread(client, address, data, barrier, results, index):
    try:
        barrier.wait(timeout=10)
        results[index] = client.post(address, data)
    finally:
        connection.close()


@pytest.mark.django_db(transaction=True)
def test_two_organisers_assigning_the_same_stall_at_once_one_wins_the_other_is_told(places):
    event = EventFactory(slug="race-fair")
    first_user, second_user = OrganiserFactory(event=event).user, OrganiserFactory(event=event).user
    zone = services.zone_save(event=event, by=first_user, code="A", name="Hall")
    stall = services.stall_grid_create(event=event, by=first_user, zone=zone, rows=1, columns=1)[0]
    applications = [
        StallApplication.objects.create(event=event, producer=ProducerFactory(name_en=name), state=ACCEPTED)
        for name in ("Racing Weavers", "Racing Potters")
    ]
    clients = [log_in(Client(), first_user), log_in(Client(), second_user)]
    address = url("organiser_plan", event)
    barrier, results = threading.Barrier(2), [None, None]
    threads = [
        threading.Thread(
            target=_assign_in_thread,
            args=(clients[i], address, {"mode": "assign", "application": applications[i].pk, "stall": stall.pk}, barrier, results, i),
        )
        for i in range(2)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert StallAssignment.objects.filter(stall=stall).count() == 1
    winner = StallAssignment.objects.get(stall=stall).application
    statuses = sorted(response.status_code for response in results)
    assert statuses == [200, 302]
    loser = next(response for response in results if response.status_code == 200)
    assert f"Stall A-1 was just given to {winner.producer.name_en} by another organiser." in texts(loser)


def _service_in_thread(application, stall, user, barrier, outcomes, index):
    try:
        barrier.wait(timeout=10)
        services.stall_assign(application=application, stall=stall, by=user)
        outcomes[index] = "assigned"
    except ValidationError as error:
        outcomes[index] = " ".join(error.messages)
    finally:
        connection.close()


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("round_", range(3))
def test_concurrent_stall_assign_never_gives_a_stall_twice(places, round_):
    event = EventFactory(slug=f"race-fair-{round_}")
    user = OrganiserFactory(event=event).user
    zone = services.zone_save(event=event, by=user, code="A", name="Hall")
    stall = services.stall_grid_create(event=event, by=user, zone=zone, rows=1, columns=1)[0]
    applications = [
        StallApplication.objects.create(event=event, producer=ProducerFactory(), state=ACCEPTED) for _ in range(4)
    ]
    barrier, outcomes = threading.Barrier(4), [None] * 4
    threads = [
        threading.Thread(target=_service_in_thread, args=(applications[i], stall, user, barrier, outcomes, i)) for i in range(4)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert outcomes.count("assigned") == 1
    assert all("was just given to" in outcome for outcome in outcomes if outcome != "assigned")
    assert StallAssignment.objects.filter(stall=stall).count() == 1


# --- The automatic assignment ------------------------------------------------------------------


@pytest.mark.django_db
class TestProposal:
    def propose(self, client, event):
        return client.post(url("organiser_proposal", event), {"action": "propose"}, follow=True)

    def test_the_proposal_is_shown_on_the_plan_with_its_score_and_assigns_nothing(self, organiser_client, event, layout, accepted):
        accepted["silver"].preferred_zone = layout["B"]
        accepted["silver"].save()

        response = self.propose(organiser_client, event)

        assert not StallAssignment.objects.exists()
        proposal = AssignmentProposal.objects.get(event=event)
        assert len(proposal.pairs) == 3
        page = texts(response)
        assert "Proposal ready: 3 of 3 applications get a stall, 1 of 1 in their preferred zone." in page
        assert 'data-score="assigned">3 / 3<' in page
        assert 'data-score="in_preferred_zone">1 / 1 with a preference<' in page
        assert 'data-score="unassigned">0<' in page
        assert page.count("plan-stall--proposed") == 3
        for app_id, stall_id in proposal.pairs:
            application = StallApplication.objects.get(pk=app_id)
            assert re.search(rf'id="stall-{stall_id}"[^>]*proposed for {application.producer.name_en}', page)

    def test_accepting_makes_the_assignments_and_they_meet_every_need(self, organiser_client, event, layout, accepted):
        self.propose(organiser_client, event)
        proposal = AssignmentProposal.objects.get(event=event)

        response = organiser_client.post(url("organiser_proposal", event), {"action": "accept", "proposal": proposal.pk}, follow=True)

        assert "Proposal accepted: 3 stalls assigned." in texts(response)
        assignments = {a.application_id: a.stall for a in StallAssignment.objects.filter(event=event)}
        assert set(assignments) == {a.pk for a in accepted.values()}
        assert assignments[accepted["lamps"].pk].has_power and assignments[accepted["silver"].pk].is_corner
        assert not AssignmentProposal.objects.filter(event=event).exists()

    def test_discarding_assigns_nothing(self, organiser_client, event, layout, accepted):
        self.propose(organiser_client, event)
        proposal = AssignmentProposal.objects.get(event=event)

        response = organiser_client.post(url("organiser_proposal", event), {"action": "discard", "proposal": proposal.pk}, follow=True)

        assert "Proposal discarded: nothing was assigned." in texts(response)
        assert not StallAssignment.objects.exists()
        assert not AssignmentProposal.objects.exists()
        assert "plan-stall--proposed" not in texts(response)

    def test_accepting_after_a_hand_assignment_took_one_of_its_stalls_refuses_and_makes_nothing(
        self, organiser_client, organiser, event, layout, accepted, make_application
    ):
        self.propose(organiser_client, event)
        proposal = AssignmentProposal.objects.get(event=event)
        taken_stall = Stall.objects.get(pk=proposal.pairs[0][1])
        newcomer = make_application(event, state=ACCEPTED, producer=ProducerFactory(name_en="Late Lacquer"))
        organiser_client.post(url("organiser_plan", event), {"mode": "assign", "application": newcomer.pk, "stall": taken_stall.pk})
        assert StallAssignment.objects.filter(stall=taken_stall, application=newcomer).exists()

        response = organiser_client.post(url("organiser_proposal", event), {"action": "accept", "proposal": proposal.pk}, follow=True)

        assert "Stalls were assigned by hand since this proposal: make a new one." in texts(response)
        assert list(StallAssignment.objects.values_list("application_id", flat=True)) == [newcomer.pk]

    def test_proposing_again_replaces_the_earlier_proposal(self, organiser_client, event, layout, accepted):
        self.propose(organiser_client, event)
        first = AssignmentProposal.objects.get(event=event)

        self.propose(organiser_client, event)

        assert list(AssignmentProposal.objects.filter(event=event)) != [first]
        assert AssignmentProposal.objects.filter(event=event).count() == 1

    def test_accepting_a_proposal_that_is_gone_is_a_message(self, organiser_client, event, layout, accepted):
        response = organiser_client.post(url("organiser_proposal", event), {"action": "accept", "proposal": 999999}, follow=True)

        assert "That proposal is gone" in texts(response)


# --- Exports, print, the days --------------------------------------------------------------------


@pytest.fixture
def assigned(event, organiser, layout, accepted, tambon):
    """Mae Jo Rice at B-2 (from Surin, invoiced, checked in); Lamphun Lamps at A-2."""
    rice = accepted["rice"]
    rice.producer.place = tambon("surin")
    rice.producer.province = rice.producer.place.parent.parent
    rice.producer.save()
    b2 = assign(event, organiser, rice, layout["stalls"]["B-2"])
    services.stall_fee_set(assignment=b2, by=organiser, state="invoiced")
    services.exhibitor_check_in(assignment=b2, by=organiser)
    a2 = assign(event, organiser, accepted["lamps"], layout["stalls"]["A-2"])
    return {"B-2": b2, "A-2": a2}


@pytest.mark.django_db
class TestExportsAndPrint:
    def test_the_csv_has_one_row_per_stall_and_the_holders(self, organiser_client, event, layout, assigned):
        response = organiser_client.get(url("organiser_stalls_csv", event))

        assert response.status_code == 200
        assert response["Content-Type"].startswith("text/csv")
        assert 'attachment; filename="otop-fair-bangkok-stalls-' in response["Content-Disposition"]
        content = response.content.decode("utf-8-sig")
        rows = list(csv.reader(io.StringIO(content)))
        assert rows[0] == [
            "stall", "zone", "x", "y", "width", "depth", "features", "fee", "producer", "producer slug", "province",
            "application state", "fee state", "checked in",
        ]
        assert [row[0] for row in rows[1:]] == ["A-1", "A-2", "A-3", "A-4", "B-1", "B-2", "B-3", "B-4", "B-5", "B-6"]
        rice = assigned["B-2"].producer
        b2 = next(row for row in rows if row[0] == "B-2")
        assert b2[:13] == ["B-2", "B", "3.00", "10.00", "3.00", "3.00", "", "1200.00", "Mae Jo Rice", rice.slug, "Surin", "accepted", "invoiced"]
        assert re.fullmatch(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}", b2[13])
        a2 = next(row for row in rows if row[0] == "A-2")
        assert (a2[6], a2[8], a2[13]) == ("power", "Lamphun Lamps", "")
        b1 = next(row for row in rows if row[0] == "B-1")
        assert b1[6:] == ["corner", "1200.00", "", "", "", "", "", ""]

    def test_a_formula_in_a_producer_name_stays_text(self, organiser_client, organiser, event, layout, make_application):
        application = make_application(event, state=ACCEPTED, producer=ProducerFactory(name_en="=HYPERLINK(1)", name="=HYPERLINK(1)"))
        assign(event, organiser, application, layout["stalls"]["B-2"])

        content = organiser_client.get(url("organiser_stalls_csv", event)).content.decode("utf-8-sig")

        assert "'=HYPERLINK(1)" in content

    def test_the_signs_have_one_qr_code_per_assigned_stall_pointing_at_the_producer(self, organiser_client, event, assigned):
        response = organiser_client.get(url("organiser_signs", event))

        page = texts(response)
        assert page.count("<svg") == 2
        assert page.count('class="card sign"') == 2
        for assignment in assigned.values():
            producer_url = f"http://testserver/producers/{assignment.producer.slug}/"
            assert producer_url in page
            assert assignment.producer.name_en in page
        assert '<p class="sign__code">B-2</p>' in page
        assert "css/print.css" in page

    def test_the_signs_of_one_zone(self, organiser_client, event, assigned):
        page = texts(organiser_client.get(url("organiser_signs", event, "zone=A")))

        assert page.count("<svg") == 1 and "Lamphun Lamps" in page and "Mae Jo Rice" not in page

    def test_a_large_fair_prints_its_signs_in_batches(self, organiser_client, event, assigned, monkeypatch):
        monkeypatch.setattr("events.views.organiser.exports.SIGNS_PER_PAGE", 1)

        first = texts(organiser_client.get(url("organiser_signs", event)))
        second = texts(organiser_client.get(url("organiser_signs", event, "page=2")))

        assert first.count("<svg") == 1 and second.count("<svg") == 1
        assert '<p class="sign__code">A-2</p>' in first and '<p class="sign__code">B-2</p>' in second
        assert "page=2" in first

    def test_the_qr_code_encodes_the_producers_page(self, organiser_client, event, assigned):
        import segno

        producer_url = f"http://testserver/producers/{assigned['A-2'].producer.slug}/"
        expected = segno.make(producer_url, error="m").svg_inline(scale=4)

        assert expected in texts(organiser_client.get(url("organiser_signs", event)))

    def test_the_printable_plan_lists_zones_and_holders(self, organiser_client, event, assigned):
        page = texts(organiser_client.get(url("organiser_plan_print", event)))

        assert "Zone A · Silk hall" in page and "Zone B · Food hall" in page
        assert "Mae Jo Rice" in page and "Lamphun Lamps" in page
        assert page.count("<tr>") == 2 + 10


@pytest.mark.django_db
class TestTheDays:
    def test_checking_in_records_the_time_and_counts(self, organiser_client, event, assigned):
        lamps = assigned["A-2"]
        page = texts(organiser_client.get(url("organiser_check_in", event)))
        assert "1 of 2 exhibitors checked in." in page

        response = organiser_client.post(url("organiser_check_in", event), {"action": "check_in", "assignment": lamps.pk}, follow=True)

        lamps.refresh_from_db()
        assert lamps.checked_in_at is not None
        assert "Lamphun Lamps checked in at stall A-2." in texts(response)
        assert "2 of 2 exhibitors checked in." in texts(response)

    def test_the_fee_is_invoiced_then_paid(self, organiser_client, event, assigned):
        lamps = assigned["A-2"]

        organiser_client.post(url("organiser_check_in", event), {"action": "fee", "assignment": lamps.pk, "fee_state": "invoiced"})
        lamps.refresh_from_db()
        assert lamps.fee_state == "invoiced"
        response = organiser_client.post(url("organiser_check_in", event), {"action": "fee", "assignment": lamps.pk, "fee_state": "paid"}, follow=True)

        lamps.refresh_from_db()
        assert lamps.fee_state == "paid"
        assert "Fee of stall A-2: paid." in texts(response)

    def test_a_bad_fee_state_changes_nothing(self, organiser_client, event, assigned):
        lamps = assigned["A-2"]

        response = organiser_client.post(url("organiser_check_in", event), {"action": "fee", "assignment": lamps.pk, "fee_state": "bribed"}, follow=True)

        lamps.refresh_from_db()
        assert lamps.fee_state == "none"
        assert response.status_code == 200

    def test_the_search_finds_a_stall_by_code_or_name(self, organiser_client, event, assigned):
        by_name = organiser_client.get(url("organiser_check_in", event, "q=lamphun"))
        by_code = organiser_client.get(url("organiser_check_in", event, "q=B-2"))

        assert [a.stall.code for a in by_name.context["assignments"]] == ["A-2"]
        assert [a.stall.code for a in by_code.context["assignments"]] == ["B-2"]

    def test_the_check_in_post_keeps_the_search(self, organiser_client, event, assigned):
        response = organiser_client.post(url("organiser_check_in", event, "q=lamphun"), {"action": "check_in", "assignment": assigned["A-2"].pk})

        assert response["Location"] == url("organiser_check_in", event, "q=lamphun")


@pytest.mark.django_db
def test_the_pages_are_translated(organiser_client, event, layout):
    response = organiser_client.get(f"/th{url('organiser_plan', event)}")

    assert response.status_code == 200
    assert response.headers["Content-Language"] == "th"


@pytest.mark.django_db
def test_the_header_links_an_organiser_to_the_area(organiser_client, event):
    page = texts(organiser_client.get("/"))

    assert reverse("events:organiser_home") in page


@pytest.mark.django_db
def test_a_producer_member_cannot_reach_the_area_through_another_role(client, event, places):
    member = ProducerMembershipFactory(producer=ProducerFactory(), user=UserFactory(username="member"), role="manager").user
    log_in(client, member)

    assert client.get(url("organiser_applications", event)).status_code == 404
