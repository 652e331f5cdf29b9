"""Withdrawing an application: allowed before the fair, refused once the producer has checked in
(the service says so clearly and the page no longer offers the button), and only for the
producer's own applications."""

from datetime import timedelta

import pytest
from django.contrib.messages import get_messages
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from events import services
from events.models import StallApplication, StallAssignment
from tests.factories import ProducerFactory, ProducerMembershipFactory, log_in

State = StallApplication.State
CHECKED_IN = "Checked in at the fair already: this application can no longer be withdrawn, and its stall is kept."


def withdraw_url(application) -> str:
    return reverse("events:withdraw", args=[application.pk])


def messages_of(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


@pytest.fixture
def held(event, exhibitor, organiser, layout):
    """The exhibitor's accepted application, holding stall A-1 of an event ten days ahead."""
    application = StallApplication.objects.create(event=event, producer=exhibitor, state=State.ACCEPTED)
    services.stall_assign(application=application, stall=layout["stalls"]["A-1"], by=organiser)
    return application


@pytest.fixture
def checked_in(held, organiser):
    """Checked in on the set-up day, before the fair opens."""
    assignment = StallAssignment.objects.get(application=held)
    services.exhibitor_check_in(assignment=assignment, by=organiser)
    return held


def test_a_producer_withdraws_before_the_fair_and_gives_the_stall_back(exhibitor_client, held):
    page = exhibitor_client.get(reverse("events:my_applications")).content.decode()
    assert withdraw_url(held) in page

    response = exhibitor_client.post(withdraw_url(held))

    assert response.status_code == 302
    assert StallApplication.objects.get(pk=held.pk).state == State.WITHDRAWN
    assert not StallAssignment.objects.filter(application=held).exists()


def test_the_service_refuses_a_withdrawal_after_check_in_with_a_clear_message(checked_in, exhibitor):
    with pytest.raises(ValidationError) as caught:
        services.application_transition(application=checked_in, to_state=State.WITHDRAWN, by=exhibitor.manager)

    assert caught.value.messages == [CHECKED_IN]
    assert StallApplication.objects.get(pk=checked_in.pk).state == State.ACCEPTED
    assert StallAssignment.objects.get(application=checked_in).checked_in_at is not None


def test_organisers_cannot_move_a_checked_in_application_off_its_stall_either(checked_in, organiser):
    with pytest.raises(ValidationError, match="Checked in at the fair already"):
        services.application_transition(application=checked_in, to_state=State.WAITLISTED, by=organiser)

    assert StallAssignment.objects.filter(application=checked_in).exists()


def test_the_page_hides_the_button_after_check_in_and_a_forced_post_is_refused(exhibitor_client, checked_in):
    page = exhibitor_client.get(reverse("events:my_applications")).content.decode()
    assert withdraw_url(checked_in) not in page
    assert "Checked in" in page

    response = exhibitor_client.post(withdraw_url(checked_in))

    assert response.status_code == 302 and response.url == reverse("events:my_applications")
    assert messages_of(response) == [CHECKED_IN]
    assert StallApplication.objects.get(pk=checked_in.pk).state == State.ACCEPTED


def test_the_button_is_hidden_once_the_event_has_begun(exhibitor_client, held):
    held.event.starts_on = timezone.localdate()
    held.event.save(update_fields=["starts_on"])

    page = exhibitor_client.get(reverse("events:my_applications")).content.decode()

    assert withdraw_url(held) not in page


def test_a_submitted_application_is_withdrawn_without_a_stall(exhibitor_client, event, exhibitor):
    application = StallApplication.objects.create(event=event, producer=exhibitor)

    exhibitor_client.post(withdraw_url(application))

    assert StallApplication.objects.get(pk=application.pk).state == State.WITHDRAWN


def test_another_groups_application_is_a_404_and_stays(client, event, held):
    stranger = ProducerMembershipFactory(producer=ProducerFactory(), role="manager").user

    response = log_in(client, stranger).post(withdraw_url(held))

    assert response.status_code == 404
    assert StallApplication.objects.get(pk=held.pk).state == State.ACCEPTED


def test_a_visitor_is_asked_to_log_in(client, held):
    response = client.post(withdraw_url(held))

    assert response.status_code == 302 and "/accounts/login/" in response.url
    assert StallApplication.objects.get(pk=held.pk).state == State.ACCEPTED


def test_once_the_fair_has_begun_a_checked_in_producer_is_told_of_the_check_in(checked_in, exhibitor):
    checked_in.event.starts_on = timezone.localdate() - timedelta(days=1)
    checked_in.event.save(update_fields=["starts_on"])

    with pytest.raises(ValidationError) as caught:
        services.application_transition(application=checked_in, to_state=State.WITHDRAWN, by=exhibitor.manager)

    assert caught.value.messages == [CHECKED_IN]
