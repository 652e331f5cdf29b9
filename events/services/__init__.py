"""Every write about events, by subdomain: the events themselves (``events``), their layout of
zones and stalls (``layout``), producers' applications (``applications``), giving stalls to
them (``assignment``), the days of the fair (``fair_days``), fees by a tariff (``tariff``) and
co-organisers (``organisers``).

The public names are re-exported here, so ``from events import services`` and
``services.stall_assign(...)`` read as before.
"""

from .applications import application_submit, application_transition, applications_bulk_transition
from .assignment import (
    assignment_propose,
    proposal_accept,
    proposal_discard,
    stall_assign,
    stall_unassign,
    stalls_swap,
)
from .events import EVENT_FIELDS, event_create, event_set_status, event_update, require_organiser
from .fair_days import exhibitor_check_in, stall_fee_set
from .layout import (
    MAX_GRID,
    STALL_FIELDS,
    layout_copy,
    stall_delete,
    stall_grid_create,
    stall_update,
    zone_delete,
    zone_save,
)
from .organisers import (
    organiser_invitation_answer,
    organiser_invitation_find,
    organiser_invitation_withdraw,
    organiser_invite,
)
from .tariff import TARIFF_AMOUNTS, event_tariff, fee_tariff_save

__all__ = [
    "EVENT_FIELDS",
    "MAX_GRID",
    "STALL_FIELDS",
    "TARIFF_AMOUNTS",
    "application_submit",
    "application_transition",
    "applications_bulk_transition",
    "assignment_propose",
    "event_create",
    "event_set_status",
    "event_tariff",
    "event_update",
    "exhibitor_check_in",
    "fee_tariff_save",
    "layout_copy",
    "organiser_invitation_answer",
    "organiser_invitation_find",
    "organiser_invitation_withdraw",
    "organiser_invite",
    "proposal_accept",
    "proposal_discard",
    "require_organiser",
    "stall_assign",
    "stall_delete",
    "stall_fee_set",
    "stall_grid_create",
    "stall_unassign",
    "stall_update",
    "stalls_swap",
    "zone_delete",
    "zone_save",
]
