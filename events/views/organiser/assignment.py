"""Giving stalls: the floor plan (assign, swap, free) and the automatic proposal."""

from csp.constants import NONCE
from csp.decorators import csp_update
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import OperationalError
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views import View
from django.views.generic import TemplateView

from ... import selectors, services
from ...forms import ProposalForm, StallAssignForm, StallSwapForm, StallUnassignForm
from ...models import StallAssignment
from ..mixins import EventOrganiserRequiredMixin
from .common import _error_messages, _form_error_messages

# Deadlock detected, serialisation failure: the database gave up one of two crossing changes.
CONFLICT_SQLSTATES = {"40P01", "40001"}
PLAN_MODES = ("assign", "swap", "unassign")


@method_decorator(csp_update({"style-src": [NONCE]}), name="dispatch")
class PlanView(EventOrganiserRequiredMixin, TemplateView):
    """Assign on the floor plan, without JavaScript: pick an application, click a stall. Modes
    `swap` (tick two stalls) and `unassign` (click a stall to free it). The latest automatic
    proposal is drawn on the same plan, with its score and the buttons to accept or discard it.

    The stalls' positions come in a <style> block carrying the page's CSP nonce (inline style
    attributes are refused by the site's Content-Security-Policy)."""

    template_name = "events/manage/plan.html"

    def mode(self, data) -> str:
        mode = data.get("mode", "")
        return mode if mode in PLAN_MODES else "assign"

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

    def post(self, request, *args, **kwargs):
        mode = self.mode(request.POST)
        try:
            done = {"assign": self.assign, "swap": self.swap, "unassign": self.unassign}[mode](request)
        except OperationalError as error:
            # Two organisers' changes crossed (a deadlock the database broke): nothing was saved.
            if getattr(error.__cause__, "sqlstate", None) not in CONFLICT_SQLSTATES:
                raise
            messages.error(request, _("Another organiser changed these stalls at the same moment: look at the plan again."))
            done = False
        if done:
            url = reverse("events:organiser_plan", args=[self.event.slug])
            return redirect(url if mode == "assign" else f"{url}?mode={mode}")
        # Whatever was chosen stays chosen; the message says what went wrong.
        return self.render_to_response(
            self.get_context_data(
                mode=mode,
                selected_application=request.POST.get("application", ""),
                selected_stalls=request.POST.getlist("stalls"),
            )
        )

    def assign(self, request) -> bool:
        form = StallAssignForm(request.POST, event=self.event)
        if not form.is_valid():
            _form_error_messages(request, form)
            return False
        application, stall = form.cleaned_data["application"], form.cleaned_data["stall"]
        try:
            services.stall_assign(application=application, stall=stall, by=request.user)
        except ValidationError as error:
            _error_messages(request, error)
            return False
        messages.success(request, _("Stall %(code)s given to %(name)s.") % {"code": stall.code, "name": application.producer.display_name})
        return True

    def swap(self, request) -> bool:
        form = StallSwapForm(request.POST, event=self.event)
        if not form.is_valid():
            _form_error_messages(request, form)
            return False
        first, second = form.cleaned_data["stalls"]
        try:
            services.stalls_swap(event=self.event, first=first, second=second, by=request.user)
        except ValidationError as error:
            _error_messages(request, error)
            return False
        messages.success(request, _("Stalls %(first)s and %(second)s swapped.") % {"first": first.code, "second": second.code})
        return True

    def unassign(self, request) -> bool:
        form = StallUnassignForm(request.POST, event=self.event)
        if not form.is_valid():
            _form_error_messages(request, form)
            return False
        stall = form.cleaned_data["stall"]
        assignment = StallAssignment.objects.filter(event=self.event, stall=stall).select_related("event", "producer").first()
        if assignment is None:
            messages.error(request, _("Stall %(code)s is free already.") % {"code": stall.code})
            return False
        services.stall_unassign(assignment=assignment, by=request.user)
        messages.success(
            request, _("Stall %(code)s is free again; %(name)s waits for a stall.") % {"code": stall.code, "name": assignment.producer.display_name}
        )
        return True


class ProposalView(EventOrganiserRequiredMixin, View):
    """`action=propose` runs the automatic assignment (replacing an earlier proposal);
    `accept` makes its assignments, all or none; `discard` throws it away."""

    def post(self, request, *args, **kwargs):
        action = request.POST.get("action", "")
        if action == "propose":
            for earlier in selectors.event_proposals(event=self.event):
                services.proposal_discard(proposal=earlier, by=request.user)
            proposal = services.assignment_propose(event=self.event, by=request.user)
            score = proposal.score
            messages.success(
                request,
                _("Proposal ready: %(assigned)s of %(applications)s applications get a stall, %(preferred)s of %(wanted)s in their preferred zone.")
                % {"assigned": score["assigned"], "applications": score["applications"], "preferred": score["in_preferred_zone"], "wanted": score["with_preference"]},
            )
        elif action in ("accept", "discard"):
            form = ProposalForm(request.POST, event=self.event)
            if not form.is_valid():
                _form_error_messages(request, form)
            elif action == "accept":
                try:
                    count = services.proposal_accept(proposal=form.cleaned_data["proposal"], by=request.user)
                except ValidationError as error:
                    _error_messages(request, error)
                else:
                    messages.success(
                        request,
                        ngettext("Proposal accepted: %(count)s stall assigned.", "Proposal accepted: %(count)s stalls assigned.", count)
                        % {"count": count},
                    )
            else:
                services.proposal_discard(proposal=form.cleaned_data["proposal"], by=request.user)
                messages.success(request, _("Proposal discarded: nothing was assigned."))
        else:
            messages.error(request, _("Unknown action."))
        return redirect("events:organiser_plan", slug=self.event.slug)
