"""The producer's stall applications, in /dashboard/events/."""

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import TemplateView

from catalogue.models import Product
from core.views import ServiceFormView, flash_errors
from producers.models import Producer
from producers.views.mixins import ProducerMemberRequiredMixin

from .. import services
from ..models import Event, StallApplication, StallFeature, Zone
from ..selectors import application_invoice, exhibitor_terms, producer_applications


class ApplicationForm(forms.Form):
    preferred_zone = forms.ModelChoiceField(label=gettext_lazy("Preferred zone"), queryset=Zone.objects.none(), required=False)
    products = forms.ModelMultipleChoiceField(
        label=gettext_lazy("Products you will exhibit"), queryset=Product.objects.none(), required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    # needs_power, needs_corner, …: one box per StallFeature, added in __init__ before the note.
    note = forms.CharField(label=gettext_lazy("Note to the organisers"), max_length=1000, required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, event, producer, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["preferred_zone"].queryset = event.zones.order_by("code")
        self.fields["products"].queryset = Product.objects.filter(producer=producer).exclude(status="archived").order_by("position")
        for feature in StallFeature:
            self.fields[feature.need_field] = forms.BooleanField(label=feature.need_form_label, required=False)
        self.order_fields(["preferred_zone", "products", *StallFeature.need_fields(), "note"])


class ApplicationListView(ProducerMemberRequiredMixin, TemplateView):
    """The producer's applications: each one's state, stall, fee and its state, the invoice to
    print and the venue's map; the events open for applications."""

    template_name = "events/dashboard/application_list.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(**kwargs) | producer_applications(producer=self.producer)


class InvoiceView(ProducerMemberRequiredMixin, TemplateView):
    """The stall fee's invoice of one of the producer's applications holding a stall, to print:
    the organiser, the exhibitor, the stall, the fee and its state. Anything else is a 404."""

    template_name = "events/dashboard/invoice.html"

    def get_context_data(self, **kwargs):
        try:
            application = application_invoice(producer=self.producer, pk=self.kwargs["pk"])
        except StallApplication.DoesNotExist:
            raise Http404 from None
        return super().get_context_data(**kwargs) | {
            "application": application,
            "assignment": application.assignment,
            "event": application.event,
            "stall": application.assignment.stall,
            "invoice_number": f"{application.event_id:04d}-{application.pk:06d}",
        }


class ApplyView(ProducerMemberRequiredMixin, ServiceFormView):
    template_name = "events/dashboard/apply.html"
    form_class = ApplicationForm
    http_method_names = ["get", "post", "head", "options"]

    def get_event(self) -> Event:
        if not hasattr(self, "event"):
            self.event = get_object_or_404(Event.objects.select_related("place"), slug=self.kwargs["slug"], status=Event.Status.OPEN)
        return self.event

    def get_form_kwargs(self):
        return super().get_form_kwargs() | {"event": self.get_event(), "producer": self.producer}

    def get_context_data(self, **kwargs):
        event = self.get_event()
        return super().get_context_data(**kwargs) | {
            "event": event,
            "terms": exhibitor_terms(event=event),
            "may_apply": self.producer.state == Producer.State.VERIFIED,
        }

    def perform(self, form):
        return services.application_submit(event=self.get_event(), producer=self.producer, by=self.request.user, **form.cleaned_data)

    def get_success_message(self, form) -> str:
        return _("Your application for %(event)s is sent.") % {"event": self.get_event().display_name}

    def get_success_url(self) -> str:
        return reverse("events:my_applications")


class WithdrawView(ProducerMemberRequiredMixin, View):
    def post(self, request, pk: int):
        application = StallApplication.objects.filter(pk=pk, producer=self.producer).first()
        if application is None:
            raise Http404
        try:
            services.application_transition(application=application, to_state=StallApplication.State.WITHDRAWN, by=request.user)
        except ValidationError as error:
            flash_errors(request, error)
        else:
            messages.success(request, _("Your application is withdrawn."))
        return redirect("events:my_applications")
