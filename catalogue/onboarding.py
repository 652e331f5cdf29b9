"""The catalogue's part of a group's onboarding checklist (producers/onboarding.py): its first
published product. Registered in CatalogueConfig.ready()."""

from django.db.models import Count, Q
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from producers.models import Producer
from producers.onboarding import Step, StepState

from .models import Product


def first_product_step(producer: Producer, *, is_manager: bool) -> Step:
    """Done once the group has published a product (shown to visitors when it is verified)."""
    counts = Product.objects.filter(producer=producer).aggregate(
        published=Count("pk", filter=Q(status=Product.Status.PUBLISHED)),
        drafts=Count("pk", filter=Q(status=Product.Status.DRAFT)),
    )
    if counts["published"]:
        return Step(
            key="first_product",
            title=_("Publish your first product"),
            state=StepState.DONE,
            detail=ngettext("%(count)s product published.", "%(count)s products published.", counts["published"])
            % {"count": counts["published"]},
            unlocks=_("Visitors can find and buy it once your group is verified."),
            url=reverse("catalogue:listings"),
            link_text=_("Your products"),
        )
    drafts = counts["drafts"]
    return Step(
        key="first_product",
        title=_("Publish your first product"),
        state=StepState.TODO,
        detail=ngettext(
            "You have %(count)s draft: give it a photo and publish it.",
            "You have %(count)s drafts: give one a photo and publish it.",
            drafts,
        )
        % {"count": drafts}
        if drafts
        else _("No product yet."),
        unlocks=_("Visitors can find and buy it once your group is verified."),
        url=reverse("catalogue:listings") if drafts else reverse("catalogue:listing_create"),
        link_text=_("Your products") if drafts else _("Add a product"),
    )
