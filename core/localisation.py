"""The visitor's language, and a model's texts in it.

A text that exists in several languages is stored in one column per language, named
`<stem>_<language>` (`name_en`, `name_th`, `name_ja`, `name_local` for the local script); a
model whose own name is in one language only keeps it in the bare column (`Event.name`). The
localised value is read with `localised()`: the column of the active language, then the
fallbacks in order. A model shows it as `name` when the columns are `name_<language>` only, as
`display_name` when `name` is itself a column.
"""

from collections.abc import Iterable

from django.utils import translation

DEFAULT_LANGUAGE = "en"


def current_language() -> str:
    """The two-letter code of the active language ("th", "ja"), English when none is active."""
    return (translation.get_language() or DEFAULT_LANGUAGE)[:2]


def localised(obj, stem: str, fallbacks: Iterable[str] = ("en", "local")) -> str:
    """`obj.<stem>_<language>` for the active language, else the first non-empty of the
    fallbacks (`"local"` reads `<stem>_local`; `""` reads the bare `<stem>`); "" when all are empty.
    A column the model does not have counts as empty."""
    for suffix in (current_language(), *fallbacks):
        value = getattr(obj, f"{stem}_{suffix}" if suffix else stem, "")
        if value:
            return value
    return ""
