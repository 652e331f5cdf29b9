"""E-mails about an account's address: the confirmation link and the notices that keep the owner of
an address informed. Each in the reader's language, plain text, sent by a worker once the
transaction commits (core.tasks.email_enqueue)."""

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from core.tasks import email_enqueue

from .tokens import email_confirmation_token


def _send(*, to: str, language: str, template: str, context: dict) -> None:
    language = language if language in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE
    with translation.override(language):
        context = {"site_url": settings.SITE_URL} | context
        subject = render_to_string(f"accounts/email/{template}_subject.txt", context).strip()
        body = render_to_string(f"accounts/email/{template}.txt", context)
    email_enqueue(subject=subject, body=body, to=[to])


def confirmation_link_send(*, user, address: str, reason: str) -> None:
    """The link that confirms `address` for `user` (reason: "signup", "change" or "again")."""
    path = reverse("accounts:email_confirm", kwargs={"token": email_confirmation_token(user=user, address=address)})
    days = settings.EMAIL_CONFIRMATION_MAX_AGE // 86400
    _send(
        to=address,
        language=user.language,
        template="email_confirm",
        context={"user": user, "address": address, "reason": reason, "link": settings.SITE_URL + path, "days": days},
    )


def address_in_use_notice_send(*, owner, attempt: str) -> None:
    """Tell the owner of a confirmed address that someone tried to sign up or move an account to it.

    attempt: "signup" or "change". Sent instead of a link, so that the page the other person sees
    answers the same whether or not the address has an account.
    """
    _send(
        to=owner.email,
        language=owner.language,
        template="address_in_use",
        context={"user": owner, "attempt": attempt, "login_link": settings.SITE_URL + reverse("accounts:login"),
                 "reset_link": settings.SITE_URL + reverse("accounts:password_reset")},
    )


def address_change_notice_send(*, user, old_address: str, new_address: str) -> None:
    """Tell the account's current (confirmed) address that a change to `new_address` was asked for."""
    _send(
        to=old_address,
        language=user.language,
        template="address_change",
        context={"user": user, "old_address": old_address, "new_address": new_address,
                 "password_link": settings.SITE_URL + reverse("accounts:password_change")},
    )
