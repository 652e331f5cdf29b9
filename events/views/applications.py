"""The producer's stall applications, in /dashboard/events/."""

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import TemplateView

from catalogue.models import Product
from core.views import add_service_errors, flash_errors
from producers.views.mixins import ProducerMemberRequiredMixin

from .. import services
from ..models import Event, StallApplication, StallFeature, Zone
from ..selectors import producer_applications


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
    template_name = "events/dashboard/application_list.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(**kwargs) | producer_applications(producer=self.producer) | {"today": timezone.localdate()}


class ApplyView(ProducerMemberRequiredMixin, TemplateView):
    template_name = "events/dashboard/apply.html"

    def get_event(self) -> Event:
        return get_object_or_404(Event, slug=self.kwargs["slug"], status=Event.Status.OPEN)

    def get_context_data(self, **kwargs):
        event = self.get_event()
        form = kwargs.pop("form", None) or ApplicationForm(event=event, producer=self.producer)
        return super().get_context_data(**kwargs) | {"event": event, "form": form}

    def post(self, request, slug: str):
        event = self.get_event()
        form = ApplicationForm(request.POST, event=event, producer=self.producer)
        if form.is_valid():
            try:
                services.application_submit(event=event, producer=self.producer, by=request.user, **form.cleaned_data)
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("Your application for %(event)s is sent.") % {"event": event.display_name})
                return redirect("events:my_applications")
        return self.render_to_response(self.get_context_data(form=form))


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
