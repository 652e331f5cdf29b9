import hashlib
from collections import Counter
from collections.abc import Iterable

from django.db import transaction
from django.utils.text import slugify

from . import sources
from .models import Place

LEVEL_ORDER = ["country", "region", "province", "district", "subdistrict"]
UPDATED_FIELDS = ["name_en", "name_local", "name_th", "name_ja", "parent", "region", "postal_codes"]


def _slug_candidates(row: sources.PlaceRow, parent_slug: str | None) -> list[str]:
    base = slugify(row.name_en) or f"{row.country.lower()}-{row.level}-{row.code.lower()}"
    if row.level == "region":
        return [f"{row.country.lower()}-{base}"]
    candidates = [base]
    if parent_slug:
        candidates.append(f"{parent_slug}-{base}")
    candidates.append(f"{base}-{row.country.lower()}")
    candidates.append(f"{base}-{row.country.lower()}-{slugify(row.code)}")
    return [c[:120] for c in candidates]


@transaction.atomic
def places_load(rows: Iterable[sources.PlaceRow] | None = None) -> Counter:
    """Write the place tree from the data packages; return how many places of each level it holds.

    Idempotent: rows are matched on (country, level, code) and updated in place, so running it
    again changes nothing and keeps every existing slug (they are in bookmarked URLs). Parents are
    written before children, level by level, with bulk inserts.
    """
    by_level: dict[str, list[sources.PlaceRow]] = {level: [] for level in LEVEL_ORDER}
    for row in sources.all_rows() if rows is None else rows:
        by_level[row.level].append(row)

    existing_slugs = {
        (country, level, code): slug for country, level, code, slug in Place.objects.values_list("country", "level", "code", "slug")
    }
    used_slugs = set(existing_slugs.values())
    ids: dict[tuple[str, str, str], int] = dict(
        ((country, level, code), pk) for country, level, code, pk in Place.objects.values_list("country", "level", "code", "pk")
    )
    slugs_by_key: dict[tuple[str, str, str], str] = dict(existing_slugs)
    parent_level = {"region": "country", "province": "country", "district": "province", "subdistrict": "district"}

    for level in LEVEL_ORDER:
        level_rows = sorted(by_level[level], key=lambda r: (r.country, r.code))
        objects = []
        for row in level_rows:
            key = (row.country, row.level, row.code)
            parent_key = None
            if level != "country":
                above = parent_level[level]
                parent_key = (row.country, above, row.parent_code if row.parent_code else row.country)
            slug = slugs_by_key.get(key)
            if slug is None:
                parent_slug = slugs_by_key.get(parent_key) if parent_key and parent_key[1] != "country" else None
                slug = next((c for c in _slug_candidates(row, parent_slug) if c not in used_slugs), None)
                if slug is None:
                    raise ValueError(f"No free slug for {key}")
                used_slugs.add(slug)
                slugs_by_key[key] = slug
            objects.append(
                Place(
                    country=row.country,
                    level=row.level,
                    code=row.code,
                    slug=slug,
                    name_en=row.name_en,
                    name_local=row.name_local,
                    name_th=row.name_th,
                    name_ja=row.name_ja,
                    postal_codes=row.postal_codes,
                    parent_id=ids[parent_key] if parent_key else None,
                    region_id=ids[(row.country, "region", row.region_code)] if row.region_code else None,
                )
            )
        Place.objects.bulk_create(
            objects,
            batch_size=2000,
            update_conflicts=True,
            unique_fields=["country", "level", "code"],
            update_fields=UPDATED_FIELDS,
        )
        for country, code, pk in Place.objects.filter(level=level).values_list("country", "code", "pk"):
            ids[(country, level, code)] = pk

    return Counter(
        f"{country}:{level}" for country, level in Place.objects.values_list("country", "level")
    )


def place_child_get_or_create(*, parent: Place, name_en: str, name_local: str = "", level: str = "village") -> Place:
    """The place `name_en` of `level` under `parent` (a village under a tambon, or a district or
    town under a province where the data packages stop).

    The packages do not list villages, nor districts outside Thailand: producers name them when
    they register. The same name under the same parent is the same place.
    """
    name_en, name_local = " ".join(name_en.split()), " ".join(name_local.split())
    if name_en and not name_en.isascii() and not name_local:
        # A name typed in Thai (or another script) is the local name; English falls back to it.
        name_local = name_en
    key = (name_en or name_local).casefold()
    digest = hashlib.sha1(key.encode(), usedforsecurity=False).hexdigest()[:12]
    code = f"{parent.code}-{digest}"
    existing = Place.objects.filter(country=parent.country, level=level, code=code).first()
    if existing:
        return existing
    base = slugify(name_en)[:60] or f"{level}-{digest[:6]}"
    slug = f"{parent.slug}-{base}"[:110]
    candidate, suffix = slug, 2
    while Place.objects.filter(slug=candidate).exists():
        candidate, suffix = f"{slug}-{suffix}", suffix + 1
    village = Place(
        country=parent.country,
        level=level,
        code=code,
        parent=parent,
        slug=candidate,
        name_en=name_en,
        name_local=name_local or name_en,
        name_th=name_local if parent.country == "TH" else "",
        name_ja=name_local if parent.country == "JP" else "",
    )
    village.full_clean()
    village.save()
    return village
