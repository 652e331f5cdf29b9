"""Demo events: OTOP City running now, one finished last year, one open for applications."""

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from places.models import Place

from .models import Event, EventOrganiser


@transaction.atomic
def demo_events_create(*, organisers) -> list[Event]:
    today = timezone.localdate()
    bangkok = Place.objects.get(country="TH", level="district", code="1206")  # Pak Kret, where IMPACT Muang Thong Thani is
    chiang_mai = Place.objects.get(country="TH", level="province", code="50")
    oita = Place.objects.get(country="JP", level="province", code="44")
    specs = [
        dict(
            slug=f"otop-city-{today.year}",
            name=f"OTOP City {today.year}",
            name_th=f"OTOP City {today.year + 543}",
            name_ja=f"OTOPシティ{today.year}",
            venue="IMPACT Muang Thong Thani",
            place=bangkok,
            starts_on=today - timedelta(days=3),
            ends_on=today + timedelta(days=5),
            status=Event.Status.PUBLISHED,
        ),
        dict(
            slug=f"otop-city-{today.year - 1}",
            name=f"OTOP City {today.year - 1}",
            name_th=f"OTOP City {today.year + 542}",
            name_ja=f"OTOPシティ{today.year - 1}",
            venue="IMPACT Muang Thong Thani",
            place=bangkok,
            starts_on=today - timedelta(days=368),
            ends_on=today - timedelta(days=360),
            status=Event.Status.FINISHED,
        ),
        dict(
            slug=f"northern-otop-fair-{today.year + 1}",
            name=f"Northern OTOP Fair {today.year + 1}",
            name_th=f"งาน OTOP ภาคเหนือ {today.year + 544}",
            name_ja=f"北部OTOPフェア{today.year + 1}",
            venue="Chiang Mai International Exhibition and Convention Centre",
            place=chiang_mai,
            starts_on=today + timedelta(days=75),
            ends_on=today + timedelta(days=81),
            status=Event.Status.OPEN,
        ),
        dict(
            slug=f"oita-ovop-market-{today.year + 1}",
            name=f"Oita One Village One Product Market {today.year + 1}",
            name_th=f"ตลาดหนึ่งหมู่บ้านหนึ่งผลิตภัณฑ์โออิตะ {today.year + 544}",
            name_ja=f"大分一村一品マーケット{today.year + 1}",
            venue="Oita Station Square",
            place=oita,
            starts_on=today + timedelta(days=140),
            ends_on=today + timedelta(days=142),
            status=Event.Status.DRAFT,
        ),
    ]
    events = []
    for spec in specs:
        event, _ = Event.objects.update_or_create(slug=spec.pop("slug"), defaults=spec)
        events.append(event)
        for user in organisers:
            EventOrganiser.objects.get_or_create(event=event, user=user)
    return events
