from django.db.models import Count

from events.models import Event
from places.models import Country
from places.querysets import ANCESTOR_PATH
from producers.models import Producer

HOME_PRODUCERS = 8
HOME_EVENTS = 3


def home_page_content() -> dict:
    """What the home page shows: featured producers, upcoming events, the countries with counts.

    A fixed number of queries whatever the size of the catalogue.
    """
    producers = list(
        Producer.objects.public().select_related(f"place__{ANCESTOR_PATH}").order_by("-created_at")[:HOME_PRODUCERS]
    )
    events = list(Event.objects.upcoming().select_related(f"place__{ANCESTOR_PATH}")[:HOME_EVENTS])
    producer_counts = dict(
        Producer.objects.public().order_by().values_list("place__country").annotate(n=Count("pk"))
    )
    countries = [
        {"code": code, "name": label, "producer_count": producer_counts.get(code, 0)} for code, label in Country.choices
    ]
    return {"featured_producers": producers, "upcoming_events": events, "countries": countries}
