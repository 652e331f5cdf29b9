"""E-mails to exhibitors: an application accepted, waitlisted or rejected (with the organisers'
reason), a stall given, moved or taken back. Each goes to the group's contact address and its
managers' confirmed addresses, in each recipient's language, through the task queue (the tests
run tasks at once) with a delivery key, and only once the change commits."""

from decimal import Decimal

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.urls import reverse

from core.models import EmailDelivery
from events import services
from events.models import StallApplication, StallAssignment
from tests.events.conftest import EXHIBITOR_CONTACT, EXHIBITOR_MANAGER
from tests.factories import ProducerFactory

State = StallApplication.State


def by_recipient() -> dict[str, mail.EmailMessage]:
    messages = {}
    for message in mail.outbox:
        (address,) = message.to
        assert address not in messages, f"two e-mails to {address}"
        messages[address] = message
    return messages


def assert_sent_through_the_queue() -> None:
    """Every message was sent by the e-mail task, which recorded its delivery key."""
    deliveries = list(EmailDelivery.objects.values_list("key", "recipients"))
    assert len(deliveries) == len(mail.outbox)
    assert {recipients for _key, recipients in deliveries} == {message.to[0] for message in mail.outbox}
    assert all(key.startswith("events:") for key, _recipients in deliveries)


@pytest.fixture
def application(thai_event, exhibitor):
    return StallApplication.objects.create(event=thai_event, producer=exhibitor)


@pytest.fixture
def accepted(thai_event, exhibitor):
    return StallApplication.objects.create(event=thai_event, producer=exhibitor, state=State.ACCEPTED)


