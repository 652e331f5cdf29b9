"""Producers and community groups, their members, photos and verification history."""

import secrets

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVectorField
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from core.localisation import current_language
from core.models import StateChange

from .querysets import ProducerQuerySet

CURRENCY_BY_COUNTRY = {"TH": "THB", "JP": "JPY", "KH": "KHR", "LA": "LAK", "MM": "MMK", "VN": "VND"}


class Language(models.TextChoices):
    THAI = "th", _("Thai")
    ENGLISH = "en", _("English")
    JAPANESE = "ja", _("Japanese")
    KHMER = "km", _("Khmer")
    LAO = "lo", _("Lao")
    BURMESE = "my", _("Burmese")
    VIETNAMESE = "vi", _("Vietnamese")
    CHINESE = "zh", _("Chinese")


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

    # Names: in the producer's own language, in English, and optionally in Japanese.
    name = models.CharField(_("name in your own language"), max_length=200)
    name_en = models.CharField(_("name in English"), max_length=200)
    name_ja = models.CharField(_("name in Japanese"), max_length=200, blank=True)
    slug = models.SlugField(_("slug"), max_length=120, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.COMMUNITY_GROUP)
    place = models.ForeignKey(
        "places.Place", verbose_name=_("place"), on_delete=models.PROTECT, related_name="producers"
    )
    # The province the place lies in, kept beside it so the directory filters and counts by
    # province with an index instead of walking the tree; set by the services with `place`.
    province = models.ForeignKey(
        "places.Place", verbose_name=_("province"), on_delete=models.PROTECT, related_name="+", editable=False
    )
    country = models.CharField(_("country"), max_length=2, editable=False, db_index=True)
    own_language = models.CharField(
        _("own language"), max_length=2, choices=Language.choices, default=Language.THAI
    )
    languages = ArrayField(
        models.CharField(max_length=2, choices=Language.choices),
        verbose_name=_("languages spoken"),
        default=list,
        blank=True,
    )
    story = models.TextField(_("story in your own language"), blank=True)
    story_en = models.TextField(_("story in English"), blank=True)
    story_ja = models.TextField(_("story in Japanese"), blank=True)
    founded_year = models.PositiveSmallIntegerField(
        _("founded in"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1800), MaxValueValidator(2100)],
    )
    member_count = models.PositiveIntegerField(
        _("number of makers"), null=True, blank=True, help_text=_("How many people make the products.")
    )
    contact_phone = models.CharField(
        _("phone"),
        max_length=32,
        blank=True,
        validators=[RegexValidator(r"^[0-9+()\- ]{6,32}$", _("Use digits, spaces, +, - and brackets only."))],
    )
    contact_email = models.EmailField(_("e-mail"), blank=True)
    line_id = models.CharField(_("LINE ID"), max_length=64, blank=True)
    website = models.URLField(_("website"), blank=True)
    logo = models.ImageField(_("logo"), upload_to="producers/logos/", blank=True, max_length=200)

    # Payment details used at checkout.
    bank_name = models.CharField(_("bank"), max_length=100, blank=True)
    bank_account_name = models.CharField(_("account name"), max_length=200, blank=True)
    bank_account_number = models.CharField(
        _("account number"),
        max_length=32,
        blank=True,
        validators=[RegexValidator(r"^[0-9\- ]{6,32}$", _("Use digits, spaces and - only."))],
    )
    promptpay_id = models.CharField(
        _("PromptPay ID"),
        max_length=20,
        blank=True,
        help_text=_("A Thai mobile number (10 digits) or national ID / tax ID (13 digits)."),
        validators=[RegexValidator(r"^(0\d{9}|\d{13}|\d{15})$", _("Enter a 10-digit mobile number or a 13-digit ID."))],
    )

    state = models.CharField(_("verification state"), max_length=12, choices=State.choices, default=State.PENDING)
    search_document = SearchVectorField(null=True, editable=False)
    created_at = models.DateTimeField(_("registered"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = ProducerQuerySet.as_manager()

    class Meta:
        verbose_name = _("producer")
        verbose_name_plural = _("producers")
        ordering = ["name_en"]
        indexes = [
            models.Index(fields=["state", "country", "province"]),
            models.Index(fields=["state", "-created_at"]),
            GinIndex(fields=["search_document"], name="producers_producer_search"),
        ]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        """The name in the visitor's language, falling back to English, then its own."""
        language = current_language()
        if language == "ja" and self.name_ja:
            return self.name_ja
        if language == self.own_language and self.name:
            return self.name
        return self.name_en or self.name

    @property
    def display_story(self) -> str:
        """The story in the visitor's language, falling back to the producer's own language."""
        language = current_language()
        by_language = {"en": self.story_en, "ja": self.story_ja, self.own_language: self.story}
        return by_language.get(language) or self.story or self.story_en

    @property
    def language_names(self) -> list[str]:
        return [str(Language(code).label) for code in self.languages if code in Language.values]

    @property
    def country_name(self) -> str:
        from places.models import Country

        return str(Country(self.country).label) if self.country in Country.values else self.country

    @property
    def currency(self) -> str:
        return CURRENCY_BY_COUNTRY.get(self.country, "THB")

    @property
    def is_public(self) -> bool:
        return self.state == self.State.VERIFIED


class ProducerStateChange(StateChange):
    """Who verified, suspended or reinstated a producer, when and why (see producers.lifecycles);
    the note is the reason the producer is shown."""

    producer = models.ForeignKey(Producer, on_delete=models.CASCADE, related_name="state_changes")
    from_state = models.CharField(_("from"), max_length=12, choices=Producer.State.choices, blank=True)
    to_state = models.CharField(_("to"), max_length=12, choices=Producer.State.choices)
    note = models.TextField(_("reason"), blank=True)

    class Meta:
        verbose_name = _("verification change")
        verbose_name_plural = _("verification history")
        ordering = ["-at", "-pk"]


class ProducerPhoto(models.Model):
    producer = models.ForeignKey(Producer, on_delete=models.CASCADE, related_name="photos")
    image = models.ImageField(_("photo"), upload_to="producers/photos/", max_length=200)
    caption = models.CharField(_("caption"), max_length=200, blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("photo")
        verbose_name_plural = _("photos")
        ordering = ["position", "pk"]


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
        ordering = ["joined_at", "pk"]
        constraints = [models.UniqueConstraint(fields=["producer", "user"], name="producers_membership_unique")]

    def __str__(self) -> str:
        return f"{self.user} @ {self.producer}"


def _invitation_token() -> str:
    return secrets.token_urlsafe(24)


class ProducerInvitation(models.Model):
    """A manager's invitation to join a producer, to an existing account or an e-mail address."""

    producer = models.ForeignKey(Producer, on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField(_("e-mail"), blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="producer_invitations"
    )
    role = models.CharField(_("role"), max_length=10, choices=ProducerMembership.Role.choices, default="member")
    token = models.CharField(max_length=64, unique=True, default=_invitation_token, editable=False)
    invited_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    accepted = models.BooleanField(null=True, blank=True)  # None until answered

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(email="") | models.Q(user__isnull=False), name="producers_invitation_has_invitee"
            )
        ]


def mask_payout_value(value: str) -> str:
    """A payout value as history and notices show it: all but its last 4 characters hidden, so
    an account can be recognised without being readable (short values are hidden entirely)."""
    value = value or ""
    if not value:
        return ""
    return "••••" + (value[-4:] if len(value) > 4 else "")


class PayoutChange(models.Model):
    """One change of the details buyers pay into (bank account, PromptPay ID): who asked for it,
    when, which fields and their old and new values (masked), and what became of it.

    A change is applied at once, or held for staff review (a new group's); only one change per
    producer is held at a time. The producer's own fields always hold the details in force, so
    checkout and the order pages never see a held change; `proposed` keeps the full new values
    only while the change is held, for staff to check and to apply on approval.
    """

    class State(models.TextChoices):
        APPLIED = "applied", _("in force at once")
        HELD = "held", _("held for review")
        APPROVED = "approved", _("approved by staff")
        REJECTED = "rejected", _("rejected by staff")
        REPLACED = "replaced", _("replaced by a newer change")

    producer = models.ForeignKey(Producer, on_delete=models.CASCADE, related_name="payout_changes")
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("when"), auto_now_add=True)
    # [{"field": "promptpay_id", "old": "••••5678", "new": "••••4321"}, …], masked when written.
    changes = models.JSONField(_("changes"), default=list)
    proposed = models.JSONField(_("proposed details"), default=dict, blank=True)
    state = models.CharField(_("state"), max_length=10, choices=State.choices)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reviewed by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    reviewed_at = models.DateTimeField(_("reviewed"), null=True, blank=True)
    review_note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("payout change")
        verbose_name_plural = _("payout changes")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["producer"], condition=models.Q(state="held"), name="producers_one_held_payout_change"
            ),
            models.CheckConstraint(
                condition=models.Q(state__in=["applied", "held", "approved", "rejected", "replaced"]),
                name="producers_payout_change_state_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.producer} · {self.created_at:%Y-%m-%d %H:%M} · {self.state}"

    @property
    def field_changes(self) -> list[dict]:
        """The changes with each field's label in the reader's language (and, while the change
        is held, the full proposed value, for staff only to see)."""
        labels = {f.name: f.verbose_name for f in Producer._meta.get_fields() if hasattr(f, "verbose_name")}
        return [
            dict(change, label=labels.get(change["field"], change["field"]), proposed=self.proposed.get(change["field"], ""))
            for change in self.changes
        ]
