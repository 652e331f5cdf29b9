"""Stall fees by a tariff: the base fee by size (or per square metre), surcharges for a corner
and for power."""

import copy

from django.urls import reverse
from django.utils.translation import ngettext

from core.views import ServiceFormView

from ... import selectors, services
from ...forms import FeeTariffForm
from ...models import FeeTariff
from ..mixins import EventOrganiserRequiredMixin


class TariffView(EventOrganiserRequiredMixin, ServiceFormView):
    """The event's tariff: saving it gives every stall whose fee is not set by hand the fee it
    computes (invoiced or paid stalls keep theirs); the page says how many changed."""

    template_name = "events/manage/tariff.html"
    form_class = FeeTariffForm
    http_method_names = ["get", "post", "head", "options"]

    def get_form_kwargs(self):
        tariff = services.event_tariff(self.event)
        return super().get_form_kwargs() | {"instance": copy.copy(tariff) if tariff else FeeTariff(event=self.event)}

    def get_context_data(self, **kwargs):
        return super().get_context_data(**kwargs) | {
            "terms": selectors.exhibitor_terms(event=self.event),
            "by_hand": self.event.stalls.filter(fee_by_hand=True).count(),
        }

    def perform(self, form):
        return services.fee_tariff_save(event=self.event, by=self.request.user, **form.cleaned_data)

    def get_success_message(self, form) -> str:
        _tariff, changed, kept = self.result
        message = ngettext("Tariff saved: %(count)s stall has a new fee.", "Tariff saved: %(count)s stalls have a new fee.", changed) % {
            "count": changed
        }
        if kept:
            message += " " + ngettext(
                "%(count)s stall keeps its fee, as it is invoiced or paid already.",
                "%(count)s stalls keep their fee, as they are invoiced or paid already.",
                kept,
            ) % {"count": kept}
        return message

    def get_success_url(self) -> str:
        return reverse("events:organiser_tariff", args=[self.event.slug])