class TestDecisions:
    def test_an_acceptance_is_mailed_to_the_group_and_its_managers_each_in_their_language(
        self, application, organiser, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks(execute=True):
            services.application_transition(application=application, to_state=State.ACCEPTED, by=organiser)

        messages = by_recipient()
        assert set(messages) == {EXHIBITOR_CONTACT, EXHIBITOR_MANAGER}, "not the plain member, not the unconfirmed manager"
        english = messages[EXHIBITOR_MANAGER]
        assert english.subject == "Your application for OTOP Fair Bangkok is accepted"
        assert "State: Accepted" in english.body and "Tha Sawang Silk" in english.body
        assert reverse("events:my_applications") in english.body
        thai = messages[EXHIBITOR_CONTACT]
        assert "งานโอทอปกรุงเทพ" in thai.subject and "งานโอทอปกรุงเทพ" in thai.body  # the event's Thai name
        assert "ได้รับการอนุมัติ" in thai.body  # "accepted"
        assert "OTOP Fair Bangkok" not in thai.body
        assert_sent_through_the_queue()

    @pytest.mark.parametrize(
        ("to_state", "subject", "label"),
        [
            (State.REJECTED, "Your application for OTOP Fair Bangkok is not accepted", "Rejected"),
            (State.WAITLISTED, "Your application for OTOP Fair Bangkok is on the waiting list", "Waitlisted"),
        ],
    )
    def test_a_rejection_or_a_waiting_list_carries_the_reason(
        self, application, organiser, to_state, subject, label, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks(execute=True):
            services.application_transition(application=application, to_state=to_state, by=organiser, note="The food hall is full.")

        message = by_recipient()[EXHIBITOR_MANAGER]
        assert message.subject == subject
        assert f"State: {label}" in message.body
        assert "Reason: The food hall is full." in message.body
        assert "เหตุผล: The food hall is full." in by_recipient()[EXHIBITOR_CONTACT].body  # "Reason" in Thai

    def test_a_withdrawal_is_not_mailed(self, application, exhibitor, django_capture_on_commit_callbacks):
        with django_capture_on_commit_callbacks(execute=True):
            services.application_transition(application=application, to_state=State.WITHDRAWN, by=exhibitor.manager)

        assert mail.outbox == []

    def test_nothing_is_sent_before_the_commit_nor_after_a_rollback(self, application, organiser, django_capture_on_commit_callbacks):
        with django_capture_on_commit_callbacks(execute=False) as waiting:
            services.application_transition(application=application, to_state=State.ACCEPTED, by=organiser)
        assert waiting and mail.outbox == [], "queued for the commit, not sent yet"

        application.refresh_from_db()
        other = StallApplication.objects.create(event=application.event, producer=ProducerFactory(contact_email="x@example.com"))
        with django_capture_on_commit_callbacks(execute=True) as rolled_back, pytest.raises(RuntimeError):
            with transaction.atomic():
                services.application_transition(application=other, to_state=State.REJECTED, by=organiser)
                raise RuntimeError("something later failed")
        assert rolled_back == [] and mail.outbox == []
        assert StallApplication.objects.get(pk=other.pk).state == State.SUBMITTED

    def test_someone_who_does_not_organise_the_event_decides_nothing_and_sends_nothing(
        self, application, other_organiser, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks(execute=True), pytest.raises(PermissionDenied):
            services.application_transition(application=application, to_state=State.ACCEPTED, by=other_organiser)

        assert mail.outbox == [] and StallApplication.objects.get(pk=application.pk).state == State.SUBMITTED

    def test_the_same_decision_is_never_mailed_twice(self, application, organiser, django_capture_on_commit_callbacks):
        with django_capture_on_commit_callbacks(execute=False) as waiting:
            services.application_transition(application=application, to_state=State.ACCEPTED, by=organiser)
        for callback in waiting + waiting:  # a task run again (its worker died before it was marked done)
            callback()

        assert len(mail.outbox) == 2 and EmailDelivery.objects.count() == 2

    def test_the_organisers_reason_goes_with_a_bulk_decision_from_the_page(
        self, organiser_client, thai_event, application, make_application, sending
    ):
        second = make_application(thai_event, contact_email="second@example.com", own_language="en", name_en="Second Group")
        url = reverse("events:organiser_applications", args=[thai_event.slug])

        response = sending.post(
            organiser_client, url, {"applications": [application.pk, second.pk], "to_state": State.REJECTED, "note": "Too many food stalls."}
        )

        assert response.status_code == 302
        messages = by_recipient()
        assert set(messages) == {EXHIBITOR_CONTACT, EXHIBITOR_MANAGER, "second@example.com"}
        assert "Reason: Too many food stalls." in messages["second@example.com"].body
        assert StallApplication.objects.get(pk=application.pk).state_changes.last().note == "Too many food stalls."

    def test_a_bulk_decision_with_an_overlong_reason_is_refused_and_sends_nothing(
        self, organiser_client, thai_event, application, sending
    ):
        url = reverse("events:organiser_applications", args=[thai_event.slug])

        response = sending.post(organiser_client, url, {"applications": [application.pk], "to_state": State.REJECTED, "note": "x" * 501}, follow=True)

        assert "at most 500 characters" in response.content.decode()
        assert StallApplication.objects.get(pk=application.pk).state == State.SUBMITTED and mail.outbox == []


class TestStalls:
    def test_a_stall_given_is_mailed_with_its_size_features_and_fee(self, accepted, organiser, layout, django_capture_on_commit_callbacks):
        stall = layout["stalls"]["B-1"]  # a corner, 1,200 baht

        with django_capture_on_commit_callbacks(execute=True):
            services.stall_assign(application=accepted, stall=stall, by=organiser)

        messages = by_recipient()
        assert set(messages) == {EXHIBITOR_CONTACT, EXHIBITOR_MANAGER}
        english = messages[EXHIBITOR_MANAGER]
        assert english.subject == "OTOP Fair Bangkok: your stall is B-1"
        assert "Stall: B-1 · Zone B · Food hall" in english.body
        assert "Size: 3 × 3 m · corner" in english.body
        assert "Fee: ฿1,200 (not invoiced)" in english.body
        thai = messages[EXHIBITOR_CONTACT].body
        assert "บูธ: B-1" in thai and "ยังไม่ออกใบแจ้งหนี้" in thai and "งานโอทอปกรุงเทพ" in thai
        assert_sent_through_the_queue()

    def test_the_map_link_goes_with_the_stall(self, accepted, organiser, layout, django_capture_on_commit_callbacks):
        accepted.event.map_url = "https://www.openstreetmap.org/?mlat=13.91&mlon=100.54"
        accepted.event.save(update_fields=["map_url"])

        with django_capture_on_commit_callbacks(execute=True):
            services.stall_assign(application=accepted, stall=layout["stalls"]["A-2"], by=organiser)

        assert "Map of the venue: https://www.openstreetmap.org/?mlat=13.91&mlon=100.54" in by_recipient()[EXHIBITOR_MANAGER].body

    def test_a_swap_tells_both_producers_where_they_moved(
        self, accepted, organiser, layout, make_application, django_capture_on_commit_callbacks
    ):
        other = make_application(accepted.event, state=State.ACCEPTED, contact_email="other@example.com", own_language="en")
        services.stall_assign(application=accepted, stall=layout["stalls"]["A-1"], by=organiser)
        services.stall_assign(application=other, stall=layout["stalls"]["A-2"], by=organiser)

        with django_capture_on_commit_callbacks(execute=True):
            services.stalls_swap(event=accepted.event, first=layout["stalls"]["A-1"], second=layout["stalls"]["A-2"], by=organiser)

        messages = by_recipient()
        assert messages[EXHIBITOR_MANAGER].subject == "OTOP Fair Bangkok: your stall is now A-2"
        assert "The organisers moved you from stall A-1 to stall A-2." in messages[EXHIBITOR_MANAGER].body
        assert "The organisers moved you from stall A-2 to stall A-1." in messages["other@example.com"].body

    def test_an_accepted_proposal_tells_each_new_holder(self, accepted, organiser, make_application, layout, django_capture_on_commit_callbacks):
        make_application(accepted.event, state=State.ACCEPTED, contact_email="third@example.com", own_language="en")
        proposal = services.assignment_propose(event=accepted.event, by=organiser)

        with django_capture_on_commit_callbacks(execute=True):
            services.proposal_accept(proposal=proposal, by=organiser)

        messages = by_recipient()
        assert set(messages) == {EXHIBITOR_CONTACT, EXHIBITOR_MANAGER, "third@example.com"}
        held = StallAssignment.objects.get(application=accepted).stall.code
        assert messages[EXHIBITOR_MANAGER].subject == f"OTOP Fair Bangkok: your stall is {held}"

    def test_a_stall_taken_back_is_mailed(self, accepted, organiser, layout, django_capture_on_commit_callbacks):
        assignment = services.stall_assign(application=accepted, stall=layout["stalls"]["A-3"], by=organiser)

        with django_capture_on_commit_callbacks(execute=True):
            services.stall_unassign(assignment=assignment, by=organiser)

        message = by_recipient()[EXHIBITOR_MANAGER]
        assert message.subject == "OTOP Fair Bangkok: stall A-3 is no longer yours"
        assert "they will give you another stall" in message.body

    def test_a_held_stall_whose_fee_or_code_changes_is_mailed(self, accepted, organiser, layout, django_capture_on_commit_callbacks):
        stall = layout["stalls"]["B-2"]
        services.stall_assign(application=accepted, stall=stall, by=organiser)

        with django_capture_on_commit_callbacks(execute=True):
            services.stall_update(stall=stall, by=organiser, fee=Decimal("1350"))
        with django_capture_on_commit_callbacks(execute=True):
            services.stall_update(stall=stall, by=organiser, code="B-2a")

        fee_change, rename = [m for m in mail.outbox if m.to == [EXHIBITOR_MANAGER]]
        assert fee_change.subject == "OTOP Fair Bangkok: your stall B-2 has changed"
        assert "The organisers changed your stall; here are its details now." in fee_change.body
        assert "Fee: ฿1,350 (not invoiced)" in fee_change.body
        assert rename.subject == "OTOP Fair Bangkok: your stall B-2a has changed"
        assert "The organisers renamed your stall B-2 to B-2a; here are its details now." in rename.body

    def test_moving_a_held_stall_on_the_plan_or_a_free_stalls_change_mails_nobody(
        self, accepted, organiser, layout, django_capture_on_commit_callbacks
    ):
        stall = layout["stalls"]["B-2"]
        services.stall_assign(application=accepted, stall=stall, by=organiser)

        with django_capture_on_commit_callbacks(execute=True):
            services.stall_update(stall=stall, by=organiser, x=Decimal("40"))
            services.stall_update(stall=layout["stalls"]["B-3"], by=organiser, fee=Decimal("10"))

        assert mail.outbox == []

    def test_a_refused_assignment_sends_nothing(self, accepted, organiser, layout, django_capture_on_commit_callbacks):
        accepted.needs_power = True
        accepted.save(update_fields=["needs_power"])

        with django_capture_on_commit_callbacks(execute=True), pytest.raises(Exception, match="lacks something"):
            services.stall_assign(application=accepted, stall=layout["stalls"]["A-1"], by=organiser)  # A-1 has no power

        assert mail.outbox == [] and not StallAssignment.objects.exists()

    def test_assigning_on_the_plan_page_mails_once(self, organiser_client, accepted, layout, sending):
        response = sending.post(
            organiser_client, reverse("events:organiser_plan", args=[accepted.event.slug]),
            {"mode": "assign", "application": accepted.pk, "stall": layout["stalls"]["B-2"].pk},
        )

        assert response.status_code == 302
        assert sorted(by_recipient()) == sorted([EXHIBITOR_CONTACT, EXHIBITOR_MANAGER])
        assert by_recipient()[EXHIBITOR_MANAGER].subject == "OTOP Fair Bangkok: your stall is B-2"


def test_a_producer_without_a_contact_address_or_confirmed_manager_is_mailed_nothing(
    event, organiser, make_application, django_capture_on_commit_callbacks
):
    quiet = make_application(event, contact_email="")

    with django_capture_on_commit_callbacks(execute=True):
        services.application_transition(application=quiet, to_state=State.ACCEPTED, by=organiser)

    assert mail.outbox == [] and StallApplication.objects.get(pk=quiet.pk).state == State.ACCEPTED


def test_a_japanese_manager_reads_japanese(thai_event, exhibitor, organiser, layout, django_capture_on_commit_callbacks):
    thai_event.name_ja = "バンコクOTOPフェア"
    thai_event.save(update_fields=["name_ja"])
    exhibitor.manager.language = "ja"
    exhibitor.manager.save(update_fields=["language"])
    application = StallApplication.objects.create(event=thai_event, producer=exhibitor, state=State.ACCEPTED)

    with django_capture_on_commit_callbacks(execute=True):
        services.stall_assign(application=application, stall=layout["stalls"]["B-3"], by=organiser)

    japanese = by_recipient()[EXHIBITOR_MANAGER]
    assert "バンコクOTOPフェア" in japanese.subject and "OTOP Fair Bangkok" not in japanese.body
    assert Decimal("1200") == layout["stalls"]["B-3"].fee

