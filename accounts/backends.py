from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend

from .cache import load_user


class UsernameOrEmailBackend(ModelBackend):
    """Log in with the user name or the e-mail address, in any case."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if username is None or password is None:
            return None
        user_model = get_user_model()
        user = user_model.objects.by_login(username).first()
        if user is None:
            # Run the hasher anyway so a missing account takes as long as a wrong password.
            user_model().set_password(password)
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None

    def get_user(self, user_id):
        """The signed-in user of a request, with their roles: the header asks for them on every
        page (accounts.selectors.user_roles). Kept between requests until the account or a role
        changes (accounts/cache.py)."""
        user = load_user(user_id, self._load_user)
        return user if user is not None and self.user_can_authenticate(user) else None

    @staticmethod
    def _load_user(user_id):
        return get_user_model()._default_manager.with_roles().filter(pk=user_id).first()


def lockout_username(request, credentials: dict | None = None) -> str | None:
    """The name django-axes counts failed logins under (AXES_USERNAME_CALLABLE).

    The login form takes the user name or the e-mail address in any case, so failures count
    against the account the login names however it was spelt: ten for one account lock it,
    not ten for each spelling. A login that names no account counts as typed, in lower case.
    """
    if credentials:
        login = credentials.get("username")
    elif request is not None:
        login = getattr(request, "data", request.POST).get("username")
    else:
        login = None
    if not login:
        return login
    # Axes asks several times per request; look the account up once.
    known = request.__dict__.setdefault("_lockout_usernames", {}) if request is not None else {}
    if login not in known:
        account = get_user_model().objects.by_login(login).values_list("username", flat=True).first()
        known[login] = account or login.strip().lower()
    return known[login]


def client_ip_address(request) -> str | None:
    """The address django-axes counts failed logins from (AXES_CLIENT_IP_CALLABLE).

    Behind PROXY_COUNT reverse proxies every request comes from the nearest proxy, so counting
    REMOTE_ADDR would lock everybody out after ten failures anywhere. Each proxy appends the address
    it saw to X-Forwarded-For: the entry PROXY_COUNT from the right is the one the outermost trusted
    proxy saw, and anything left of it was written by the client and is ignored.
    """
    remote_address = request.META.get("REMOTE_ADDR")
    proxies = settings.PROXY_COUNT
    if not proxies:
        return remote_address
    forwarded = [address.strip() for address in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if address.strip()]
    if len(forwarded) < proxies:
        return remote_address
    return forwarded[-proxies]
