"""Giving stalls: the floor plan (assign, swap, free) and the automatic proposal."""

from csp.constants import NONCE
from csp.decorators import csp_update
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from core.views import ActionView, flash_errors

from ... import selectors, services
from ...forms import ProposalForm, StallAssignForm, StallSwapForm, StallUnassignForm
from ...models import StallAssignment
from ..mixins import EventOrganiserRequiredMixin
from .common import EventActionPage, cleaned_data

PLAN_MODES = ("assign", "swap", "unassign")


@method_decorator(csp_update({"style-src": [NONCE]}), name="dispatch")
class PlanView(EventActionPage):
    """Assign on the floor plan, without JavaScript: pick an application, click a stall. Modes
    `swap` (tick two stalls) and `unassign` (click a stall to free it), posted as `mode` and
    dispatched to the method of that name. The latest automatic proposal is drawn on the same
    plan, with its score and the buttons to accept or discard it.

    The stalls' positions come in a <style> block carrying the page's CSP nonce (inline style
    attributes are refused by the site's Content-Security-Policy)."""

    template_name = "events/manage/plan.html"
    actions = PLAN_MODES

    def mode(self, data) -> str:
        mode = data.get("mode", "")
        return mode if mode in PLAN_MODES else "assign"

    def get_action_name(self) -> str:
        return self.mode(self.request.POST)

    def get_context_data(self, **kwargs):
        plan = selectors.assignment_plan(event=self.event)
        selected = str(kwargs.get("selected_application") or self.request.GET.get("application") or "")
        return super().get_context_data(**kwargs) | {
            "plan": plan,
            "mode": kwargs.get("mode") or self.mode(self.request.GET),
            "selected_application": selected,
            "selected_stalls": kwargs.get("selected_stalls", []),
            "score": plan.proposal.score if plan.proposal else None,
        }

    def get_redirect_url(self) -> str:
        url = reverse("events:organiser_plan", args=[self.event.slug])
        mode = self.get_action_name()
        return url if mode == "assign" else f"{url}?mode={mode}"

    def action_failed(self, error: ValidationError):
        """The plan again, with whatever was chosen still chosen; the messages say what went wrong."""
        flash_errors(self.request, error)
        return self.render_to_response(
            self.get_context_data(
                mode=self.get_action_name(),
                selected_application=self.request.POST.get("application", ""),
                selected_stalls=self.request.POST.getlist("stalls"),
            )
        )

    def action_assign(self, request, *args, **kwargs):
        data = cleaned_data(StallAssignForm(request.POST, event=self.event))
        application, stall = data["application"], data["stall"]
        services.stall_assign(application=application, stall=stall, by=request.user)
        messages.success(request, _("Stall %(code)s given to %(name)s.") % {"code": stall.code, "name": application.producer.display_name})

    def action_swap(self, request, *args, **kwargs):
        first, second = cleaned_data(StallSwapForm(request.POST, event=self.event))["stalls"]
        services.stalls_swap(event=self.event, first=first, second=second, by=request.user)
        messages.success(request, _("Stalls %(first)s and %(second)s swapped.") % {"first": first.code, "second": second.code})

    def action_unassign(self, request, *args, **kwargs):
        stall = cleaned_data(StallUnassignForm(request.POST, event=self.event))["stall"]
        assignment = StallAssignment.objects.filter(event=self.event, stall=stall).select_related("event", "producer").first()
        if assignment is None:
            raise ValidationError(_("Stall %(code)s is free already.") % {"code": stall.code})
        services.stall_unassign(assignment=assignment, by=request.user)
        messages.success(
            request, _("Stall %(code)s is free again; %(name)s waits for a stall.") % {"code": stall.code, "name": assignment.producer.display_name}
        )


class ProposalView(EventOrganiserRequiredMixin, ActionView):
    """`action=propose` runs the automatic assignment (replacing an earlier proposal);
    `accept` makes its assignments, all or none; `discard` throws it away."""

    actions = ("propose", "accept", "discard")

    def get_redirect_url(self) -> str:
        return reverse("events:organiser_plan", args=[self.event.slug])

    def action_propose(self, request, *args, **kwargs):
        score = services.assignment_propose(event=self.event, by=request.user).score
        messages.success(
            request,
            _("Proposal ready: %(assigned)s of %(applications)s applications get a stall, %(preferred)s of %(wanted)s in their preferred zone.")
            % {"assigned": score["assigned"], "applications": score["applications"], "preferred": score["in_preferred_zone"], "wanted": score["with_preference"]},
        )

    def action_accept(self, request, *args, **kwargs):
        proposal = cleaned_data(ProposalForm(request.POST, event=self.event))["proposal"]
        count = services.proposal_accept(proposal=proposal, by=request.user)
        messages.success(
            request,
            ngettext("Proposal accepted: %(count)s stall assigned.", "Proposal accepted: %(count)s stalls assigned.", count) % {"count": count},
        )

    def action_discard(self, request, *args, **kwargs):
        proposal = cleaned_data(ProposalForm(request.POST, event=self.event))["proposal"]
        services.proposal_discard(proposal=proposal, by=request.user)
        messages.success(request, _("Proposal discarded: nothing was assigned."))
