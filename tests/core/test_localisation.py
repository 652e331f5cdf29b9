"""The one language look-up (core/localisation.py) the models read their names through."""

from types import SimpleNamespace

from django.utils import translation

from core.localisation import current_language, localised


def test_current_language_is_the_two_letter_code_of_the_active_one():
    with translation.override("ja"):
        assert current_language() == "ja"
    with translation.override("en-gb"):
        assert current_language() == "en"


def test_current_language_is_english_when_none_is_active():
    with translation.override(None):
        assert current_language() == "en"


def test_localised_reads_the_column_of_the_active_language_first():
    silk = SimpleNamespace(name_en="Silk", name_th="ผ้าไหม", name_ja="シルク", name_local="")
    with translation.override("th"):
        assert localised(silk, "name") == "ผ้าไหม"
    with translation.override("ja"):
        assert localised(silk, "name") == "シルク"


def test_localised_falls_back_in_the_order_given():
    mudmee = SimpleNamespace(name_en="", name_th="", name_ja="", name_local="ມັດໝີ່")
    with translation.override("ja"):
        assert localised(mudmee, "name") == "ມັດໝີ່", "English is empty: the local script"
        assert localised(mudmee, "name", ("en",)) == ""


def test_localised_reads_the_bare_column_for_an_empty_fallback():
    fair = SimpleNamespace(name="OTOP City", name_th="", name_ja="オートップ・シティ")
    with translation.override("th"):
        assert localised(fair, "name", ("",)) == "OTOP City"
    with translation.override("ja"):
        assert localised(fair, "name", ("",)) == "オートップ・シティ"
    with translation.override("en"):
        assert localised(fair, "name", ("",)) == "OTOP City", "a column the model lacks (name_en) is empty"
