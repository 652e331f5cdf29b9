from django.shortcuts import render


class VerifiedEmailRequiredMixin:
    """For pages that need a confirmed e-mail address (placing an order): a signed-in account
    without one gets a page saying so, with the button that sends the link again, and status 403.
    Put it after LoginRequiredMixin, which deals with visitors who are not signed in."""

    def dispatch(self, request, *args, **kwargs):
        user = request.user
        if user.is_authenticated and not user.email_verified:
            return render(request, "accounts/email_confirm_required.html", status=403)
        return super().dispatch(request, *args, **kwargs)
