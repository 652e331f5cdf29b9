from django.contrib.auth.mixins import AccessMixin
from django.http import Http404
from django.shortcuts import get_object_or_404

from ..selectors import may_organise, organiser_events


class OrganiserRequiredMixin(AccessMixin):
    """The organiser's area: staff and organisers of some event. Visitors are asked to log in;
    anyone else gets a 404, as if the area were not there."""

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        if not may_organise(user=request.user):
            raise Http404
        return super().dispatch(request, *args, **kwargs)


class EventOrganiserRequiredMixin(AccessMixin):
    """One event the user organises, as `self.event`, loaded by the URL's slug among the
    user's own events only (staff see all): any other event is a 404, for GET and POST alike."""

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.event = get_object_or_404(organiser_events(user=request.user), slug=kwargs["slug"])
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return super().get_context_data(**kwargs) | {"event": self.event}
