"""The organiser's area in /organiser/: events, layout, applications, the floor plan and the days
of the event. Views read through the selectors, write through one service each, and show a
service's ValidationError as a message or a form error."""

import copy
import csv
import io

import segno
from csp.constants import NONCE
from csp.decorators import csp_update
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import OperationalError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.http import content_disposition_header, urlencode
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views import View
from django.views.generic import TemplateView

from core.exports import spreadsheet_row
from core.views import add_service_errors

from .. import selectors, services
from ..forms import (
    BULK_STATES,
    ApplicationBulkForm,
    ApplicationFilterForm,
    AssignmentChoiceForm,
    EventForm,
    EventStatusForm,
    LayoutCopyForm,
    ProposalForm,
    StallAssignForm,
    StallFindForm,
    StallForm,
    StallGridForm,
    StallSwapForm,
    StallUnassignForm,
    ZoneForm,
)
from ..models import Event, Stall, StallApplication, StallAssignment, Zone
from .mixins import EventOrganiserRequiredMixin, OrganiserRequiredMixin

APPLICATIONS_PER_PAGE = 100
# Deadlock detected, serialisation failure: the database gave up one of two crossing changes.
CONFLICT_SQLSTATES = {"40P01", "40001"}
SIGNS_PER_PAGE = 200
CHECK_IN_PER_PAGE = 100
PLAN_MODES = ("assign", "swap", "unassign")
S = Event.Status
# The buttons that move an event on, the usual next step first.
STATUS_ACTIONS = {
    (S.DRAFT, S.OPEN): gettext_lazy("Open applications"),
    (S.OPEN, S.CLOSED): gettext_lazy("Close applications"),
    (S.OPEN, S.DRAFT): gettext_lazy("Back to draft"),
    (S.CLOSED, S.PUBLISHED): gettext_lazy("Publish the floor plan"),
    (S.CLOSED, S.OPEN): gettext_lazy("Reopen applications"),
    (S.PUBLISHED, S.FINISHED): gettext_lazy("Mark as finished"),
    (S.PUBLISHED, S.CLOSED): gettext_lazy("Unpublish"),
}
CSV_HEADER = [
    "stall", "zone", "x", "y", "width", "depth", "features", "fee", "producer", "producer slug", "province",
    "application state", "fee state", "checked in",
]


def _error_messages(request, error: ValidationError) -> None:
    for message in error.messages:
        messages.error(request, message)


def _form_error_messages(request, form) -> None:
    for errors in form.errors.values():
        for message in errors:
            messages.error(request, message)


def _back(request, name: str, event: Event):
    """Back to the page the form was on, with its filters."""
    url = reverse(name, args=[event.slug])
    query = request.GET.urlencode()
    return redirect(f"{url}?{query}" if query else url)


# --- Events ------------------------------------------------------------------------------------


class OrganiserHomeView(OrganiserRequiredMixin, TemplateView):
    """The organiser's events, and a form for a new one (a draft, with its creator as organiser)."""

    template_name = "events/manage/organiser_home.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(**kwargs) | {
            "events": selectors.organiser_event_list(user=self.request.user),
            "form": kwargs.get("form") or EventForm(),
        }

    def post(self, request, *args, **kwargs):
        form = EventForm(request.POST)
        if form.is_valid():
            try:
                event = services.event_create(by=request.user, **form.cleaned_data)
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("Event %(name)s created as a draft.") % {"name": event.display_name})
                return redirect("events:organiser_event", slug=event.slug)
        return self.render_to_response(self.get_context_data(form=form))


class EventOverviewView(EventOrganiserRequiredMixin, TemplateView):
    """Counts of stalls and applications by state, fees, and the buttons that move the event on."""

    template_name = "events/manage/event_overview.html"

    def get_context_data(self, **kwargs):
        allowed = services.EVENT_TRANSITIONS.get(self.event.status, set())
        actions = [(to, label) for (current, to), label in STATUS_ACTIONS.items() if current == self.event.status and to in allowed]
        return super().get_context_data(**kwargs) | {
            "counts": selectors.event_counts(event=self.event),
            "status_actions": actions,
        }


class EventStatusView(EventOrganiserRequiredMixin, View):
    def post(self, request, *args, **kwargs):
        form = EventStatusForm(request.POST)
        if not form.is_valid():
            _form_error_messages(request, form)
        else:
            try:
                event = services.event_set_status(event=self.event, by=request.user, status=form.cleaned_data["status"])
            except ValidationError as error:
                _error_messages(request, error)
            else:
                messages.success(request, _("The event is now %(status)s.") % {"status": event.get_status_display()})
        return redirect("events:organiser_event", slug=self.event.slug)


