from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _
from django.views import View
from django.views.generic import TemplateView

from core.views import ServiceFormView

from ..forms import LoginForm, PasswordResetForm, ProfileForm, SignupForm
from ..ratelimits import RATE_LIMITED_MESSAGE, RateLimitedFormMixin, client_key, email_key, over_limit
from ..services import (
    email_confirm,
    email_confirmation_check,
    email_confirmation_resend,
    user_register,
    user_update_profile,
)

SIGNUP_EMAIL_SESSION_KEY = "signup_email"
# The account this browser signed up: its confirmation link may log it in here, and only here.
SIGNUP_ACCOUNT_SESSION_KEY = "signup_account"


def log_in_with_cart(request, user) -> None:
    """Log `user` in on this request; the session's cart (put together before) joins theirs
    through the orders app's receiver of Django's `user_logged_in`."""
    login(request, user, backend="accounts.backends.UsernameOrEmailBackend")


class LoginView(auth_views.LoginView):
    form_class = LoginForm
    template_name = "accounts/login.html"
    redirect_authenticated_user = True

    def form_valid(self, form):
        log_in_with_cart(self.request, form.get_user())
        return HttpResponseRedirect(self.get_success_url())


class LogoutView(auth_views.LogoutView):
    pass


class SignupView(RateLimitedFormMixin, ServiceFormView):
    """Sign-up: the account is made unconfirmed and not logged in; the link sent to the address
    finishes it. The answer is the same whether or not the address has an account."""

    form_class = SignupForm
    template_name = "accounts/signup.html"
    success_url = reverse_lazy("accounts:signup_sent")

    def get_initial(self):
        return {"language": translation.get_language()}

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            return redirect("accounts:profile")
        return super().dispatch(request, *args, **kwargs)

    def rate_limits(self):
        return [
            ("signup-client", client_key(self.request)),
            ("signup-email", email_key(self.request.POST.get("email"))),
        ]

    def perform(self, form):
        user = user_register(
            username=form.cleaned_data["username"],
            email=form.cleaned_data["email"],
            password=form.cleaned_data["password1"],
            language=form.cleaned_data["language"],
        )
        self.request.session[SIGNUP_EMAIL_SESSION_KEY] = form.cleaned_data["email"].strip()
        self.request.session[SIGNUP_ACCOUNT_SESSION_KEY] = user.pk
        return user


class SignupSentView(TemplateView):
    template_name = "accounts/signup_sent.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(**kwargs) | {
            "address": self.request.session.get(SIGNUP_EMAIL_SESSION_KEY, ""),
            "days": settings.EMAIL_CONFIRMATION_MAX_AGE // 86400,
        }


class EmailConfirmView(TemplateView):
    """The link from a confirmation e-mail: a page with one button, whose POST confirms the address
    (a GET changes nothing, so mail scanners that open links use nothing up).

    Having the link proves the address; it does not prove who made the account. Someone may sign
    up with another person's address (one that a group invited, say) and wait for its owner to
    click. So the link confirms only in the browser that signed up, or for someone logged in as
    that account; anyone else is asked to log in as it first, which the address's owner cannot do
    for a stranger's account.
    """

    template_name = "accounts/email_confirm.html"

    def _may_confirm(self, account) -> bool:
        user = self.request.user
        if user.is_authenticated:
            return user.pk == account.pk
        return self.request.session.get(SIGNUP_ACCOUNT_SESSION_KEY) == account.pk

    def get_context_data(self, **kwargs):
        found = email_confirmation_check(token=self.kwargs["token"])
        context = super().get_context_data(**kwargs) | {"validlink": found is not None}
        if found:
            context |= {
                "account": found[0],
                "address": found[1],
                "may_confirm": self._may_confirm(found[0]),
                "login_url": f"{reverse('accounts:login')}?{urlencode({'next': self.request.path})}",
            }
        return context

    def post(self, request, token: str):
        found = email_confirmation_check(token=token)
        if found and not self._may_confirm(found[0]):
            messages.info(request, _("Log in as %(name)s to confirm this address.") % {"name": found[0].username})
            return redirect(f"{reverse('accounts:login')}?{urlencode({'next': request.path})}")
        try:
            user = email_confirm(token=token)
        except ValidationError as error:
            return self.render_to_response({"validlink": False, "error": error.messages[0]})
        if not request.user.is_authenticated:
            log_in_with_cart(request, user)
        request.session.pop(SIGNUP_EMAIL_SESSION_KEY, None)
        request.session.pop(SIGNUP_ACCOUNT_SESSION_KEY, None)
        messages.success(request, _("Thank you, %(address)s is confirmed. You are logged in.") % {"address": user.email})
        return redirect("accounts:profile")


class EmailConfirmationResendView(LoginRequiredMixin, View):
    """The site-wide notice's button: the confirmation link again, a few times an hour at most."""

    def post(self, request):
        next_url = request.POST.get("next", "")
        if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
            next_url = reverse("accounts:profile")
        if over_limit(request, scope="confirmation-resend", key=str(request.user.pk)):
            return render(
                request, "accounts/email_confirm_resend.html", {"error": RATE_LIMITED_MESSAGE, "next": next_url}, status=429
            )
        address = email_confirmation_resend(user=request.user)
        if address:
            messages.success(request, _("We sent the link again to %(address)s. Open it to confirm the address.") % {"address": address})
        else:
            messages.info(request, _("Your e-mail address is confirmed already."))
        return redirect(next_url)


class ProfileView(RateLimitedFormMixin, LoginRequiredMixin, ServiceFormView):
    form_class = ProfileForm
    template_name = "accounts/profile.html"
    success_url = reverse_lazy("accounts:profile")
    success_message = _("Your profile is saved.")

    def get_initial(self):
        user = self.request.user
        return {"first_name": user.first_name, "last_name": user.last_name, "email": user.email, "language": user.language}

    def rate_limits(self):
        # Only a new address counts: it sends e-mail. Names and language change freely.
        typed = email_key(self.request.POST.get("email"))
        user = self.request.user
        if typed and typed not in (user.email.lower(), user.pending_email.lower()):
            return [("email-change", str(user.pk))]
        return []

    def perform(self, form):
        self.old_address = self.request.user.email
        return user_update_profile(user=self.request.user, **form.cleaned_data)

    def flash_success(self, form) -> None:
        super().flash_success(form)
        if self.result:
            messages.info(
                self.request,
                _("To use %(new)s, open the link we sent to it. Until then your address stays %(old)s.")
                % {"new": self.request.user.pending_email, "old": self.old_address},
            )


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("accounts:profile")

    def form_valid(self, form):
        messages.success(self.request, _("Your password is changed."))
        return super().form_valid(form)


class PasswordResetView(RateLimitedFormMixin, auth_views.PasswordResetView):
    form_class = PasswordResetForm
    template_name = "accounts/password_reset.html"
    email_template_name = "accounts/email/password_reset.txt"
    html_email_template_name = "accounts/email/password_reset.html"
    subject_template_name = "accounts/email/password_reset_subject.txt"
    success_url = reverse_lazy("accounts:password_reset_done")

    def rate_limits(self):
        return [
            ("password-reset-client", client_key(self.request)),
            ("password-reset-email", email_key(self.request.POST.get("email"))),
        ]


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "accounts/password_reset_done.html"


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:login")

    def form_valid(self, form):
        messages.success(self.request, _("Your new password is set. Log in with it."))
        return super().form_valid(form)
