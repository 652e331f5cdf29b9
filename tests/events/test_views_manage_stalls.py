"""Editing and deleting one stall in the organiser's area (/organiser/<slug>/stalls/<pk>/), finding a
stall by its code from the layout page, and the services stall_update and stall_delete."""

from decimal import Decimal

import pytest
from django.contrib.messages import get_messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import translation

from events import services
from events.models import AssignmentProposal, Event, Stall, StallApplication, StallAssignment
from tests.factories import log_in

ACCEPTED = StallApplication.State.ACCEPTED
STALL_FORM_FIELDS = ("code", "zone", "x", "y", "width", "depth", "fee", "has_power", "is_corner", "is_double")


@pytest.fixture(autouse=True)
def in_english():
    """Addresses reversed here are the English ones, whatever language an earlier test left active."""
    with translation.override("en"):
        yield




def stall_url(event: Event, stall: Stall) -> str:
    return reverse("events:organiser_stall", args=[event.slug, stall.pk])


def find_url(event: Event, code: str | None = None) -> str:
    address = reverse("events:organiser_stall_find", args=[event.slug])
    return address if code is None else f"{address}?code={code}"


def layout_url(event: Event) -> str:
    return reverse("events:organiser_layout", args=[event.slug])


def form_data(stall: Stall, **changes) -> dict:
    """What the stall's form posts for it as it is, with `changes`; a False box is left out."""
    data = {"action": "save"}
    for name in STALL_FORM_FIELDS:
        value = changes.get(name, getattr(stall, "zone_id" if name == "zone" else name))
        if value is True:
            data[name] = "on"
        elif value is not False and value is not None:
            data[name] = str(value)
    return data


