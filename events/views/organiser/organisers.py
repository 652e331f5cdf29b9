"""Co-organisers: the event's organisers, inviting another by e-mail, and answering an invitation."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.generic import TemplateView

from core.views import flash_errors

from ... import selectors, services
from ...forms import OrganiserInviteForm
from ...models import ORGANISER_INVITATION_DAYS, Event, OrganiserInvitation
from ...services.organisers import invitation_is_for
from .common import EventActionPage


class OrganisersView(EventActionPage):
    """Who organises the event, the open invitations, and a form to invite someone by e-mail:
    `action=invite` (the form's errors on the page) or `withdraw` (an open invitation)."""

    template_name = "events/manage/organisers.html"
    actions = ("invite", "withdraw")

    def get_context_data(self, **kwargs):
        return super().get_context_data(**kwargs) | selectors.event_organisers(event=self.event) | {
            "form": kwargs.get("form") or OrganiserInviteForm(),
        }

    def get_redirect_url(self) -> str:
        return reverse("events:organiser_organisers", args=[self.event.slug])

    def action_invite(self, request, *args, **kwargs):
        form = OrganiserInviteForm(request.POST)
        return self.form_action(
            form,
            perform=lambda data: services.organiser_invite(event=self.event, by=request.user, email=data["email"]),
            message=lambda invitation: _("Invitation sent to %(email)s. The link works for %(days)s days.")
            % {"email": invitation.email, "days": ORGANISER_INVITATION_DAYS},
            context={"form": form},
        )

    def action_withdraw(self, request, *args, **kwargs):
        invitation_id = request.POST.get("invitation", "")
        invitation = OrganiserInvitation.objects.filter(event=self.event, pk=int(invitation_id)).first() if invitation_id.isdigit() else None
        if invitation is None:
            raise ValidationError(_("That invitation is gone: it was answered or withdrawn meanwhile."))
        services.organiser_invitation_withdraw(invitation=invitation, by=request.user)
        messages.success(request, _("Invitation to %(email)s withdrawn.") % {"email": invitation.email})


class OrganiserJoinView(LoginRequiredMixin, TemplateView):
    """The page the invitation's link opens: the signed-in person accepts or declines. A link
    made up, changed, expired or answered says so; another account is told to log in with the
    invited address's."""

    template_name = "events/manage/organiser_join.html"
    http_method_names = ["get", "post", "head", "options"]

    def get_event(self) -> Event:
        return get_object_or_404(Event.objects.select_related("place"), slug=self.kwargs["slug"])

    def get_context_data(self, **kwargs):
        event = self.get_event()
        context = super().get_context_data(**kwargs) | {"event": event}
        try:
            invitation = services.organiser_invitation_find(event=event, token=self.kwargs["token"])
        except ValidationError as error:
            return context | {"problem": " ".join(error.messages)}
        return context | {"invitation": invitation, "for_me": invitation_is_for(invitation, self.request.user)}

    def post(self, request, *args, **kwargs):
        event = self.get_event()
        answer = request.POST.get("answer", "")
        if answer not in ("accept", "decline"):
            messages.error(request, _("Choose to accept or to decline the invitation."))
            return redirect(request.path)
        accept = answer == "accept"
        try:
            services.organiser_invitation_answer(event=event, token=self.kwargs["token"], user=request.user, accept=accept)
        except ValidationError as error:
            flash_errors(request, error)
            return redirect(request.path)
        except PermissionDenied as error:
            messages.error(request, str(error))
            return redirect(request.path)
        if not accept:
            messages.info(request, _("Invitation declined."))
            return redirect("home")
        messages.success(request, _("You now organise %(event)s.") % {"event": event.display_name})
        return redirect("events:organiser_event", slug=event.slug)

