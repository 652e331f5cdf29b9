from django import forms
from django.forms import formset_factory
from django.utils.translation import gettext_lazy as _

from places.models import Place
from producers.forms import IMAGE_ACCEPT

from .models import Category, Certification, CertificationType, Product
from .services import LISTING_FIELDS


class ListingForm(forms.ModelForm):
    """A listing's fields. The origin is chosen among the places of the producer's province."""

    origin = forms.TypedChoiceField(label=_("Origin"), coerce=int, required=False, empty_value=None)

    class Meta:
        model = Product
        fields = [name for name in LISTING_FIELDS if name != "origin"]
        widgets = {
            name: forms.Textarea(attrs={"rows": 4})
            for name in LISTING_FIELDS
            if name.startswith(("description_", "story_"))
        }

    def __init__(self, *args, producer, **kwargs):
        super().__init__(*args, **kwargs)
        self.producer = producer
        categories = Category.objects.select_related("parent").order_by("parent__position", "position")
        groups: dict[str, list] = {}
        for category in categories:
            if category.parent_id:
                groups.setdefault(category.parent.name, []).append((category.pk, category.name))
        self.fields["category"].choices = [("", _("Choose…"))] + list(groups.items())
        self.fields["category"].widget = forms.Select(choices=self.fields["category"].choices)
        self.fields["origin"].choices = [("", _("Where the producer is"))] + self._origin_choices(producer)
        if self.instance.pk and self.instance.origin_id:
            self.initial["origin"] = self.instance.origin_id
        self.fields["price"].label = _("Price (%(currency)s)") % {"currency": producer.currency}

    @staticmethod
    def _origin_choices(producer) -> list:
        province = producer.province
        if producer.country == "TH":
            tambons = (
                Place.objects.filter(level="subdistrict", parent__parent=province)
                .select_related("parent")
                .order_by("parent__name_en", "name_en")
            )
            groups: dict[str, list] = {}
            for tambon in tambons:
                groups.setdefault(tambon.parent.name, []).append((tambon.pk, tambon.name))
            return list(groups.items())
        return [(p.pk, p.name) for p in Place.objects.filter(level="province", country=producer.country).order_by("name_en")]

    def clean(self):
        data = super().clean()
        # Said on the field, before the model's range check answers for the whole form.
        if data.get("star_scheme") and data.get("star_rating") is None and "star_rating" not in self.errors:
            self.add_error("star_rating", _("Give the number of stars of the award."))
        return data

    def clean_origin(self):
        pk = self.cleaned_data.get("origin")
        if pk is None:
            return None
        allowed = {value for value, _label in self._flat_choices(self.fields["origin"].choices)}
        if pk not in allowed:
            raise forms.ValidationError(_("Choose a place from the list."))
        return Place.objects.get(pk=pk)

    @staticmethod
    def _flat_choices(choices):
        for value, label in choices:
            if isinstance(label, (list, tuple)):
                yield from label
            elif value != "":
                yield value, label


class CertificationForm(forms.Form):
    kind = forms.ChoiceField(label=_("Certification"), choices=[("", "—")] + list(CertificationType.choices), required=False)
    name = forms.CharField(label=_("Name (for a GI)"), max_length=200, required=False)
    number = forms.CharField(label=_("Number"), max_length=80, required=False)
    year = forms.IntegerField(label=_("Year"), min_value=1950, max_value=2100, required=False)


CertificationFormSet = formset_factory(CertificationForm, extra=2, max_num=len(CertificationType.choices), validate_max=True)


class StockForm(forms.Form):
    stock = forms.IntegerField(label=_("In stock"), min_value=0, max_value=1_000_000)


class ListingPhotoForm(forms.Form):
    image = forms.FileField(label=_("Photo"), widget=forms.ClearableFileInput(attrs={"accept": IMAGE_ACCEPT}))
    alt_text = forms.CharField(label=_("What the photo shows"), max_length=200, required=False)


def certification_rows(formset) -> list[dict]:
    return [
        {"kind": f.cleaned_data["kind"], "name": f.cleaned_data.get("name", ""), "number": f.cleaned_data.get("number", ""), "year": f.cleaned_data.get("year")}
        for f in formset.forms
        if f.cleaned_data.get("kind")
    ]


def certification_initial(product: Product) -> list[dict]:
    return [{"kind": c.kind, "name": c.name, "number": c.number, "year": c.year} for c in Certification.objects.filter(product=product)]


class ListingImportForm(forms.Form):
    """An import file, read and checked as a whole on upload (its rows are checked in the preview)."""

    file = forms.FileField(
        label=_("CSV or Excel file"),
        help_text=_("CSV saved as UTF-8, or an Excel workbook (.xlsx), at most 5 MB and 20,000 products."),
        widget=forms.ClearableFileInput(
            attrs={"accept": ".csv,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}
        ),
    )

    def clean_file(self):
        from . import importing

        upload = self.cleaned_data["file"]
        self.file_data = importing.upload_read(upload)
        self.table = importing.listings_parse(self.file_data)
        return upload
