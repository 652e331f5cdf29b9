"""Events such as OTOP City (SPEC §2.5) and the organisers of each."""

from django.conf import settings
from django.db import models
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from .querysets import EventQuerySet


class Event(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")
        OPEN = "open", _("open for applications")
        CLOSED = "closed", _("applications closed")
        PUBLISHED = "published", _("published")
        FINISHED = "finished", _("finished")

    name = models.CharField(_("name in English"), max_length=200)
    name_th = models.CharField(_("name in Thai"), max_length=200, blank=True)
    name_ja = models.CharField(_("name in Japanese"), max_length=200, blank=True)
    slug = models.SlugField(_("slug"), max_length=120, unique=True)
    venue = models.CharField(_("venue"), max_length=200)
    place = models.ForeignKey("places.Place", verbose_name=_("place"), on_delete=models.PROTECT, related_name="events")
    starts_on = models.DateField(_("first day"))
    ends_on = models.DateField(_("last day"))
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.DRAFT)

    objects = EventQuerySet.as_manager()

    class Meta:
        verbose_name = _("event")
        verbose_name_plural = _("events")
        ordering = ["starts_on"]
        constraints = [
            models.CheckConstraint(condition=models.Q(ends_on__gte=models.F("starts_on")), name="events_event_dates_ordered")
        ]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        language = (translation.get_language() or "en")[:2]
        return {"th": self.name_th, "ja": self.name_ja}.get(language) or self.name


class EventOrganiser(models.Model):
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="organisers")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="organised_events")

    class Meta:
        verbose_name = _("organiser")
        verbose_name_plural = _("organisers")
        constraints = [models.UniqueConstraint(fields=["event", "user"], name="events_organiser_unique")]

    def __str__(self) -> str:
        return f"{self.user} @ {self.event}"