class EventEditView(EventOrganiserRequiredMixin, TemplateView):
    template_name = "events/manage/event_form.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(**kwargs) | {"form": kwargs.get("form") or EventForm(instance=copy.copy(self.event))}

    def post(self, request, *args, **kwargs):
        # A copy, so the page's own links keep the saved slug while the form shows its errors.
        form = EventForm(request.POST, instance=copy.copy(self.event))
        if form.is_valid():
            try:
                event = services.event_update(event=form.instance, by=request.user, **form.cleaned_data)
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("Event saved."))
                return redirect("events:organiser_event", slug=event.slug)
        return self.render_to_response(self.get_context_data(form=form))


# --- Layout ------------------------------------------------------------------------------------


class LayoutView(EventOrganiserRequiredMixin, TemplateView):
    """Zones (new or edited), the stall grid generator, and copying the layout of another event."""

    template_name = "events/manage/layout.html"

    def edited_zone(self, value) -> Zone | None:
        value = str(value or "")
        if not value.isdigit():
            return None
        return Zone.objects.filter(event=self.event, pk=int(value)).first()

    def get_context_data(self, **kwargs):
        zone = self.edited_zone(self.request.GET.get("zone"))
        sources = selectors.layout_sources(user=self.request.user, event=self.event)
        zones = selectors.layout_zones(event=self.event)
        return super().get_context_data(**kwargs) | {
            "zones": zones,
            "stall_count": sum(z.stall_count for z in zones),
            "edited_zone": kwargs.get("edited_zone", zone),
            "zone_form": kwargs.get("zone_form") or ZoneForm(instance=copy.copy(zone) if zone else None),
            "grid_form": kwargs.get("grid_form")
            or StallGridForm(event=self.event, initial={"zone": zone or (zones[-1] if zones else None), "origin_y": selectors.next_block_top(event=self.event)}),
            "copy_form": kwargs.get("copy_form") or LayoutCopyForm(sources=sources),
            "can_copy": not zones and sources.exists(),
        }

    def post(self, request, *args, **kwargs):
        action = request.POST.get("action", "")
        if action == "zone":
            return self.save_zone(request)
        if action == "grid":
            return self.make_grid(request)
        if action == "copy":
            return self.copy_layout(request)
        messages.error(request, _("Unknown action."))
        return redirect("events:organiser_layout", slug=self.event.slug)

    def save_zone(self, request):
        zone = self.edited_zone(request.POST.get("zone_id"))
        form = ZoneForm(request.POST, instance=copy.copy(zone) if zone else Zone(event=self.event))
        if form.is_valid():
            try:
                saved = services.zone_save(event=self.event, by=request.user, zone=zone, **form.cleaned_data)
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("Zone %(code)s saved.") % {"code": saved.code})
                return redirect("events:organiser_layout", slug=self.event.slug)
        return self.render_to_response(self.get_context_data(zone_form=form, edited_zone=zone))

    def make_grid(self, request):
        form = StallGridForm(request.POST, event=self.event)
        if form.is_valid():
            try:
                stalls = services.stall_grid_create(event=self.event, by=request.user, **form.cleaned_data)
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(
                    request,
                    ngettext(
                        "%(count)s stall made in zone %(zone)s: %(first)s to %(last)s.",
                        "%(count)s stalls made in zone %(zone)s: %(first)s to %(last)s.",
                        len(stalls),
                    )
                    % {"count": len(stalls), "zone": form.cleaned_data["zone"].code, "first": stalls[0].code, "last": stalls[-1].code},
                )
                return redirect("events:organiser_layout", slug=self.event.slug)
        return self.render_to_response(self.get_context_data(grid_form=form))

    def copy_layout(self, request):
        form = LayoutCopyForm(request.POST, sources=selectors.layout_sources(user=request.user, event=self.event))
        if form.is_valid():
            source = form.cleaned_data["source"]
            try:
                count = services.layout_copy(source=source, target=self.event, by=request.user)
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(
                    request,
                    ngettext("Layout of %(event)s copied: %(count)s stall.", "Layout of %(event)s copied: %(count)s stalls.", count)
                    % {"event": source.display_name, "count": count},
                )
                return redirect("events:organiser_layout", slug=self.event.slug)
        return self.render_to_response(self.get_context_data(copy_form=form))


class StallFindView(EventOrganiserRequiredMixin, View):
    """`?code=B-12` from the layout page: to that stall's page, or back with a message."""

    def get(self, request, *args, **kwargs):
        form = StallFindForm(request.GET)
        back = reverse("events:organiser_layout", args=[self.event.slug]) + "#stall-find"
        if not form.is_valid():
            messages.error(request, _("Type the code of a stall, such as B-12."))
            return redirect(back)
        code = form.cleaned_data["code"]
        stalls = Stall.objects.filter(event=self.event)
        stall = stalls.filter(code=code).first()
        if stall is None:
            # b-12 for B-12, when only one stall's code differs only in case.
            matches = list(stalls.filter(code__iexact=code)[:2])
            stall = matches[0] if len(matches) == 1 else None
        if stall is None:
            messages.error(request, _("This event has no stall %(code)s.") % {"code": code})
            return redirect(back)
        return redirect("events:organiser_stall", slug=self.event.slug, pk=stall.pk)


