"""Invitations bind to confirmed addresses only: signing up with (or moving a profile to) an invited
address gives no way into the group; the manager is told the same whether or not the person has an
account; invitations are throttled per manager, per address and for groups not yet verified."""

import re

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client

from accounts.models import User
from producers import services
from producers.models import Producer, ProducerInvitation, ProducerMembership
from tests.factories import NEW_PASSWORD, UserFactory, log_in

MEMBERS = "/dashboard/members/"
INVITED = "noi@example.com"


def link_in(message, path: str) -> str:
    match = re.search(rf"https?://[^/\s]+({path}[^/\s]+/)", message.body)
    assert match, message.body
    return match.group(1)


@pytest.fixture
def invitation(manager_a, group_a, sending):
    assert sending.post(log_in(Client(), manager_a), MEMBERS, {"invitee": INVITED, "role": "manager"}).status_code == 302
    return ProducerInvitation.objects.get(producer=group_a)


def assert_cannot_reach(client, invitation, group):
    assert f"/dashboard/invitations/{invitation.token}/" not in client.get("/dashboard/").content.decode()
    assert client.get(f"/dashboard/invitations/{invitation.token}/").status_code == 404
    assert client.post(f"/dashboard/invitations/{invitation.token}/", {"answer": "accept"}).status_code == 404
    assert not ProducerMembership.objects.filter(producer=group, user__username__in=["attacker", "kanya"]).exists()
    invitation.refresh_from_db()
    assert invitation.answered_at is None


def test_signing_up_with_an_invited_address_gives_no_way_into_the_group(invitation, group_a, sending):
    attacker = Client()
    sending.post(attacker, "/accounts/signup/", {
        "username": "attacker", "email": INVITED, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD, "language": "en",
    })
    assert attacker.post("/accounts/login/", {"username": "attacker", "password": NEW_PASSWORD}).status_code == 302

    assert_cannot_reach(attacker, invitation, group_a)


def test_moving_a_profile_to_an_invited_address_gives_no_way_into_the_group(invitation, group_a, sending):
    kanya = UserFactory(username="kanya", email="kanya@example.com")
    client = log_in(Client(), kanya)

    assert sending.post(client, "/accounts/profile/", {"first_name": "", "last_name": "", "email": INVITED, "language": "en"}).status_code == 302

    kanya.refresh_from_db()
    assert kanya.pending_email == INVITED
    assert_cannot_reach(client, invitation, group_a)


def test_an_unconfirmed_address_never_matches_an_invitation(invitation):
    squatter = UserFactory(username="squatter", email=INVITED.upper(), email_verified_at=None)
    pending = UserFactory(username="pending", email="pending@example.com", pending_email=INVITED)

    for user in (squatter, pending):
        assert not services.invitations_for(user).exists()
        with pytest.raises(PermissionDenied):
            services.invitation_answer(invitation=invitation, user=user, accept=True)

    assert not ProducerMembership.objects.filter(user__in=[squatter, pending]).exists()


def test_the_owner_who_confirms_the_invited_address_sees_and_accepts_it(invitation, group_a, sending):
    owner = Client()
    sending.post(owner, "/accounts/signup/", {
        "username": "noi", "email": INVITED, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD, "language": "en",
    })
    confirm = link_in(sending.outbox[-1], "/accounts/email/confirm/")
    assert owner.post(confirm).status_code == 302

    assert f"/dashboard/invitations/{invitation.token}/" in owner.get("/dashboard/").content.decode()
    assert owner.post(f"/dashboard/invitations/{invitation.token}/", {"answer": "accept"}).status_code == 302
    assert ProducerMembership.objects.get(producer=group_a, user__username="noi").role == "manager"


def test_confirming_a_new_address_in_the_profile_then_reaches_the_invitation(invitation, group_a, sending):
    kanya = UserFactory(username="kanya", email="kanya@example.com")
    client = log_in(Client(), kanya)
    sending.post(client, "/accounts/profile/", {"first_name": "", "last_name": "", "email": INVITED, "language": "en"})
    confirm = link_in(next(m for m in sending.outbox if m.to == [INVITED] and "/accounts/email/confirm/" in m.body), "/accounts/email/confirm/")

    assert client.post(confirm).status_code == 302

    assert client.get(f"/dashboard/invitations/{invitation.token}/").status_code == 200


def test_an_invitation_by_user_name_waits_on_the_dashboard_of_an_unconfirmed_account_but_mails_nobody(
    manager_a, group_a, sending
):
    kanya = UserFactory(username="kanya", email="someone-else@example.com", email_verified_at=None)

    sending.post(log_in(Client(), manager_a), MEMBERS, {"invitee": "kanya", "role": "member"})

    invitation = ProducerInvitation.objects.get(producer=group_a)
    assert invitation.user == kanya
    assert sending.outbox == [], "an unconfirmed address may be someone else's"
    assert log_in(Client(), kanya).get(f"/dashboard/invitations/{invitation.token}/").status_code == 200


# --- The manager is told the same either way --------------------------------------------------


