"""The organiser's forms. Every choice of a zone, stall, application or assignment is limited to
the event at hand, so an id from another event is an invalid choice, never a change."""

from decimal import Decimal

from django import forms
from django.db.models import Q
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from catalogue.models import Category
from places.models import Place

from .models import AssignmentProposal, Event, FeeTariff, Stall, StallApplication, StallAssignment, StallFeature, Zone
from .services import EVENT_FIELDS, MAX_GRID

NEED_CHOICES = [(feature.value, feature.need_label) for feature in StallFeature]
BULK_STATES = [
    (StallApplication.State.ACCEPTED, _("Accept")),
    (StallApplication.State.WAITLISTED, _("Waitlist")),
    (StallApplication.State.REJECTED, _("Reject")),
]


class PlaceChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, place):
        return f"{place.name} · {place.get_country_display()}"


class EventForm(forms.ModelForm):
    """An event's names, slug, venue, place and dates, its map link, requirements and organiser
    (its status moves by its own buttons)."""

    map_url = forms.URLField(
        label=capfirst(Event._meta.get_field("map_url").verbose_name), required=False, max_length=500, assume_scheme="https",
        help_text=Event._meta.get_field("map_url").help_text, widget=forms.URLInput(attrs={"placeholder": "https://"}),
    )

    class Meta:
        model = Event
        fields = EVENT_FIELDS
        field_classes = {"place": PlaceChoiceField}
        widgets = {
            "starts_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "ends_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "requirements": forms.Textarea(attrs={"rows": 3}),
            "organiser_address": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Provinces, and the event's own place when it is a district (as the demo events are).
        current = Q(pk=self.instance.place_id) if self.instance.place_id else Q(pk__in=[])
        self.fields["place"].queryset = Place.objects.filter(Q(level=Place.Level.PROVINCE) | current).order_by("country", "name_en")
        # Left empty, the slug is made from the name (or the first day, for a name in Thai or Japanese).
        self.fields["slug"].required = False
        self.fields["slug"].help_text = _("Part of the event's address, e.g. otop-city-2026. Leave it empty to have it made from the name.")


class EventStatusForm(forms.Form):
    status = forms.ChoiceField(choices=Event.Status.choices)


class ZoneForm(forms.ModelForm):
    class Meta:
        model = Zone
        fields = ["code", "name", "name_th", "name_ja", "theme_category", "theme_region", "colour"]
        widgets = {"colour": forms.TextInput(attrs={"type": "color"})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["theme_category"].queryset = Category.objects.filter(parent__isnull=True).order_by("position", "slug")
        self.fields["theme_region"].queryset = Place.objects.filter(level=Place.Level.REGION).order_by("country", "name_en")


class StallGridForm(forms.Form):
    """A block of stalls: 'zone B, 10 × 12 stalls, 3 m × 3 m, corners marked'."""

    zone = forms.ModelChoiceField(label=_("Zone"), queryset=Zone.objects.none())
    rows = forms.IntegerField(label=_("Rows"), min_value=1, max_value=MAX_GRID, initial=2)
    columns = forms.IntegerField(label=_("Stalls per row"), min_value=1, max_value=MAX_GRID, initial=10)
    width = forms.DecimalField(label=_("Stall width (m)"), min_value=Decimal("0.5"), max_value=Decimal("99"), decimal_places=2, initial=3)
    depth = forms.DecimalField(label=_("Stall depth (m)"), min_value=Decimal("0.5"), max_value=Decimal("99"), decimal_places=2, initial=3)
    origin_x = forms.DecimalField(label=_("Left edge (m from the hall's left wall)"), min_value=0, max_value=Decimal("9999"), decimal_places=2, initial=0)
    origin_y = forms.DecimalField(label=_("Top edge (m from the hall's front wall)"), min_value=0, max_value=Decimal("9999"), decimal_places=2, initial=0)
    aisle = forms.DecimalField(label=_("Aisle between pairs of rows (m)"), min_value=0, max_value=Decimal("99"), decimal_places=2, initial=3)
    fee = forms.DecimalField(
        label=_("Fee per stall"), min_value=0, max_digits=10, decimal_places=2, required=False,
        help_text=_("Leave empty for the fee of the event's tariff (none: 0)."),
    )
    corners = forms.BooleanField(label=_("Mark the stalls at the ends of each row as corners"), required=False, initial=True)
    power_every = forms.IntegerField(
        label=_("Power at every n-th stall"), min_value=0, max_value=1000, initial=0, help_text=_("0 for none, 1 for every stall.")
    )

    def __init__(self, *args, event: Event, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["zone"].queryset = Zone.objects.filter(event=event).order_by("code")


class StallForm(forms.ModelForm):
    """One stall: its code, zone, place and size on the plan, fee and features. The numbers are
    bounded as the grid generator's are; the zone is one of the event's."""

    x = forms.DecimalField(label=_("Left edge (m from the hall's left wall)"), min_value=0, max_value=Decimal("9999"), decimal_places=2)
    y = forms.DecimalField(label=_("Top edge (m from the hall's front wall)"), min_value=0, max_value=Decimal("9999"), decimal_places=2)
    width = forms.DecimalField(label=_("Width (m)"), min_value=Decimal("0.5"), max_value=Decimal("99"), decimal_places=2)
    depth = forms.DecimalField(label=_("Depth (m)"), min_value=Decimal("0.5"), max_value=Decimal("99"), decimal_places=2)
    fee = forms.DecimalField(label=_("Fee"), min_value=0, max_digits=10, decimal_places=2)

    class Meta:
        model = Stall
        fields = ["code", "zone", "x", "y", "width", "depth", "fee", "fee_by_hand", *StallFeature.stall_fields()]
        labels = {"code": _("Code"), "zone": _("Zone"), "fee_by_hand": _("Fee set by hand (the tariff does not change it)")} | {
            feature.stall_field: feature.stall_form_label for feature in StallFeature
        }

    def __init__(self, *args, event: Event, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["zone"].queryset = Zone.objects.filter(event=event).order_by("code")
        self.fields["zone"].empty_label = None
        self.fields["fee_by_hand"].help_text = _("Untick to give the stall the fee of the event's tariff again.")

    def clean(self):
        data = super().clean()
        # A fee typed in is meant as this stall's own fee.
        if "fee" in self.changed_data and "fee_by_hand" not in self.changed_data:
            data["fee_by_hand"] = True
        return data


class StallFindForm(forms.Form):
    """A stall of the event by its code, as typed (B-12)."""

    code = forms.CharField(label=_("Stall code"), max_length=16, help_text=_("e.g. B-12"))


class LayoutCopyForm(forms.Form):
    source = forms.ModelChoiceField(label=_("Copy the zones and stalls of"), queryset=Event.objects.none())

    def __init__(self, *args, sources, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["source"].queryset = sources


class ApplicationFilterForm(forms.Form):
    """The filters of the application list (a GET form: a bad value shows its error and the
    list unfiltered)."""

    state = forms.ChoiceField(label=_("State"), required=False, choices=[("", _("Any state"))] + StallApplication.State.choices)
    category = forms.ModelChoiceField(label=_("Category"), required=False, queryset=Category.objects.none(), to_field_name="slug", empty_label=_("Any category"))
    province = forms.ModelChoiceField(label=_("Province"), required=False, queryset=Place.objects.none(), to_field_name="slug", empty_label=_("Any province"))
    needs = forms.MultipleChoiceField(label=_("Needs"), required=False, choices=NEED_CHOICES, widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, categories, provinces, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = categories
        self.fields["province"].queryset = provinces

    def filters(self) -> dict:
        """The valid filters, or none at all when any value is bad."""
        if not self.is_bound or not self.is_valid():
            return {}
        data = self.cleaned_data
        return {"state": data["state"], "category": data["category"], "province": data["province"], "needs": [n for n in data["needs"] if n in StallFeature.values]}


class ApplicationBulkForm(forms.Form):
    applications = forms.ModelMultipleChoiceField(
        queryset=StallApplication.objects.none(), error_messages={"required": _("Tick at least one application.")}
    )
    to_state = forms.ChoiceField(choices=BULK_STATES)
    note = forms.CharField(label=_("Reason (sent to the producers)"), max_length=500, required=False)

    def __init__(self, *args, event: Event, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["applications"].queryset = StallApplication.objects.filter(event=event).select_related("producer", "event")


class StallAssignForm(forms.Form):
    application = forms.ModelChoiceField(
        queryset=StallApplication.objects.none(),
        error_messages={
            "required": _("Choose an application first, then click a stall."),
            "invalid_choice": _("That application is no longer waiting for a stall."),
        },
    )
    stall = forms.ModelChoiceField(queryset=Stall.objects.none(), error_messages={"required": _("Click a stall.")})

    def __init__(self, *args, event: Event, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["application"].queryset = StallApplication.objects.filter(event=event, state=StallApplication.State.ACCEPTED).select_related("event", "producer")
        self.fields["stall"].queryset = Stall.objects.filter(event=event)


class StallSwapForm(forms.Form):
    stalls = forms.ModelMultipleChoiceField(queryset=Stall.objects.none(), error_messages={"required": _("Tick two stalls to swap.")})

    def __init__(self, *args, event: Event, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["stalls"].queryset = Stall.objects.filter(event=event)

    def clean_stalls(self):
        stalls = list(self.cleaned_data["stalls"])
        if len(stalls) != 2:
            raise forms.ValidationError(_("Tick exactly two stalls to swap."))
        return stalls


class StallUnassignForm(forms.Form):
    stall = forms.ModelChoiceField(queryset=Stall.objects.none(), error_messages={"required": _("Click the stall to free.")})

    def __init__(self, *args, event: Event, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["stall"].queryset = Stall.objects.filter(event=event)


class ProposalForm(forms.Form):
    proposal = forms.ModelChoiceField(
        queryset=AssignmentProposal.objects.none(),
        error_messages={"invalid_choice": _("That proposal is gone: it was accepted or discarded meanwhile.")},
    )

    def __init__(self, *args, event: Event, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["proposal"].queryset = AssignmentProposal.objects.filter(event=event).select_related("event")


class AssignmentChoiceForm(forms.Form):
    """An assigned stall of the event, for check-in; with `fee_state` for the fee."""

    assignment = forms.ModelChoiceField(queryset=StallAssignment.objects.none())
    fee_state = forms.ChoiceField(choices=StallAssignment.Fee.choices, required=False)

    def __init__(self, *args, event: Event, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignment"].queryset = StallAssignment.objects.filter(event=event).select_related("event", "stall", "producer")


class FeeTariffForm(forms.ModelForm):
    """The event's tariff: how the base fee is counted, its amounts and the two surcharges."""

    class Meta:
        model = FeeTariff
        fields = ["basis", "single_fee", "double_fee", "area_fee", "corner_surcharge", "power_surcharge"]
        widgets = {"basis": forms.RadioSelect}
        help_texts = {
            "single_fee": _("Per stall: a stall that is not double."),
            "double_fee": _("Per stall: a double stall."),
            "area_fee": _("Per square metre: width × depth of each stall."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("single_fee", "double_fee", "area_fee", "corner_surcharge", "power_surcharge"):
            self.fields[name].widget.attrs.update(min="0", step="any", inputmode="decimal")


class OrganiserInviteForm(forms.Form):
    email = forms.EmailField(label=_("E-mail address"), max_length=254)
