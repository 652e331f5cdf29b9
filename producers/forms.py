from django import forms
from django.utils.translation import gettext_lazy as _

from places.models import Country, Place

from .models import Language, Producer, ProducerMembership
from .services import PAYMENT_FIELDS, PROFILE_FIELDS

IMAGE_ACCEPT = "image/jpeg,image/png,image/webp,image/gif"


def _grouped(places, group_key, label) -> list:
    groups: dict[str, list] = {}
    for place in places:
        groups.setdefault(group_key(place), []).append((place.pk, label(place)))
    return list(groups.items())


class RegistrationBasicsForm(forms.Form):
    """Step 1 of registering a producer: who you are and which province you are in."""

    name = forms.CharField(label=_("Name in your own language"), max_length=200)
    name_en = forms.CharField(label=_("Name in English"), max_length=200)
    name_ja = forms.CharField(label=_("Name in Japanese (optional)"), max_length=200, required=False)
    kind = forms.ChoiceField(label=_("You are"), choices=Producer.Kind.choices)
    own_language = forms.ChoiceField(label=_("Your own language"), choices=Language.choices)
    province = forms.TypedChoiceField(label=_("Province or prefecture"), coerce=int)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        provinces = Place.objects.filter(level="province").order_by("country", "name_en")
        country_names = dict(Country.choices)
        groups = _grouped(provinces, lambda p: p.country, lambda p: p.name)
        # Thailand first: most producers are Thai, and its 77 provinces should not come after Japan's.
        groups.sort(key=lambda group: (group[0] != "TH", group[0]))
        self.fields["province"].choices = [("", _("Choose…"))] + [
            (str(country_names[country]), choices) for country, choices in groups
        ]

    def clean_province(self):
        place = Place.objects.filter(level="province", pk=self.cleaned_data["province"]).first()
        if place is None:
            raise forms.ValidationError(_("Choose a province from the list."))
        return place.pk


class RegistrationPlaceForm(forms.Form):
    """Step 2: where exactly (tambon and village in Thailand, town elsewhere), and the story."""

    tambon = forms.TypedChoiceField(label=_("Sub-district (tambon)"), coerce=int, required=False)
    town = forms.CharField(label=_("District or town (optional)"), max_length=120, required=False)
    village = forms.CharField(
        label=_("Village (optional)"),
        max_length=120,
        required=False,
        help_text=_("In English letters, e.g. Ban Tha Sawang."),
    )
    story = forms.CharField(
        label=_("Your story"),
        widget=forms.Textarea(attrs={"rows": 5}),
        required=False,
        help_text=_("Who makes your products, and why they belong to your place. Your own language is fine."),
    )
    contact_phone = forms.CharField(label=_("Phone"), max_length=32, required=False)
    contact_email = forms.EmailField(label=_("E-mail for buyers"), required=False)

    def __init__(self, *args, province: Place, **kwargs):
        super().__init__(*args, **kwargs)
        self.province = province
        if province.country == "TH":
            tambons = (
                Place.objects.filter(level="subdistrict", parent__parent=province)
                .select_related("parent")
                .order_by("parent__name_en", "name_en")
            )
            self.fields["tambon"].required = True
            self.fields["tambon"].choices = [("", _("Choose…"))] + _grouped(
                tambons, lambda t: t.parent.name, lambda t: t.name
            )
            del self.fields["town"]
        else:
            del self.fields["tambon"]

    def clean_tambon(self):
        pk = self.cleaned_data.get("tambon")
        tambon = Place.objects.filter(level="subdistrict", parent__parent=self.province, pk=pk).first()
        if tambon is None:
            raise forms.ValidationError(_("Choose a sub-district of %(province)s.") % {"province": self.province.name})
        return tambon


class ProducerProfileForm(forms.ModelForm):
    website = forms.URLField(label=_("Website"), required=False, assume_scheme="https")
    languages = forms.MultipleChoiceField(
        label=_("Languages spoken"), choices=Language.choices, required=False, widget=forms.CheckboxSelectMultiple
    )

    class Meta:
        model = Producer
        fields = PROFILE_FIELDS
        widgets = {
            "story": forms.Textarea(attrs={"rows": 5}),
            "story_en": forms.Textarea(attrs={"rows": 5}),
            "story_ja": forms.Textarea(attrs={"rows": 5}),
        }


class PaymentForm(forms.ModelForm):
    """The details buyers pay into, confirmed with the manager's own password."""

    password = forms.CharField(
        label=_("Your password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        help_text=_("The password you log in with, to confirm that it is you."),
    )

    class Meta:
        model = Producer
        fields = PAYMENT_FIELDS


class PayoutReviewForm(forms.Form):
    note = forms.CharField(
        label=_("Note to the group's managers"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class PhotoForm(forms.Form):
    image = forms.FileField(label=_("Photo"), widget=forms.ClearableFileInput(attrs={"accept": IMAGE_ACCEPT}))
    caption = forms.CharField(label=_("Caption (optional)"), max_length=200, required=False)


class LogoForm(forms.Form):
    logo = forms.FileField(label=_("Logo"), widget=forms.ClearableFileInput(attrs={"accept": IMAGE_ACCEPT}))


class InviteForm(forms.Form):
    invitee = forms.CharField(label=_("User name or e-mail"), max_length=254)
    role = forms.ChoiceField(label=_("Role"), choices=ProducerMembership.Role.choices, initial="member")


class VerificationQueueFilterForm(forms.Form):
    """The verification queue's tabs and search box (a GET form: a bad state shows the pending
    groups, the search is cut at its length)."""

    state = forms.ChoiceField(label=_("State"), required=False, choices=Producer.State.choices)
    q = forms.CharField(
        label=_("Search"), required=False, max_length=100,
        help_text=_("Group name, a manager's name or e-mail, a phone number, a village, district or province."),
    )

    def filters(self) -> dict:
        """The state (pending unless a valid one was asked for) and the words searched for."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return {"state": data.get("state") or Producer.State.PENDING, "query": (data.get("q") or "").strip()}


class StateChangeForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), required=False, max_length=1000, widget=forms.Textarea(attrs={"rows": 2}))