class StallEditView(EventOrganiserRequiredMixin, TemplateView):
    """One stall of the event: `action=save` changes its code, zone, place, size, fee and
    features; `action=delete` (with `confirm` ticked) deletes it, which is refused while a
    producer holds it or a proposal under review gives it away. A stall of another event is a 404."""

    template_name = "events/manage/stall_edit.html"

    def get_stall(self) -> Stall:
        return get_object_or_404(Stall.objects.filter(event=self.event).select_related("event", "zone"), pk=self.kwargs["pk"])

    def get_context_data(self, **kwargs):
        stall = kwargs.get("stall") or self.get_stall()
        holder = StallAssignment.objects.filter(stall=stall).select_related("producer").first()
        return super().get_context_data(**kwargs) | {
            "stall": stall,
            "holder": holder,
            "form": kwargs.get("form") or StallForm(instance=copy.copy(stall), event=self.event),
        }

    def post(self, request, *args, **kwargs):
        stall = self.get_stall()
        action = request.POST.get("action", "")
        if action == "save":
            return self.save_stall(request, stall)
        if action == "delete":
            return self.delete_stall(request, stall)
        messages.error(request, _("Unknown action."))
        return redirect("events:organiser_stall", slug=self.event.slug, pk=stall.pk)

    def save_stall(self, request, stall: Stall):
        # A copy, so the page's heading keeps the saved code while the form shows its errors.
        form = StallForm(request.POST, instance=copy.copy(stall), event=self.event)
        if form.is_valid():
            try:
                saved = services.stall_update(stall=stall, by=request.user, **form.cleaned_data)
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("Stall %(code)s saved.") % {"code": saved.code})
                return redirect("events:organiser_layout", slug=self.event.slug)
        return self.render_to_response(self.get_context_data(stall=stall, form=form))

    def delete_stall(self, request, stall: Stall):
        if request.POST.get("confirm") != "1":
            messages.error(request, _("Tick the box to confirm that stall %(code)s is to be deleted.") % {"code": stall.code})
            return redirect("events:organiser_stall", slug=self.event.slug, pk=stall.pk)
        try:
            services.stall_delete(stall=stall, by=request.user)
        except ValidationError as error:
            _error_messages(request, error)
            return redirect("events:organiser_stall", slug=self.event.slug, pk=stall.pk)
        messages.success(request, _("Stall %(code)s deleted.") % {"code": stall.code})
        return redirect("events:organiser_layout", slug=self.event.slug)


# --- Applications ------------------------------------------------------------------------------


class ApplicationsView(EventOrganiserRequiredMixin, TemplateView):
    """The applications, filtered by state, category, province and needs; tick some and accept,
    waitlist or reject them together (each one moves on its own; refusals are listed)."""

    template_name = "events/manage/applications.html"

    def get_context_data(self, **kwargs):
        choices = selectors.application_filter_choices(event=self.event)
        filter_form = ApplicationFilterForm(self.request.GET or None, **choices)
        applications = selectors.event_applications(event=self.event, **filter_form.filters())
        page = Paginator(applications, APPLICATIONS_PER_PAGE).get_page(self.request.GET.get("page"))
        query = self.request.GET.copy()
        query.pop("page", None)
        return super().get_context_data(**kwargs) | {
            "filter_form": filter_form,
            "page_obj": page,
            "applications": selectors.describe_applications(page.object_list),
            "query_without_page": query.urlencode(),
            "bulk_states": BULK_STATES,
            "counts": selectors.event_counts(event=self.event),
        }

    def post(self, request, *args, **kwargs):
        form = ApplicationBulkForm(request.POST, event=self.event)
        if not form.is_valid():
            _form_error_messages(request, form)
            return _back(request, "events:organiser_applications", self.event)
        to_state = form.cleaned_data["to_state"]
        moved, errors = services.applications_bulk_transition(
            applications=form.cleaned_data["applications"], to_state=to_state, by=request.user
        )
        if moved:
            messages.success(
                request,
                ngettext("%(count)s application is now %(state)s.", "%(count)s applications are now %(state)s.", moved)
                % {"count": moved, "state": StallApplication.State(to_state).label},
            )
        for error in errors:
            messages.error(request, error)
        return _back(request, "events:organiser_applications", self.event)


# --- The floor plan ----------------------------------------------------------------------------


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


# --- Exports and print -------------------------------------------------------------------------


