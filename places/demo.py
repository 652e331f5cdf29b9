"""The place trees, loaded first for the demo site (seed_demo)."""

from core.demo import DemoSite, demo_step

from .services import places_load


@demo_step(order=10, label="places", summary="places")
def demo_places_step(site: DemoSite) -> str:
    counts = places_load()
    return f"{sum(counts.values())} places"
