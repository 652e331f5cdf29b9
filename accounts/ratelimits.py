"""Throttles on what sends e-mail or reveals accounts (sign-up, password reset, confirmation links,
e-mail changes, invitations), counted in the default cache by django-ratelimit.

Each scope's limit is in settings.RATE_LIMITS ("5/h": five per hour). Over a limit the page
answers 429 with its form again and a message, and nothing is sent or changed.
"""

import ipaddress

from django.conf import settings
from django.utils.translation import gettext_lazy as _
from django_ratelimit.core import is_ratelimited

from .backends import client_ip_address

RATE_LIMITED_MESSAGE = _(
    "Too many attempts in a short time, from here or for this address or account. Nothing was sent "
    "or changed. Please wait a while (up to an hour) and try again."
)


def over_limit(request, *, scope: str, key: str | None) -> bool:
    """Count this request against `scope`'s limit for `key`; True when it goes over the limit."""
    if not key:
        return False
    return is_ratelimited(
        request, group=scope, key=lambda _group, _request: key, rate=settings.RATE_LIMITS[scope], increment=True
    )


def client_key(request) -> str | None:
    """The client's address (behind PROXY_COUNT proxies, the one they saw); for IPv6 its /64
    network, which one subscriber usually holds whole. An IPv4 client seen through an IPv6 socket
    (::ffff:a.b.c.d, as a server bound to [::] reports it) counts by its IPv4 address: its /64
    would put every IPv4 client of the site under one key."""
    address = client_ip_address(request)
    if address and ":" in address:
        try:
            parsed = ipaddress.IPv6Address(address.split("%", 1)[0])
        except ValueError:
            return address
        if parsed.ipv4_mapped is not None:
            return str(parsed.ipv4_mapped)
        return str(ipaddress.ip_network(f"{parsed}/64", strict=False).network_address)
    return address


def email_key(value: str | None) -> str | None:
    """An e-mail address (or user name) as one key whatever its case and surrounding spaces.

    A "+tag" after the local part is left out of an address's key: most mail providers deliver
    name+anything@host to name@host, so tagged spellings of one mailbox count as that mailbox
    (the throttle counts conservatively: it never lets more through than one address would)."""
    value = (value or "").strip().lower()
    local, at, domain = value.rpartition("@")
    if at and local and "+" in local:
        value = local.split("+", 1)[0] + "@" + domain
    return value or None


class RateLimitedFormMixin:
    """A form view whose POSTs count against the limits `rate_limits()` names.

    Over any of them the form comes back with RATE_LIMITED_MESSAGE and status 429, and the view's
    form_valid (which sends or changes things) never runs.
    """

    def rate_limits(self) -> list[tuple[str, str | None]]:
        return []

    def post(self, request, *args, **kwargs):
        # Every limit counts this request (a list, not a short-circuiting any()).
        if any([over_limit(request, scope=scope, key=key) for scope, key in self.rate_limits()]):
            return self.rate_limited_response()
        return super().post(request, *args, **kwargs)

    def rate_limited_response(self):
        form = self.get_form()
        form.add_error(None, RATE_LIMITED_MESSAGE)
        return self.render_to_response(self.get_context_data(form=form), status=429)
