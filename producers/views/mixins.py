from django.contrib.auth.mixins import AccessMixin
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect

from ..models import ProducerMembership
from ..selectors import dashboard_memberships

CURRENT_PRODUCER_SESSION_KEY = "dashboard_producer_id"


class ProducerMemberRequiredMixin(AccessMixin):
    """The dashboard's current producer, chosen among the user's own memberships only.

    Sets `self.producer`, `self.membership` and `self.memberships`. Without any membership the
    user is sent to registration (unless `require_membership` is off); with `managers_only` a
    plain member gets 403.
    """

    require_membership = True
    managers_only = False

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.memberships = dashboard_memberships(user=request.user)
        current_id = request.session.get(CURRENT_PRODUCER_SESSION_KEY)
        fallback = self.memberships[0] if self.memberships else None
        self.membership = next((m for m in self.memberships if m.producer_id == current_id), fallback)
        self.producer = self.membership.producer if self.membership else None
        if self.membership is None and self.require_membership:
            return redirect("producers:register")
        if self.managers_only and not self.is_manager:
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    @property
    def is_manager(self) -> bool:
        return bool(self.membership and self.membership.role == ProducerMembership.Role.MANAGER)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            producer=self.producer, membership=self.membership, memberships=self.memberships, is_manager=self.is_manager
        )
        return context


class StaffRequiredMixin(AccessMixin):
    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        if not request.user.is_staff:
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)
