"""The organiser's area in /organiser/, by subdomain: events, layout, applications, assignment
(the floor plan and the proposal), exports and the days of the fair. Views read through the
selectors, write through one service each, and show a service's ValidationError as a message or
a form error."""

from .applications import ApplicationsView
from .assignment import PlanView, ProposalView
from .events import EventEditView, EventOverviewView, EventStatusView, OrganiserHomeView
from .exports import PlanPrintView, StallListCsvView, StallSignsView
from .fair_days import CheckInView
from .layout import LayoutView, StallEditView, StallFindView
from .organisers import OrganiserJoinView, OrganisersView
from .tariff import TariffView

__all__ = [
    "ApplicationsView",
    "CheckInView",
    "EventEditView",
    "EventOverviewView",
    "EventStatusView",
    "LayoutView",
    "OrganiserHomeView",
    "OrganiserJoinView",
    "OrganisersView",
    "PlanPrintView",
    "PlanView",
    "ProposalView",
    "StallEditView",
    "StallFindView",
    "StallListCsvView",
    "StallSignsView",
    "TariffView",
]
