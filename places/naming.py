"""Full place names as people in each country write them, in the visitor's language."""

from core.localisation import current_language

THAI_PREFIXES_TH = {"village": "", "subdistrict": "ต.", "district": "อ.", "province": "จ."}
BANGKOK_CODE = "10"


def _thai_label(place, language: str) -> str:
    name = place.name
    in_bangkok = place.code.startswith(BANGKOK_CODE) and place.country == "TH"
    if language == "th":
        if place.level == "subdistrict":
            return ("แขวง" if in_bangkok else "ต.") + name
        if place.level == "district":
            return name if name.startswith("เขต") or in_bangkok else "อ." + name
        if place.level == "province":
            return name if in_bangkok else "จ." + name
        return name
    if place.level == "subdistrict":
        return ("Khwaeng " if in_bangkok else "Tambon ") + name
    return name


def full_name(place) -> str:
    language = current_language()
    chain = place.ancestors()
    if place.country == "TH":
        parts = [_thai_label(p, language) for p in chain]
    else:
        parts = [p.name for p in chain]
    if language == "ja":
        # Japanese addresses run from the largest place to the smallest.
        return " ".join(reversed(parts))
    separator = " " if language == "th" else ", "
    return separator.join(parts)


def postal_address(place) -> str:
    """The place as the end of a postal address, in the visitor's language: its full name, the
    postcode when the place (or the tambon it lies in) has only one, and the country; "Tambon Tha
    Sawang, Mueang Surin, Surin 32000, Thailand". Load the place with its ancestors."""
    from .models import Country

    codes = next((p.postal_codes.split() for p in place.ancestors() if p.postal_codes), [])
    postcode = codes[0] if len(codes) == 1 else ""
    country = Country(place.country).label if place.country in Country.values else ""
    if current_language() == "ja":
        return " ".join(part for part in (f"〒{postcode}" if postcode else "", str(country), full_name(place)) if part)
    separator = " " if current_language() == "th" else ", "
    return separator.join(part for part in (" ".join(filter(None, (full_name(place), postcode))), str(country)) if part)
