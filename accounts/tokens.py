"""The signed link that confirms an e-mail address.

The token holds the account's id and a digest of the address it confirms together with the
account's verification state (its address, pending address and when it was confirmed), signed with
the SECRET_KEY and stamped with the time. It therefore expires (EMAIL_CONFIRMATION_MAX_AGE), and
works once: confirming changes the state, and so does asking for another address, which retires
every link sent before. The address itself is not in the link.
"""

from django.conf import settings
from django.core import signing
from django.utils.crypto import constant_time_compare, salted_hmac

SALT = "accounts.email-confirmation"


def _state_digest(user, address: str) -> str:
    verified_at = user.email_verified_at.isoformat() if user.email_verified_at else ""
    state = "|".join([str(user.pk), address.lower(), user.email.lower(), user.pending_email.lower(), verified_at])
    return salted_hmac(SALT, state).hexdigest()[:32]


def email_confirmation_token(*, user, address: str) -> str:
    """A link token that confirms `address` (the account's address or its pending one) for `user`."""
    return signing.dumps([user.pk, _state_digest(user, address)], salt=SALT)


def email_confirmation_read(token: str) -> tuple[int, str] | None:
    """(account id, digest) from a well-signed token younger than its maximum age; None otherwise."""
    try:
        user_id, digest = signing.loads(token, salt=SALT, max_age=settings.EMAIL_CONFIRMATION_MAX_AGE)
    except (signing.BadSignature, ValueError, TypeError):
        return None
    if not isinstance(user_id, int) or not isinstance(digest, str):
        return None
    return user_id, digest


def email_confirmation_address(*, user, digest: str) -> str | None:
    """The address a token's digest confirms for the account as it is now; None when stale."""
    for address in (user.pending_email, user.email):
        if address and constant_time_compare(digest, _state_digest(user, address)):
            return address
    return None
