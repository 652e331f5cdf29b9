"""`manage.py load_places`, the command `make run` uses to load the place tree (issue 2)."""

from io import StringIO

import geothai
from django.core.management import call_command

from places.models import Place


def load_places() -> str:
    out = StringIO()
    call_command("load_places", stdout=out)
    return out.getvalue()


def test_load_places_reports_what_the_tree_holds(places):
    output = load_places()

    assert output.startswith("Places loaded in ")
    assert "TH:province 77" in output
    assert f"TH:subdistrict {Place.objects.filter(country='TH', level='subdistrict').count()}" in output
    assert "JP:province 47" in output


def test_load_places_twice_leaves_the_same_tree(places):
    before = Place.objects.count()

    load_places()
    load_places()

    assert Place.objects.count() == before
    tambons = sum(len(geothai.subdistricts(d.code)) for p in geothai.provinces() for d in geothai.districts(p.code))
    assert Place.objects.filter(country="TH", level="subdistrict").count() == tambons