@pytest.mark.parametrize(
    ("existing", "unknown"),
    [("kanya@example.com", "fresh@example.com"), ("kanya", "nobody-by-this-name")],
    ids=["by e-mail", "by user name"],
)
def test_the_invitation_answer_is_the_same_whether_or_not_an_account_exists(manager_a, group_a, sending, existing, unknown):
    UserFactory(username="kanya", email="kanya@example.com")
    answers, told = [], []

    for invitee in (existing, unknown):
        manager = log_in(Client(), manager_a)
        answer = sending.post(manager, MEMBERS, {"invitee": invitee, "role": "member"})
        answers.append((answer.status_code, answer["Location"], answer.content))
        told.append([str(message).replace(invitee, "NAME") for message in manager.get(MEMBERS).context["messages"]])

    assert answers[0] == answers[1] == (302, MEMBERS, b"")
    assert told[0] == told[1] == ["Invitation sent. If NAME has an account, the invitation will show there."]


# --- Throttles --------------------------------------------------------------------------------


def test_invitations_are_throttled_per_manager(manager_a, group_a, sending, settings):
    settings.RATE_LIMITS = settings.RATE_LIMITS | {"invite-account": "2/d"}
    manager = log_in(Client(), manager_a)
    for number in range(2):
        assert sending.post(manager, MEMBERS, {"invitee": f"friend{number}@example.com", "role": "member"}).status_code == 302

    third = sending.post(manager, MEMBERS, {"invitee": "friend3@example.com", "role": "member"})

    assert third.status_code == 429
    assert "Too many attempts in a short time" in third.content.decode()
    assert third.context["form"]["invitee"].value() == "friend3@example.com"
    assert ProducerInvitation.objects.count() == 2
    assert len(sending.outbox) == 2


def test_invitations_are_throttled_per_invited_address(manager_a, manager_b, group_a, group_b, sending, settings):
    settings.RATE_LIMITS = settings.RATE_LIMITS | {"invite-address": "1/d"}
    sending.post(log_in(Client(), manager_a), MEMBERS, {"invitee": "noi@example.com", "role": "member"})

    second = sending.post(log_in(Client(), manager_b), MEMBERS, {"invitee": " NOI@example.com", "role": "member"})

    assert second.status_code == 429
    assert not ProducerInvitation.objects.filter(producer=group_b).exists()
    assert len(sending.outbox) == 1


def test_the_invitation_throttle_counts_tagged_spellings_of_one_address(manager_a, group_a, sending, settings):
    settings.RATE_LIMITS = settings.RATE_LIMITS | {"invite-address": "1/d"}
    manager = log_in(Client(), manager_a)
    sending.post(manager, MEMBERS, {"invitee": "noi+1@example.com", "role": "member"})

    second = sending.post(manager, MEMBERS, {"invitee": "noi+2@example.com", "role": "member"})

    assert second.status_code == 429
    assert len(sending.outbox) == 1


def test_a_group_not_yet_verified_sends_a_few_invitations_a_day(manager_a, group_a, sending, settings):
    settings.UNVERIFIED_GROUP_INVITATIONS_PER_DAY = 2
    Producer.objects.filter(pk=group_a.pk).update(state=Producer.State.PENDING)
    manager = log_in(Client(), manager_a)
    for number in range(2):
        assert sending.post(manager, MEMBERS, {"invitee": f"friend{number}@example.com", "role": "member"}).status_code == 302

    third = sending.post(manager, MEMBERS, {"invitee": "friend3@example.com", "role": "member"})

    assert third.status_code == 429
    assert "Until staff have verified your group, it can send 2 invitations a day." in third.content.decode()
    assert ProducerInvitation.objects.filter(producer=group_a).count() == 2
    assert len(sending.outbox) == 2


def test_a_verified_group_is_not_held_to_the_daily_invitations_of_a_new_group(manager_a, group_a, settings):
    settings.UNVERIFIED_GROUP_INVITATIONS_PER_DAY = 1
    for number in range(3):
        services.membership_invite(producer=group_a, by=manager_a, invitee=f"friend{number}@example.com")

    assert ProducerInvitation.objects.filter(producer=group_a).count() == 3


def test_a_stranger_who_signs_up_with_the_invited_address_cannot_get_its_owner_to_confirm_it(invitation, group_a, sending):
    """The take-over a reviewer found: the stranger signs up with the invited address; its owner,
    who expects a mail from the site, opens the link in their own browser and presses Confirm.
    That must confirm nothing, so the stranger's account never reaches the invitation."""
    stranger = Client()
    sending.post(stranger, "/accounts/signup/", {
        "username": "noi-kanya", "email": INVITED, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD, "language": "en",
    })
    link = link_in(sending.outbox[-1], "/accounts/email/confirm/")

    owners_browser = Client()
    owners_browser.get(link)
    owners_browser.post(link)

    squatter = User.objects.get(username="noi-kanya")
    assert not squatter.email_verified
    assert "_auth_user_id" not in owners_browser.session
    logged_in = Client()
    logged_in.post("/accounts/login/", {"username": "noi-kanya", "password": NEW_PASSWORD})
    assert logged_in.get(f"/dashboard/invitations/{invitation.token}/").status_code == 404
    logged_in.post(f"/dashboard/invitations/{invitation.token}/", {"answer": "accept"})
    assert not ProducerMembership.objects.filter(producer=group_a, user=squatter).exists()
