from django import forms
from django.conf import settings
from django.forms import inlineformset_factory
from django.utils.translation import gettext_lazy as _

from places.models import Country
from producers.forms import IMAGE_ACCEPT

from .models import Order, SalesTerms, ShippingBand
from .services import ADDRESS_FIELDS, MAX_QUANTITY, SALES_TERMS_FIELDS


class AddToCartForm(forms.Form):
    product = forms.CharField(max_length=140)
    quantity = forms.IntegerField(label=_("Quantity"), min_value=1, max_value=MAX_QUANTITY, initial=1)


class CartQuantityForm(forms.Form):
    item = forms.IntegerField(min_value=1)
    quantity = forms.IntegerField(label=_("Quantity"), min_value=0, max_value=MAX_QUANTITY)


class AddressForm(forms.Form):
    full_name = forms.CharField(label=_("Full name"), max_length=150, widget=forms.TextInput(attrs={"autocomplete": "name"}))
    phone = forms.RegexField(
        label=_("Phone"), max_length=32, regex=r"^[0-9+()\- ]{6,32}$",
        error_messages={"invalid": _("Use digits, spaces, +, - and brackets only.")},
        widget=forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}),
    )
    email = forms.EmailField(label=_("E-mail"), widget=forms.EmailInput(attrs={"autocomplete": "email"}))
    address_line = forms.CharField(label=_("House number, street, building"), max_length=300, required=False,
                                   widget=forms.TextInput(attrs={"autocomplete": "address-line1"}))
    subdistrict = forms.CharField(label=_("Sub-district"), max_length=120, required=False)
    district = forms.CharField(label=_("District"), max_length=120, required=False)
    province = forms.CharField(label=_("Province"), max_length=120, required=False,
                               widget=forms.TextInput(attrs={"autocomplete": "address-level1"}))
    postcode = forms.CharField(label=_("Postcode"), max_length=12, required=False,
                               widget=forms.TextInput(attrs={"autocomplete": "postal-code", "inputmode": "numeric"}))
    country = forms.ChoiceField(label=_("Country"), choices=Country.choices, initial="TH")

    def address(self) -> dict:
        return {name: self.cleaned_data.get(name, "") for name in ADDRESS_FIELDS}

    def require_postal_address(self):
        """Shipping needs the whole address; pick-up only the contact."""
        for name in ("address_line", "province", "postcode"):
            if not self.cleaned_data.get(name):
                self.add_error(name, _("Needed for shipping."))
        return not self.errors


class SlipForm(forms.Form):
    slip = forms.FileField(label=_("Transfer slip (photo or screenshot)"), widget=forms.ClearableFileInput(attrs={"accept": IMAGE_ACCEPT}))


class CancelForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=1000, widget=forms.Textarea(attrs={"rows": 2}))
    refund_note = forms.CharField(label=_("Refund"), max_length=1000, required=False)


class ShipForm(forms.Form):
    carrier = forms.CharField(label=_("Carrier"), max_length=80)
    tracking_number = forms.CharField(label=_("Tracking number"), max_length=80)


class ReviewForm(forms.Form):
    line = forms.IntegerField(widget=forms.HiddenInput)
    rating = forms.TypedChoiceField(label=_("Stars"), choices=[(n, "★" * n) for n in range(5, 0, -1)], coerce=int)
    text = forms.CharField(label=_("Your review"), max_length=3000, widget=forms.Textarea(attrs={"rows": 3}))


class OrderFilterForm(forms.Form):
    state = forms.ChoiceField(label=_("State"), choices=[("", _("All"))] + list(Order.State.choices), required=False)
    # Orders with one product in them, from a listing's "reserved in unpaid orders" link.
    product = forms.IntegerField(min_value=1, max_value=2**63 - 1, required=False)


class SalesTermsForm(forms.ModelForm):
    class Meta:
        model = SalesTerms
        fields = SALES_TERMS_FIELDS

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        holds = settings.ORDERS_PAYMENT_HOLD_HOURS
        self.fields["unpaid_expiry_hours"].help_text = _(
            "Unpaid PromptPay orders are held at most %(promptpay)s hours and bank transfers %(transfer)s hours, "
            "or less if you allow less here; a transfer slip sent in time keeps the order for your full time."
        ) % {"promptpay": holds.get("promptpay", "–"), "transfer": holds.get("bank_transfer", "–")}


ShippingBandFormSet = inlineformset_factory(
    SalesTerms, ShippingBand, fields=["max_weight_grams", "price"], extra=2, can_delete=True, max_num=10
)
