"""The days of the fair: checking exhibitors in and recording stall fees."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpResponseRedirect
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from core.views import flash_errors

from ... import selectors, services
from ...forms import AssignmentChoiceForm
from ...models import StallAssignment
from .common import EventActionPage, back_url

CHECK_IN_PER_PAGE = 100


class CheckInView(EventActionPage):
    """Check exhibitors in as they arrive (`action=check_in`), and record stall fees as invoiced
    or paid (`action=fee`). `?q=` finds a stall by code (with or without its dash) or producer
    name; each result shows the stall's fee and whether it is paid. One search box and one big
    button per exhibitor, plain form posts: the page is used one-handed at the hall's door."""

    template_name = "events/manage/check_in.html"
    actions = ("check_in", "fee")

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

    def get_redirect_url(self) -> str:
        return back_url(self.request, "events:organiser_check_in", self.event)

    def post(self, request, *args, **kwargs):
        # The stall first: a wrong one is refused whatever the button.
        form = AssignmentChoiceForm(request.POST, event=self.event)
        if not form.is_valid():
            flash_errors(request, form)
            return HttpResponseRedirect(self.get_redirect_url())
        self.assignment, self.fee_state = form.cleaned_data["assignment"], form.cleaned_data["fee_state"]
        return super().post(request, *args, **kwargs)

    def names(self) -> dict:
        return {"code": self.assignment.stall.code, "name": self.assignment.producer.display_name}

    def action_check_in(self, request, *args, **kwargs):
        services.exhibitor_check_in(assignment=self.assignment, by=request.user)
        messages.success(request, _("%(name)s checked in at stall %(code)s.") % self.names())

    def action_fee(self, request, *args, **kwargs):
        assignment = services.stall_fee_set(assignment=self.assignment, by=request.user, state=self.fee_state)
        messages.success(request, _("Fee of stall %(code)s: %(state)s.") % (self.names() | {"state": assignment.get_fee_state_display()}))
