"""Producers and community groups (SPEC §2.2) and the memberships that make a user a producer."""

from django.conf import settings
from django.db import models
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from .querysets import ProducerQuerySet


class Producer(models.Model):
    class Kind(models.TextChoices):
        INDIVIDUAL = "individual", _("individual producer")
        COMMUNITY_GROUP = "community_group", _("community group")
        COOPERATIVE = "cooperative", _("cooperative")
        ENTERPRISE = "enterprise", _("community enterprise")

    class State(models.TextChoices):
        PENDING = "pending", _("pending verification")
        VERIFIED = "verified", _("verified")
        SUSPENDED = "suspended", _("suspended")

    name = models.CharField(_("name in the producer's own language"), max_length=200)
    name_en = models.CharField(_("name in English"), max_length=200)
    name_ja = models.CharField(_("name in Japanese"), max_length=200, blank=True)
    slug = models.SlugField(_("slug"), max_length=120, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.COMMUNITY_GROUP)
    place = models.ForeignKey(
        "places.Place", verbose_name=_("place"), on_delete=models.PROTECT, related_name="producers"
    )
    state = models.CharField(_("verification state"), max_length=12, choices=State.choices, default=State.PENDING)
    created_at = models.DateTimeField(_("registered"), auto_now_add=True)

    objects = ProducerQuerySet.as_manager()

    class Meta:
        verbose_name = _("producer")
        verbose_name_plural = _("producers")
        ordering = ["name_en"]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        """The name in the visitor's language: Japanese or English where given, else its own."""
        language = (translation.get_language() or "en")[:2]
        if language == "ja" and self.name_ja:
            return self.name_ja
        if language == "en" and self.name_en:
            return self.name_en
        if language == "th" and self.place.country != "TH" and self.name_en:
            return self.name_en
        return self.name or self.name_en


class ProducerMembership(models.Model):
    class Role(models.TextChoices):
        MANAGER = "manager", _("manager")
        MEMBER = "member", _("member")

    producer = models.ForeignKey(Producer, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="producer_memberships")
    role = models.CharField(_("role"), max_length=10, choices=Role.choices, default=Role.MEMBER)
    joined_at = models.DateTimeField(_("joined"), auto_now_add=True)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [models.UniqueConstraint(fields=["producer", "user"], name="producers_membership_unique")]

    def __str__(self) -> str:
        return f"{self.user} @ {self.producer}"
