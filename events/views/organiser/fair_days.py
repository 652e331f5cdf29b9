"""The days of the fair: checking exhibitors in and recording stall fees."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.generic import TemplateView

from ... import selectors, services
from ...forms import AssignmentChoiceForm
from ...models import StallAssignment
from ..mixins import EventOrganiserRequiredMixin
from .common import _back, _error_messages, _form_error_messages

CHECK_IN_PER_PAGE = 100


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
