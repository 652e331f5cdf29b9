"""Places: look-ups in the real place tree that the test database holds (loaded once per session)."""

from places.models import Place


def thai_tambon() -> Place:
    """Any Thai tambon."""
    return Place.objects.filter(country="TH", level="subdistrict").order_by("?").first()


def tambon_of(province: Place, index: int = 0) -> Place:
    """The `index`-th tambon of `province`, in the order of their codes."""
    return Place.objects.filter(level="subdistrict", parent__parent=province).order_by("code")[index]