class StallListCsvView(EventOrganiserRequiredMixin, View):
    """One row per stall: where it is, what it has, who holds it, fee and check-in."""

    def get(self, request, *args, **kwargs):
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(CSV_HEADER)
        for stall in selectors.stall_list(event=self.event):
            holder = stall.holder
            producer = holder.producer if holder else None
            # A producer's name such as "=HYPERLINK(…)" must not become a live formula.
            writer.writerow(spreadsheet_row([
                stall.code,
                stall.zone.code,
                stall.x,
                stall.y,
                stall.width,
                stall.depth,
                " ".join(stall.features),
                stall.fee,
                producer.display_name if producer else "",
                producer.slug if producer else "",
                producer.province.name if producer else "",
                holder.application.state if holder else "",
                holder.fee_state if holder else "",
                timezone.localtime(holder.checked_in_at).strftime("%Y-%m-%d %H:%M") if holder and holder.checked_in_at else "",
            ]))
        # UTF-8 with a BOM, which Excel needs to show Thai and Japanese names.
        response = HttpResponse(out.getvalue().encode("utf-8-sig"), content_type="text/csv; charset=utf-8")
        filename = f"{self.event.slug}-stalls-{timezone.localdate():%Y-%m-%d}.csv"
        response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=filename)
        return response


class PlanPrintView(EventOrganiserRequiredMixin, TemplateView):
    """The stall list to print: a table per zone with each stall's holder."""

    template_name = "events/manage/plan_print.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(**kwargs) | {
            "stalls": selectors.stall_list(event=self.event),
            "printed_at": timezone.localtime(),
        }


class StallSignsView(EventOrganiserRequiredMixin, TemplateView):
    """One sign per assigned stall, one per printed page: the producer's name, the stall code and
    a QR code to the producer's page on the site. `?zone=B` prints one zone's signs; a large fair
    prints in batches (`?page=`), as drawing a QR code takes some milliseconds."""

    template_name = "events/manage/signs.html"

    def get_context_data(self, **kwargs):
        zone = self.request.GET.get("zone", "")[:8]
        page = Paginator(selectors.event_assignments(event=self.event, zone=zone), SIGNS_PER_PAGE).get_page(self.request.GET.get("page"))
        query = self.request.GET.copy()
        query.pop("page", None)
        signs = []
        for assignment in page.object_list:
            url = self.request.build_absolute_uri(reverse("producers:producer_detail", args=[assignment.producer.slug]))
            # segno draws the QR code as SVG markup from the URL alone: nothing user-written is in it.
            qr = mark_safe(segno.make(url, error="m").svg_inline(scale=4))  # noqa: S308
            signs.append({"assignment": assignment, "url": url, "qr": qr})
        return super().get_context_data(**kwargs) | {
            "signs": signs,
            "page_obj": page,
            "query_without_page": query.urlencode(),
            "zones": selectors.layout_zones(event=self.event),
            "zone": zone,
        }


# --- The days of the event ---------------------------------------------------------------------


class CheckInView(EventOrganiserRequiredMixin, TemplateView):
    """Check exhibitors in as they arrive, and record stall fees as invoiced or paid. `?q=`
    finds a stall by code or producer name."""

    template_name = "events/manage/check_in.html"

    def get_context_data(self, **kwargs):
        query = self.request.GET.get("q", "")[:100]
        page = Paginator(selectors.event_assignments(event=self.event, query=query), CHECK_IN_PER_PAGE).get_page(self.request.GET.get("page"))
        return super().get_context_data(**kwargs) | {
            "assignments": page.object_list,
            "page_obj": page,
            "query_without_page": urlencode({"q": query}) if query else "",
            "counts": selectors.event_counts(event=self.event),
            "q": query,
            "fee_choices": StallAssignment.Fee.choices,
        }

    def post(self, request, *args, **kwargs):
        form = AssignmentChoiceForm(request.POST, event=self.event)
        action = request.POST.get("action", "")
        if not form.is_valid():
            _form_error_messages(request, form)
            return _back(request, "events:organiser_check_in", self.event)
        assignment = form.cleaned_data["assignment"]
        names = {"code": assignment.stall.code, "name": assignment.producer.display_name}
        try:
            if action == "check_in":
                services.exhibitor_check_in(assignment=assignment, by=request.user)
                messages.success(request, _("%(name)s checked in at stall %(code)s.") % names)
            elif action == "fee":
                assignment = services.stall_fee_set(assignment=assignment, by=request.user, state=form.cleaned_data["fee_state"])
                messages.success(request, _("Fee of stall %(code)s: %(state)s.") % (names | {"state": assignment.get_fee_state_display()}))
            else:
                messages.error(request, _("Unknown action."))
        except ValidationError as error:
            _error_messages(request, error)
        return _back(request, "events:organiser_check_in", self.event)