def message_texts(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def snapshot(stall: Stall) -> dict:
    stall = Stall.objects.get(pk=stall.pk)
    return {name: getattr(stall, "zone_id" if name == "zone" else name) for name in STALL_FORM_FIELDS}


def hold(event, organiser, make_application, stall, **needs) -> StallAssignment:
    """An accepted application with `needs`, given `stall` by hand."""
    application = make_application(event, state=ACCEPTED, **needs)
    return services.stall_assign(application=application, stall=stall, by=organiser)


def check_deferred_constraints():
    """The composite foreign keys are checked at commit; a test's transaction never commits, so
    ask PostgreSQL to check them now."""
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")


# --- The page and each field ---------------------------------------------------------------------


@pytest.mark.django_db
class TestEditing:
    def test_the_page_shows_the_stall_its_form_and_the_delete_button(self, organiser_client, event, layout):
        stall = layout["stalls"]["A-2"]

        response = organiser_client.get(stall_url(event, stall))

        body = response.content.decode()
        assert response.status_code == 200
        assert "Stall A-2" in body and 'value="A-2"' in body
        assert response.context["form"]["has_power"].value() is True
        assert "Delete stall A-2" in body and 'name="confirm"' in body
        # The zone may only be one of the event's.
        assert set(response.context["form"].fields["zone"].queryset) == {layout["A"], layout["B"]}

    @pytest.mark.parametrize(
        ("field", "value", "expected"),
        [
            ("code", "A-99", "A-99"),
            ("code", "  A-77  ", "A-77"),
            ("x", "12.5", Decimal("12.50")),
            ("y", "40", Decimal("40.00")),
            ("width", "4.5", Decimal("4.50")),
            ("depth", "2", Decimal("2.00")),
            ("fee", "2750.25", Decimal("2750.25")),
            ("has_power", True, True),
            ("is_corner", True, True),
            ("is_double", True, True),
        ],
    )
    def test_each_field_is_saved_and_the_organiser_goes_back_to_the_layout(self, organiser_client, event, layout, field, value, expected):
        stall = layout["stalls"]["A-1"]
        before = snapshot(stall)

        response = organiser_client.post(stall_url(event, stall), form_data(stall, **{field: value}))

        assert response.status_code == 302 and response["Location"] == layout_url(event)
        after = snapshot(stall)
        assert after[field] == expected
        assert {k: v for k, v in after.items() if k != field} == {k: v for k, v in before.items() if k != field}
        assert message_texts(response) == [f"Stall {after['code']} saved."]

    def test_the_zone_moves_to_another_zone_of_the_event(self, organiser_client, event, layout):
        stall = layout["stalls"]["A-1"]

        organiser_client.post(stall_url(event, stall), form_data(stall, zone=layout["B"].pk))

        assert Stall.objects.get(pk=stall.pk).zone == layout["B"]

    def test_a_feature_is_taken_away_by_unticking_it(self, organiser_client, event, layout):
        stall = layout["stalls"]["A-2"]  # power at every 2nd stall of zone A
        assert stall.has_power

        organiser_client.post(stall_url(event, stall), form_data(stall, has_power=False))

        assert Stall.objects.get(pk=stall.pk).has_power is False

    def test_a_code_another_stall_has_is_a_form_error_and_nothing_changes(self, organiser_client, event, layout):
        stall = layout["stalls"]["A-1"]
        before = snapshot(stall)

        response = organiser_client.post(stall_url(event, stall), form_data(stall, code="B-3", fee="99"))

        assert response.status_code == 200
        assert "This event has a stall B-3 already." in response.content.decode()
        assert response.context["form"].errors["code"] == ["This event has a stall B-3 already."]
        assert snapshot(stall) == before
        # The heading keeps the saved code while the form shows the one typed.
        assert "<h1>Stall A-1</h1>" in response.content.decode()

    def test_the_same_code_at_another_event_is_no_clash(self, organiser_client, organiser, event, layout, other_event, other_organiser):
        zone = services.zone_save(event=other_event, by=other_organiser, code="Z", name="Other hall")
        services.stall_grid_create(event=other_event, by=other_organiser, zone=zone, rows=1, columns=1)
        stall = layout["stalls"]["A-1"]

        response = organiser_client.post(stall_url(event, stall), form_data(stall, code="Z-1"))

        assert response.status_code == 302
        assert Stall.objects.get(pk=stall.pk).code == "Z-1"

    def test_a_zone_of_another_event_is_an_invalid_choice(self, organiser_client, event, layout, other_event, other_organiser):
        foreign = services.zone_save(event=other_event, by=other_organiser, code="Z", name="Other hall")
        stall = layout["stalls"]["A-1"]
        before = snapshot(stall)

        response = organiser_client.post(stall_url(event, stall), form_data(stall, zone=foreign.pk))

        assert response.status_code == 200
        assert "zone" in response.context["form"].errors
        assert snapshot(stall) == before

    def test_an_unknown_action_is_a_message(self, organiser_client, event, layout):
        stall = layout["stalls"]["A-1"]

        response = organiser_client.post(stall_url(event, stall), {"action": "explode"})

        assert response.status_code == 302 and response["Location"] == stall_url(event, stall)
        assert message_texts(response) == ["Unknown action."]
        assert Stall.objects.filter(pk=stall.pk).exists()

    def test_the_page_answers_in_thai_and_japanese(self, organiser_client, event, layout):
        stall = layout["stalls"]["A-1"]
        for language in ("th", "ja"):
            with translation.override(language):
                address = stall_url(event, stall)
            assert address.startswith(f"/{language}/")
            assert organiser_client.get(address).status_code == 200


# --- Bad input ---------------------------------------------------------------------------------------


BAD_INPUT = [
    ("x", "abc"),
    ("x", "-1"),
    ("x", "NaN"),
    ("x", "Infinity"),
    ("y", "1e400"),
    ("y", "99999999999999999999"),
    ("width", "-3"),
    ("width", "0"),
    ("width", "100000"),
    ("depth", "0.1"),
    ("depth", "'; DROP TABLE events_stall; --"),
    ("fee", "-5"),
    ("fee", "123456789012345"),
    ("fee", "1.234"),
    ("code", ""),
    ("code", "   "),
    ("code", "B-" + "9" * 40),
    ("zone", "abc"),
    ("zone", "99999999999999999999999"),
    ("zone", ""),
]


@pytest.mark.django_db
class TestBadInput:
    @pytest.mark.parametrize(("field", "value"), BAD_INPUT)
    def test_bad_input_is_a_form_error_and_nothing_changes(self, organiser_client, event, layout, field, value):
        stall = layout["stalls"]["A-1"]
        before = snapshot(stall)

        response = organiser_client.post(stall_url(event, stall), form_data(stall, **{field: value}))

        assert response.status_code == 200
        assert field in response.context["form"].errors
        assert snapshot(stall) == before

    def test_missing_fields_are_form_errors(self, organiser_client, event, layout):
        stall = layout["stalls"]["A-1"]
        before = snapshot(stall)

        response = organiser_client.post(stall_url(event, stall), {"action": "save"})

        assert response.status_code == 200
        assert {"code", "zone", "x", "y", "width", "depth", "fee"} <= set(response.context["form"].errors)
        assert snapshot(stall) == before

    @pytest.mark.parametrize("pk", ["0", "99999999999999999999999"])
    def test_a_stall_that_does_not_exist_is_a_404(self, organiser_client, event, layout, pk):
        address = reverse("events:organiser_stall", args=[event.slug, 1]).replace("/1/", f"/{pk}/")

        assert organiser_client.get(address).status_code == 404
        assert organiser_client.post(address, {"action": "delete", "confirm": "1"}).status_code == 404


# --- Holders, needs and proposals -------------------------------------------------------------------


@pytest.mark.django_db
class TestHeldStalls:
    def test_a_held_stall_cannot_lose_the_power_its_producer_needs(self, organiser_client, organiser, event, layout, make_application):
        stall = layout["stalls"]["A-2"]
        hold(event, organiser, make_application, stall, power=True, name_en="Ban Chiang Pottery")
        before = snapshot(stall)

        response = organiser_client.post(stall_url(event, stall), form_data(stall, has_power=False))

        assert response.status_code == 200
        body = response.content.decode()
        assert "Stall A-2 is held by Ban Chiang Pottery, who needs power: move them to another stall first." in body
        assert snapshot(stall) == before

    def test_a_held_stall_cannot_lose_the_corner_its_producer_needs(self, organiser, event, layout, make_application):
        stall = layout["stalls"]["B-1"]  # a corner
        hold(event, organiser, make_application, stall, corner=True)

        with pytest.raises(ValidationError, match="needs a corner"):
            services.stall_update(stall=stall, by=organiser, is_corner=False)

        assert Stall.objects.get(pk=stall.pk).is_corner

    def test_a_held_stall_may_change_what_its_producer_does_not_need(self, organiser_client, organiser, event, layout, make_application):
        stall = layout["stalls"]["A-2"]
        assignment = hold(event, organiser, make_application, stall, power=True)

        response = organiser_client.post(
            stall_url(event, stall), form_data(stall, code="B-42", zone=layout["B"].pk, x="30", width="6", is_double=True)
        )

        assert response.status_code == 302
        check_deferred_constraints()
        stall = Stall.objects.get(pk=stall.pk)
        assert (stall.code, stall.zone, stall.x, stall.width, stall.has_power, stall.is_double) == (
            "B-42", layout["B"], Decimal("30.00"), Decimal("6.00"), True, True
        )
        # The producer keeps the stall, whose event the database still finds the same.
        assignment = StallAssignment.objects.get(pk=assignment.pk)
        assert assignment.stall_id == stall.pk and assignment.event_id == stall.event_id == stall.zone.event_id

    def test_a_held_stall_cannot_be_deleted(self, organiser_client, organiser, event, layout, make_application):
        stall = layout["stalls"]["A-1"]
        assignment = hold(event, organiser, make_application, stall, name_en="Khon Kaen Silk Group")

        response = organiser_client.post(stall_url(event, stall), {"action": "delete", "confirm": "1"})

        assert response.status_code == 302 and response["Location"] == stall_url(event, stall)
        assert message_texts(response) == ["Stall A-1 is held by Khon Kaen Silk Group: free it on the floor plan before deleting it."]
        assert Stall.objects.filter(pk=stall.pk).exists()
        assert StallAssignment.objects.filter(pk=assignment.pk).exists()

    def test_the_page_of_a_held_stall_says_who_holds_it_instead_of_offering_to_delete(
        self, organiser_client, organiser, event, layout, make_application
    ):
        stall = layout["stalls"]["A-1"]
        hold(event, organiser, make_application, stall, name_en="Khon Kaen Silk Group")

        body = organiser_client.get(stall_url(event, stall)).content.decode()

        assert "Held by Khon Kaen Silk Group." in body
        assert 'name="confirm"' not in body

    def test_a_free_stall_is_deleted_once_confirmed(self, organiser_client, event, layout):
        stall = layout["stalls"]["A-3"]

        response = organiser_client.post(stall_url(event, stall), {"action": "delete", "confirm": "1"})

        assert response.status_code == 302 and response["Location"] == layout_url(event)
        assert message_texts(response) == ["Stall A-3 deleted."]
        assert not Stall.objects.filter(pk=stall.pk).exists()
        assert Stall.objects.filter(event=event).count() == 9

    def test_deleting_asks_for_the_confirmation(self, organiser_client, event, layout):
        stall = layout["stalls"]["A-3"]

        response = organiser_client.post(stall_url(event, stall), {"action": "delete"})

        assert response.status_code == 302 and response["Location"] == stall_url(event, stall)
        assert message_texts(response) == ["Tick the box to confirm that stall A-3 is to be deleted."]
        assert Stall.objects.filter(pk=stall.pk).exists()

    def test_a_stall_in_a_proposal_under_review_cannot_be_deleted(self, organiser_client, organiser, event, layout, make_application):
        make_application(event, state=ACCEPTED)
        proposal = services.assignment_propose(event=event, by=organiser)
        (_application_id, stall_id), = proposal.pairs
        stall = Stall.objects.get(pk=stall_id)

        response = organiser_client.post(stall_url(event, stall), {"action": "delete", "confirm": "1"})

        assert message_texts(response) == [
            f"Stall {stall.code} is part of the automatic proposal under review: accept or discard the proposal before deleting it."
        ]
        assert Stall.objects.filter(pk=stall.pk).exists()
        # …and the proposal is still whole: accepting it assigns the stall.
        assert services.proposal_accept(proposal=AssignmentProposal.objects.get(pk=proposal.pk), by=organiser) == 1
        check_deferred_constraints()

    def test_a_proposed_stall_cannot_lose_what_its_proposed_producer_needs(self, organiser, event, layout, make_application):
        make_application(event, state=ACCEPTED, power=True, name_en="Lampang Ceramics")
        proposal = services.assignment_propose(event=event, by=organiser)
        (_application_id, stall_id), = proposal.pairs
        stall = Stall.objects.get(pk=stall_id)
        assert stall.has_power

        with pytest.raises(ValidationError, match="gives stall .* to Lampang Ceramics, who needs power: discard the proposal first"):
            services.stall_update(stall=stall, by=organiser, has_power=False)

        assert Stall.objects.get(pk=stall.pk).has_power
        # What the proposal's producer does not need may change.
        services.stall_update(stall=stall, by=organiser, fee=Decimal("1800"))
        assert Stall.objects.get(pk=stall.pk).fee == Decimal("1800")


# --- The services on their own -------------------------------------------------------------------


@pytest.mark.django_db
class TestServices:
    def test_stall_update_returns_the_saved_stall(self, organiser, layout):
        stall = services.stall_update(stall=layout["stalls"]["A-1"], by=organiser, code="A-100", x=Decimal("1.5"))

        assert (stall.code, stall.x) == ("A-100", Decimal("1.5"))
        assert Stall.objects.get(pk=stall.pk).code == "A-100"

    def test_stall_update_refuses_a_duplicate_code_with_a_field_error(self, organiser, layout):
        with pytest.raises(ValidationError) as caught:
            services.stall_update(stall=layout["stalls"]["A-1"], by=organiser, code="A-2")

        assert caught.value.message_dict == {"code": ["This event has a stall A-2 already."]}

    def test_stall_update_refuses_a_zone_of_another_event(self, organiser, layout, other_event, other_organiser):
        foreign = services.zone_save(event=other_event, by=other_organiser, code="Z", name="Other hall")

        with pytest.raises(ValidationError) as caught:
            services.stall_update(stall=layout["stalls"]["A-1"], by=organiser, zone=foreign)

        assert caught.value.message_dict == {"zone": ["Choose a zone of this event."]}
        assert Stall.objects.get(pk=layout["stalls"]["A-1"].pk).zone == layout["A"]

    @pytest.mark.parametrize(
        ("fields", "field"),
        [
            ({"width": Decimal(0)}, "width"),
            ({"depth": Decimal("-1")}, "depth"),
            ({"x": Decimal("-0.5")}, "x"),
            ({"fee": Decimal("-1")}, "fee"),
            ({"x": Decimal("123456789")}, "x"),
            ({"code": ""}, "code"),
            ({"width": "wide"}, "width"),
        ],
    )
    def test_stall_update_refuses_bad_values_with_field_errors(self, organiser, layout, fields, field):
        stall = layout["stalls"]["A-1"]
        before = snapshot(stall)

        with pytest.raises(ValidationError) as caught:
            services.stall_update(stall=stall, by=organiser, **fields)

        assert field in caught.value.message_dict
        assert snapshot(stall) == before

    def test_stall_update_may_not_move_a_stall_to_another_event(self, organiser, layout, other_event):
        with pytest.raises(TypeError):
            services.stall_update(stall=layout["stalls"]["A-1"], by=organiser, event=other_event)

    def test_only_organisers_of_the_event_update_or_delete_its_stalls(self, layout, other_organiser):
        stall = layout["stalls"]["A-1"]

        with pytest.raises(PermissionDenied):
            services.stall_update(stall=stall, by=other_organiser, code="Mine")
        with pytest.raises(PermissionDenied):
            services.stall_delete(stall=stall, by=other_organiser)

        assert Stall.objects.get(pk=stall.pk).code == "A-1"

    def test_stall_delete_of_a_stall_deleted_meanwhile_says_so(self, organiser, layout):
        stall = layout["stalls"]["A-1"]
        Stall.objects.filter(pk=stall.pk).delete()

        with pytest.raises(ValidationError, match="no longer exists"):
            services.stall_delete(stall=stall, by=organiser)

    def test_both_renew_the_plan_once_committed(self, organiser, event, layout, django_capture_on_commit_callbacks, page_cache):
        from events.cache import plan_version

        first = plan_version(event.pk)
        with django_capture_on_commit_callbacks(execute=True):
            services.stall_update(stall=layout["stalls"]["A-1"], by=organiser, fee=Decimal("10"))
        second = plan_version(event.pk)
        with django_capture_on_commit_callbacks(execute=True):
            services.stall_delete(stall=layout["stalls"]["A-3"], by=organiser)

        assert len({first, second, plan_version(event.pk)}) == 3

    def test_a_refused_change_leaves_the_plan_alone(self, organiser, event, layout, django_capture_on_commit_callbacks, page_cache):
        from events.cache import plan_version

        before = plan_version(event.pk)
        with django_capture_on_commit_callbacks(execute=True), pytest.raises(ValidationError):
            services.stall_update(stall=layout["stalls"]["A-1"], by=organiser, code="A-2")

        assert plan_version(event.pk) == before


# --- Who may edit --------------------------------------------------------------------------------


@pytest.mark.django_db
class TestPermissions:
    def test_a_visitor_is_asked_to_log_in(self, client, event, layout):
        stall = layout["stalls"]["A-1"]

        for response in (
            client.get(stall_url(event, stall)),
            client.post(stall_url(event, stall), {"action": "delete", "confirm": "1"}),
            client.get(find_url(event, "A-1")),
        ):
            assert response.status_code == 302
            assert response["Location"].startswith(reverse("accounts:login"))
        assert Stall.objects.filter(pk=stall.pk).exists()

    def test_a_producer_who_organises_nothing_gets_404(self, client, producer_user, event, layout):
        stall = layout["stalls"]["A-1"]
        log_in(client, producer_user)

        assert client.get(stall_url(event, stall)).status_code == 404
        assert client.post(stall_url(event, stall), form_data(stall, code="Taken")).status_code == 404
        assert client.post(stall_url(event, stall), {"action": "delete", "confirm": "1"}).status_code == 404
        assert client.get(find_url(event, "A-1")).status_code == 404
        assert snapshot(stall)["code"] == "A-1"

    def test_an_organiser_of_another_event_cannot_touch_its_stalls(self, client, event, layout, other_organiser):
        stall = layout["stalls"]["A-1"]
        log_in(client, other_organiser)

        assert client.get(stall_url(event, stall)).status_code == 404
        assert client.post(stall_url(event, stall), form_data(stall, code="Taken", fee="0")).status_code == 404
        assert client.post(stall_url(event, stall), {"action": "delete", "confirm": "1"}).status_code == 404
        assert client.get(find_url(event, "A-1")).status_code == 404
        assert snapshot(stall)["code"] == "A-1" and snapshot(stall)["fee"] == Decimal("1500.00")

    def test_a_stall_of_another_event_is_404_under_ones_own_events_address(
        self, client, organiser, event, layout, other_event, other_organiser
    ):
        zone = services.zone_save(event=other_event, by=other_organiser, code="Z", name="Other hall")
        (foreign,) = services.stall_grid_create(event=other_event, by=other_organiser, zone=zone, rows=1, columns=1)
        log_in(client, organiser)
        address = reverse("events:organiser_stall", args=[event.slug, foreign.pk])

        assert client.get(address).status_code == 404
        assert client.post(address, form_data(foreign, code="Taken", zone=layout["A"].pk)).status_code == 404
        assert client.post(address, {"action": "delete", "confirm": "1"}).status_code == 404
        foreign.refresh_from_db()
        assert (foreign.code, foreign.zone_id, foreign.event_id) == ("Z-1", zone.pk, other_event.pk)

    def test_staff_edit_the_stalls_of_every_event(self, client, staff_user, event, layout):
        stall = layout["stalls"]["A-1"]
        log_in(client, staff_user)

        response = client.post(stall_url(event, stall), form_data(stall, fee="0"))

        assert response.status_code == 302 and snapshot(stall)["fee"] == Decimal("0.00")

    def test_the_forms_post_with_a_csrf_token(self, organiser, event, layout):
        stall = layout["stalls"]["A-1"]
        client = log_in(Client(enforce_csrf_checks=True), organiser)

        assert client.post(stall_url(event, stall), {"action": "delete", "confirm": "1"}).status_code == 403
        assert 'name="csrfmiddlewaretoken"' in client.get(stall_url(event, stall)).content.decode()
        assert Stall.objects.filter(pk=stall.pk).exists()


# --- Finding a stall by its code ---------------------------------------------------------------------


@pytest.mark.django_db
class TestFindByCode:
    def test_the_layout_page_has_the_find_form(self, organiser_client, event, layout):
        body = organiser_client.get(layout_url(event)).content.decode()

        assert f'action="{find_url(event)}"' in body and 'name="code"' in body
        assert "Edit a stall by its code" in body

    @pytest.mark.parametrize("typed", ["B-4", "b-4", " B-4 "])
    def test_a_code_leads_to_the_stalls_page(self, organiser_client, event, layout, typed):
        response = organiser_client.get(find_url(event), {"code": typed})

        assert response.status_code == 302
        assert response["Location"] == stall_url(event, layout["stalls"]["B-4"])

    @pytest.mark.parametrize("typed", ["B-99", "Z-1", "x" * 200, "<script>alert(1)</script>"])
    def test_an_unknown_code_goes_back_with_a_message(self, organiser_client, event, layout, other_event, other_organiser, typed):
        zone = services.zone_save(event=other_event, by=other_organiser, code="Z", name="Other hall")
        services.stall_grid_create(event=other_event, by=other_organiser, zone=zone, rows=1, columns=1)

        response = organiser_client.get(find_url(event), {"code": typed})

        assert response.status_code == 302 and response["Location"] == layout_url(event) + "#stall-find"
        assert len(message_texts(response)) == 1
        followed = organiser_client.get(layout_url(event))
        assert followed.status_code == 200

    def test_a_nul_byte_is_a_bad_request_not_a_fault(self, organiser_client, event, layout):
        # The site's middleware answers 400 to any NUL in the parameters (PostgreSQL refuses them).
        assert organiser_client.get(find_url(event), {"code": "B-\x00"}).status_code == 400

    def test_the_message_names_the_code_typed(self, organiser_client, event, layout):
        response = organiser_client.get(find_url(event), {"code": "B-99"})

        assert message_texts(response) == ["This event has no stall B-99."]

    def test_no_code_goes_back_with_a_message(self, organiser_client, event, layout):
        response = organiser_client.get(find_url(event))

        assert response.status_code == 302
        assert message_texts(response) == ["Type the code of a stall, such as B-12."]

    def test_codes_that_differ_only_in_case_are_found_exactly_or_not_at_all(self, organiser, organiser_client, event, layout):
        services.stall_update(stall=layout["stalls"]["A-1"], by=organiser, code="ab-1")
        services.stall_update(stall=layout["stalls"]["A-2"], by=organiser, code="AB-1")

        assert organiser_client.get(find_url(event), {"code": "ab-1"})["Location"] == stall_url(event, layout["stalls"]["A-1"])
        assert organiser_client.get(find_url(event), {"code": "AB-1"})["Location"] == stall_url(event, layout["stalls"]["A-2"])
        # Typed otherwise, either could be meant: the organiser is told, not sent to one of them.
        response = organiser_client.get(find_url(event), {"code": "Ab-1"})
        assert response["Location"] == layout_url(event) + "#stall-find"
        assert message_texts(response) == ["This event has no stall Ab-1."]


# --- The public floor plan -------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_cached_public_plan_renews_after_an_edit(
    client, organiser, event, layout, make_application, page_cache, django_capture_on_commit_callbacks
):
    stall = layout["stalls"]["A-1"]
    hold(event, organiser, make_application, stall, name_en="Cached Silk Group")
    Event.objects.filter(pk=event.pk).update(status=Event.Status.PUBLISHED)
    public_url = reverse("events:event_detail", args=[event.slug])
    visitor = Client()
    assert ">A-1</text>" in visitor.get(public_url).content.decode()
    # A change that bypasses the services is not seen: the page really comes from the cache.
    Stall.objects.filter(pk=stall.pk).update(code="A-55")
    assert ">A-55</text>" not in visitor.get(public_url).content.decode()

    log_in(client, organiser)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(stall_url(event, stall), form_data(Stall.objects.get(pk=stall.pk), code="A-101"))
    assert response.status_code == 302

    body = visitor.get(public_url).content.decode()
    assert ">A-101</text>" in body and ">A-1</text>" not in body
