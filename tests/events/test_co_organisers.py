"""Co-organisers: an organiser invites an e-mail address; the link's signed token expires; the
signed-in account that has confirmed the address accepts (or declines) and then organises the
event. Bad addresses, second invitations, made-up, changed, expired, withdrawn or answered links
and other accounts are refused with a message and nothing changes."""

import re
from datetime import timedelta

import pytest
from django.contrib.messages import get_messages
from django.core import mail, signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from events import services
from events.models import ORGANISER_INVITATION_DAYS, EventOrganiser, OrganiserInvitation
from events.services.organisers import INVITATIONS_PER_DAY, organiser_invitation_token
from tests.factories import UserFactory, log_in

INVITEE = "kanya@example.com"


def organisers_url(event) -> str:
    return reverse("events:organiser_organisers", args=[event.slug])


def messages_of(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def link_in(message) -> str:
    (path,) = re.findall(r"https?://[^/\s]+(/organiser/[^\s]+/join/[^\s]+/)", message.body)
    return path


@pytest.fixture
def invitee(db):
    """The account that has confirmed the invited address; reads Thai."""
    return UserFactory(username="kanya", email=INVITEE, language="th", first_name="Kanya")


@pytest.fixture
def invitation(event, organiser, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        return services.organiser_invite(event=event, by=organiser, email=INVITEE)


class TestInviting:
    def test_an_organiser_invites_an_address_from_the_page_and_it_is_mailed_the_link(self, organiser_client, event, sending):
        response = sending.post(organiser_client, organisers_url(event), {"action": "invite", "email": INVITEE})

        assert response.status_code == 302
        assert messages_of(response) == [f"Invitation sent to {INVITEE}. The link works for {ORGANISER_INVITATION_DAYS} days."]
        invitation = OrganiserInvitation.objects.get(event=event)
        assert invitation.email == INVITEE and invitation.answered_at is None
        (message,) = mail.outbox
        assert message.to == [INVITEE]
        assert message.subject == "You are invited to organise OTOP Fair Bangkok on OTOP Marketplace"
        assert "Somchai invites you to organise OTOP Fair Bangkok" in message.body
        assert link_in(message).startswith(f"/organiser/{event.slug}/join/")

    def test_the_page_lists_the_organisers_and_the_open_invitations(self, organiser_client, event, invitation):
        page = organiser_client.get(organisers_url(event)).content.decode()

        assert "Somchai" in page and INVITEE in page and f"Withdraw the invitation to {INVITEE}" in page

    def test_an_address_with_a_confirmed_account_is_written_to_in_its_language(self, event, organiser, invitee, django_capture_on_commit_callbacks):
        event.name_th = "งานโอทอปกรุงเทพ"
        event.save(update_fields=["name_th"])

        with django_capture_on_commit_callbacks(execute=True):
            services.organiser_invite(event=event, by=organiser, email=INVITEE)

        (message,) = mail.outbox
        assert "งานโอทอปกรุงเทพ" in message.subject

    @pytest.mark.parametrize(
        ("email", "error"),
        [
            ("not-an-address", "Enter a valid email address."),
            ("", "This field is required."),
        ],
    )
    def test_a_bad_address_is_refused_on_the_page(self, organiser_client, event, sending, email, error):
        response = sending.post(organiser_client, organisers_url(event), {"action": "invite", "email": email})

        assert response.status_code == 200 and error in response.content.decode()
        assert not OrganiserInvitation.objects.exists() and mail.outbox == []

    def test_an_address_invited_already_is_refused(self, event, organiser, invitation):
        with pytest.raises(ValidationError) as caught:
            services.organiser_invite(event=event, by=organiser, email=INVITEE.upper())

        assert caught.value.message_dict == {"email": [f"{INVITEE.upper()} is invited already."]}
        assert OrganiserInvitation.objects.count() == 1

    def test_an_organisers_own_address_is_refused(self, event, organiser):
        with pytest.raises(ValidationError) as caught:
            services.organiser_invite(event=event, by=organiser, email=organiser.email)

        assert caught.value.message_dict == {"email": [f"{organiser.email} organises this event already."]}

    def test_an_event_sends_a_limited_number_a_day(self, event, organiser):
        for number in range(INVITATIONS_PER_DAY):
            services.organiser_invite(event=event, by=organiser, email=f"helper{number}@example.com")

        with pytest.raises(ValidationError, match="please try again tomorrow"):
            services.organiser_invite(event=event, by=organiser, email="one-more@example.com")

    def test_only_the_events_organisers_invite(self, client, event, other_organiser, sending):
        with pytest.raises(PermissionDenied):
            services.organiser_invite(event=event, by=other_organiser, email=INVITEE)

        response = sending.post(log_in(client, other_organiser), organisers_url(event), {"action": "invite", "email": INVITEE})
        assert response.status_code == 404
        assert not OrganiserInvitation.objects.exists() and mail.outbox == []

    def test_an_invitation_is_withdrawn_and_its_link_stops_working(self, organiser_client, event, invitation, invitee, client):
        token = organiser_invitation_token(invitation)

        response = organiser_client.post(organisers_url(event), {"action": "withdraw", "invitation": invitation.pk})

        assert messages_of(response) == [f"Invitation to {INVITEE} withdrawn."]
        assert not OrganiserInvitation.objects.exists()
        with pytest.raises(ValidationError, match="withdrawn"):
            services.organiser_invitation_answer(event=event, token=token, user=invitee, accept=True)

    @pytest.mark.parametrize("value", ["", "abc", "999999"])
    def test_withdrawing_a_missing_invitation_says_so(self, organiser_client, event, value):
        response = organiser_client.post(organisers_url(event), {"action": "withdraw", "invitation": value})

        assert messages_of(response) == ["That invitation is gone: it was answered or withdrawn meanwhile."]


class TestAnswering:
    def test_the_invited_account_accepts_and_organises_the_event(self, client, event, invitation, invitee):
        (message,) = mail.outbox
        log_in(client, invitee)

        page = client.get(link_in(message)).content.decode()
        assert "Organise OTOP Fair Bangkok?" in page and 'value="accept"' in page

        response = client.post(link_in(message), {"answer": "accept"})

        assert response.status_code == 302 and response.url == reverse("events:organiser_event", args=[event.slug])
        assert EventOrganiser.objects.filter(event=event, user=invitee).exists()
        invitation.refresh_from_db()
        assert invitation.accepted is True and invitation.answered_by == invitee
        assert client.get(reverse("events:organiser_layout", args=[event.slug])).status_code == 200
        again = client.post(link_in(message), {"answer": "accept"})
        assert messages_of(again) == ["This invitation was answered already."]

    def test_declining_leaves_the_event_alone(self, client, event, invitation, invitee):
        response = log_in(client, invitee).post(link_in(mail.outbox[0]), {"answer": "decline"})

        assert response.status_code == 302
        assert not EventOrganiser.objects.filter(event=event, user=invitee).exists()
        invitation.refresh_from_db()
        assert invitation.accepted is False and invitation.answered_at is not None

    def test_another_account_is_told_to_use_the_invited_address(self, client, event, invitation):
        someone = UserFactory(username="someone-else")
        log_in(client, someone)

        page = client.get(link_in(mail.outbox[0])).content.decode()
        assert "This invitation was sent to another e-mail address" in page and 'value="accept"' not in page

        response = client.post(link_in(mail.outbox[0]), {"answer": "accept"})
        assert messages_of(response) == [
            "This invitation was sent to another e-mail address: log in with the account that has confirmed that address."
        ]
        assert not EventOrganiser.objects.filter(event=event, user=someone).exists()
        assert OrganiserInvitation.objects.get(pk=invitation.pk).answered_at is None

    def test_an_account_that_has_not_confirmed_the_address_cannot_accept(self, event, invitation):
        unconfirmed = UserFactory(username="kanya-unconfirmed", email=INVITEE.upper(), email_verified_at=None)

        with pytest.raises(PermissionDenied):
            services.organiser_invitation_answer(
                event=event, token=organiser_invitation_token(invitation), user=unconfirmed, accept=True
            )

        assert not EventOrganiser.objects.filter(user=unconfirmed).exists()

    def test_an_expired_link_is_refused(self, client, event, organiser, invitee, monkeypatch):
        invitation = services.organiser_invite(event=event, by=organiser, email=INVITEE)
        made = signing.time.time() - timedelta(days=ORGANISER_INVITATION_DAYS, minutes=1).total_seconds()
        monkeypatch.setattr(signing.time, "time", lambda: made)
        token = organiser_invitation_token(invitation)
        monkeypatch.undo()

        page = log_in(client, invitee).get(reverse("events:organiser_join", args=[event.slug, token])).content.decode()

        assert "This invitation has expired: ask the organisers for a new one." in page
        with pytest.raises(ValidationError, match="expired"):
            services.organiser_invitation_answer(event=event, token=token, user=invitee, accept=True)
        assert not EventOrganiser.objects.filter(user=invitee).exists()

    @pytest.mark.parametrize("change", ["made-up", "tampered", "other-event"])
    def test_a_made_up_or_changed_link_is_refused(self, client, event, other_event, invitation, invitee, change):
        token = organiser_invitation_token(invitation)
        slug = event.slug
        if change == "made-up":
            token = "WzEsIDJd:1abcde:not-a-signature"
        elif change == "tampered":
            token = token[:-3] + ("aaa" if not token.endswith("aaa") else "bbb")
        else:
            slug = other_event.slug

        response = log_in(client, invitee).post(reverse("events:organiser_join", args=[slug, token]), {"answer": "accept"})

        assert messages_of(response) in (["This invitation link is not valid."], ["This invitation was withdrawn by the organisers."])
        assert not EventOrganiser.objects.filter(user=invitee).exists()

    def test_a_visitor_is_asked_to_log_in_first(self, client, event, invitation):
        response = client.get(link_in(mail.outbox[0]))

        assert response.status_code == 302 and "/accounts/login/" in response.url

    def test_the_organisers_page_is_a_404_for_others(self, client, event, invitee):
        assert log_in(client, invitee).get(organisers_url(event)).status_code == 404
