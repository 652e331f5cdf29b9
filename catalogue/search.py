"""Search in Thai, Japanese and English inside PostgreSQL (the `q` parameter; no extensions).

Thai and Japanese are written without spaces, so PostgreSQL's own parser cannot find their
words. Text is segmented here, the same way for documents and queries: Thai with PyThaiNLP's
dictionary segmenter, Japanese with SudachiPy (plus the character pairs of each Japanese run, so a
word the tokenizer splits oddly is still found), everything else split on non-letters and folded
to lower case. The segments are written straight into a `tsvector` literal with weights
(A: product names and brand, B: producer, place, category, technique, certifications, C: texts),
so no text search configuration or parser is involved; a GIN index serves the matching. Queries
are `tsquery` literals built the same way, the last word as a prefix.
"""

import re
import unicodedata
from functools import lru_cache

THAI = re.compile(r"[\u0E00-\u0E7F]+")
JAPANESE = re.compile(r"[\u3040-\u30FF\u3400-\u4DBF\u4E00-\u9FFF\uF900-\uFAFF\uFF66-\uFF9F\u30FC]+")
WORD = re.compile(r"\w+", re.UNICODE)
MAX_LEXEMES = 600
# English words too common to search by: they would match nearly every product.
STOP_WORDS = frozenset(
    "a an and are as at be by for from has have in into is it its of on or that the their them they this to was "
    "were which with who".split()
)
MAX_QUERY_LENGTH = 200
MAX_QUERY_WORDS = 8


@lru_cache(maxsize=1)
def _sudachi():
    from sudachipy import Dictionary, SplitMode

    return Dictionary(dict="core").tokenizer(mode=SplitMode.C)


# Katakana and hiragana spell the same words (カボス, かぼす): both are folded to hiragana, in
# documents and queries alike.
_KANA_FOLD = str.maketrans({chr(code): chr(code - 0x60) for code in range(0x30A1, 0x30F7)})
KANJI = re.compile(r"[\u3400-\u4DBF\u4E00-\u9FFF\uF900-\uFAFF]")


def fold_kana(text: str) -> str:
    return text.translate(_KANA_FOLD)


@lru_cache(maxsize=20000)
def _japanese_morphemes(text: str) -> tuple[tuple[str, str], ...]:
    """(word, reading) of each token, kana folded; the reading (椎茸: しいたけ) only for words
    written with kanji, so a word is found however it is written."""
    morphemes = []
    for m in _sudachi().tokenize(text):
        surface = m.surface()
        if not surface.strip():
            continue
        word = fold_kana(surface)
        reading = fold_kana(m.reading_form()) if KANJI.search(surface) else ""
        morphemes.append((word, reading if reading and reading != word and reading.strip() else ""))
    return tuple(morphemes)


def _japanese_tokens(text: str) -> list[str]:
    return [word for word, _reading in _japanese_morphemes(text)]


@lru_cache(maxsize=20000)
def _thai_words(text: str) -> list[str]:
    from pythainlp.tokenize import word_tokenize

    return [w for w in word_tokenize(text, engine="newmm", keep_whitespace=False) if w.strip()]


@lru_cache(maxsize=20000)
def _japanese_words(text: str, pairs: bool = True) -> list[str]:
    """The words of a Japanese run; with `pairs` (names), also the readings of words written in
    kanji and the run's character pairs."""
    words = _japanese_tokens(text)
    if not pairs:
        return words
    words = words + [reading for _word, reading in _japanese_morphemes(text) if reading]
    if len(text) <= 2:
        return words
    folded = fold_kana(text)
    return words + [p for p in (folded[i : i + 2] for i in range(len(folded) - 1)) if p not in words]


def segment(text: str, *, pairs: bool = True) -> list[str]:
    """The words of `text`, in any of our scripts, normalised (NFKC, lower case); with `pairs`,
    Japanese runs add their character pairs."""
    text = unicodedata.normalize("NFKC", text or "").casefold()
    words: list[str] = []
    position = 0
    for match in re.finditer(f"{THAI.pattern}|{JAPANESE.pattern}", text):
        words.extend(WORD.findall(text[position : match.start()]))
        run = match.group()
        words.extend(_thai_words(run) if THAI.fullmatch(run) else _japanese_words(run, pairs))
        position = match.end()
    words.extend(WORD.findall(text[position:]))
    return [w for w in words if w and not w.isspace() and w not in STOP_WORDS]


def _quote(lexeme: str) -> str:
    return "'" + lexeme.replace("\\", "").replace("'", "''") + "'"


def document(weighted_texts: dict[str, list[str]]) -> str:
    """A tsvector literal from texts by weight ("A" strongest … "D"), each word at its position.

    Long texts (weight C and D) keep their Japanese words but not their character pairs, which
    keeps documents small; names (A, B) keep both.
    """
    positions: dict[str, list[str]] = {}
    position = 0
    for weight in ("A", "B", "C", "D"):
        for text in weighted_texts.get(weight, []):
            for word in segment(text, pairs=weight in ("A", "B")):
                position += 1
                if position > 16383 or len(positions) >= MAX_LEXEMES:
                    break
                positions.setdefault(word[:200], []).append(f"{position}{weight}")
    return " ".join(f"{_quote(word)}:{','.join(marks[:256])}" for word, marks in positions.items())


# Thai characters that cannot begin a word (vowels and marks written after or above a consonant)
# and that cannot end one (vowels written before their consonant).
THAI_NOT_FIRST = frozenset("\u0e30\u0e31\u0e32\u0e33\u0e34\u0e35\u0e36\u0e37\u0e38\u0e39\u0e3a\u0e45\u0e47\u0e48\u0e49\u0e4a\u0e4b\u0e4c\u0e4d\u0e4e")
THAI_NOT_LAST = frozenset("\u0e40\u0e41\u0e42\u0e43\u0e44")
THAI_TYPED_CHARACTERS = 12


def _thai_query(run: str, *, last: bool) -> str:
    """A Thai run as tsquery words. The last run typed may end in a half-typed word, which the
    segmenter cuts into pieces that are no words ("ผ้าไห": ผ้า, ไห; "มัดหม": มัด, หม), so its last
    few characters are also tried cut wherever a word may begin: the text before as whole words,
    the rest (two characters at least) as a prefix ("ผ้าไห:*", "น้ำ & พริ:*")."""
    words = _thai_words(run)
    if not last:
        return " & ".join(_quote(w) for w in words)
    typed = " & ".join(_quote(w) + (":*" if i == len(words) - 1 else "") for i, w in enumerate(words))
    if "".join(words) != run:
        return typed
    fixed, tail = list(words), []
    while fixed and (not tail or len("".join(tail)) + len(fixed[-1]) <= THAI_TYPED_CHARACTERS):
        tail.insert(0, fixed.pop())
    region = "".join(tail)
    alternatives = [" & ".join([*(_quote(w) for w in tail[:-1]), _quote(tail[-1]) + ":*"])]
    for cut in range(max(0, len(region) - THAI_TYPED_CHARACTERS), len(region) - 1):
        head, rest = region[:cut], region[cut:]
        if rest[0] in THAI_NOT_FIRST or (head and head[-1] in THAI_NOT_LAST):
            continue
        alternatives.append(" & ".join([*(_quote(w) for w in _thai_words(head)), _quote(rest) + ":*"]))
    alternatives = list(dict.fromkeys(alternatives))
    either = alternatives[0] if len(alternatives) == 1 else " | ".join(f"({a})" for a in alternatives)
    return " & ".join([*(_quote(w) for w in fixed), f"({either})" if fixed and len(alternatives) > 1 else either])


def query(text: str, *, weights: str = "", phrase: bool = False) -> str:
    """A tsquery literal: every word must match, the last as a prefix ("silk kho" finds Khon Kaen).

    Japanese runs match either by their words or by all their character pairs. `weights` limits
    the match to those parts of the document (e.g. "A": names only). With `phrase`, words typed
    one after the other must stand so (`<->`), for ranking the exact phrase first; a query with
    Thai or Japanese runs keeps `&` there. Empty when the text holds no word (punctuation only).
    """
    text = (text or "")[:MAX_QUERY_LENGTH]
    normalised = unicodedata.normalize("NFKC", text).casefold()
    parts: list[str] = []
    position = 0
    runs = list(re.finditer(f"{THAI.pattern}|{JAPANESE.pattern}", normalised))
    pieces: list[tuple[str, str]] = []
    for match in runs:
        for word in WORD.findall(normalised[position : match.start()]):
            pieces.append(("word", word))
        pieces.append(("thai" if THAI.fullmatch(match.group()) else "japanese", match.group()))
        position = match.end()
    for word in WORD.findall(normalised[position:]):
        pieces.append(("word", word))
    # A stop word is dropped, unless it is the word being typed (a prefix of something longer).
    pieces = [piece for i, piece in enumerate(pieces) if piece[1] not in STOP_WORDS or i == len(pieces) - 1]
    pieces = pieces[:MAX_QUERY_WORDS]
    for index, (kind, piece) in enumerate(pieces):
        last = index == len(pieces) - 1
        if kind == "word":
            parts.append(_quote(piece) + (":*" if last else ""))
        elif kind == "thai":
            parts.append(_thai_query(piece, last=last))
        else:
            morphemes = _japanese_morphemes(piece)

            def term(word: str, reading: str, prefix: bool) -> str:
                star = ":*" if prefix else ""
                return f"({_quote(word)}{star} | {_quote(reading)}{star})" if reading else _quote(word) + star

            by_words = " & ".join(term(w, r, last and i == len(morphemes) - 1) for i, (w, r) in enumerate(morphemes))
            folded = fold_kana(piece)
            pairs = [folded[i : i + 2] for i in range(len(folded) - 1)]
            if len(piece) == 1:
                parts.append(_quote(folded) + ":*")
            else:
                parts.append(f"(({by_words}) | ({' & '.join(_quote(p) for p in pairs)}))")
    parts = [part for part in parts if part]
    operator = " <-> " if phrase and all(" " not in part for part in parts) else " & "
    joined = operator.join(f"({part})" if " " in part else part for part in parts)
    if weights:
        joined = re.sub(r"('(?:[^']|'')*')(:\*)?", lambda m: f"{m.group(1)}:{'*' if m.group(2) else ''}{weights}", joined)
    return joined


def query_words(text: str) -> list[str]:
    """The words of a query, for highlighting."""
    return [w for w in segment((text or "")[:MAX_QUERY_LENGTH]) if len(w) > 1 or not w.isascii()][:20]


# --- In queries -------------------------------------------------------------------------------

def match_expression(tsquery: str, column: str = "search_document"):
    """`<column> @@ '<tsquery>'::tsquery`, for QuerySet.filter()."""
    from django.contrib.postgres.search import SearchQueryField
    from django.db.models import BooleanField, F, Func, Value
    from django.db.models.functions import Cast

    return Func(F(column), Cast(Value(tsquery), SearchQueryField()), function="", arg_joiner=" @@ ", output_field=BooleanField())


def relevance_expression(tsquery: str, text: str):
    """How well a product matches: the text rank (names weigh most), the words in a name, as
    typed, on top, then gentle boosts for stars and for being in stock."""
    from django.contrib.postgres.search import SearchQueryField
    from django.db.models import Case, F, FloatField, Func, Value, When
    from django.db.models.functions import Cast, Coalesce

    # Ranked on the names alone (small to read): a product whose name matches comes before one
    # matched only by its description or place, which ranks 0 here.
    rank = Func(F("search_names"), Cast(Value(tsquery), SearchQueryField()), function="ts_rank", output_field=FloatField())
    phrase = query(text, phrase=True)
    in_name = match_expression(phrase, "search_names")
    phrase_boost = Case(When(in_name, then=Value(1.0)), default=Value(0.0), output_field=FloatField()) if phrase else Value(0.0)
    stars = Coalesce(F("star_rating"), Value(0)) * Value(0.04) + Value(1.0)
    stock = Case(When(stock__gt=0, then=Value(1.0)), default=Value(0.7), output_field=FloatField())
    # A small base for every match, so that stars and stock also order the products matched
    # outside their names (whose name rank is 0), instead of multiplying 0.
    return (rank + phrase_boost + Value(0.1)) * stars * stock


def highlight(text: str, words: list[str]) -> str:
    """`text`, HTML-escaped, with each query word marked (<mark>), case-insensitively."""
    from django.utils.html import escape
    from django.utils.safestring import mark_safe

    if not text:
        return ""
    if not words:
        return escape(text)
    # The words are NFKC-normalised, which splits the Thai SARA AM (ำ) into NIKHAHIT and SARA AA;
    # the text keeps it whole, so each word is looked for in both spellings ("น้ำ").
    # Kana are folded to hiragana in the words; the text may spell them in katakana.
    katakana = str.maketrans({chr(code - 0x60): chr(code) for code in range(0x30A1, 0x30F7)})
    spellings = {
        spelling
        for w in words
        for spelling in (w, w.replace("\u0e4d\u0e32", "\u0e33"), w.translate(katakana))
    }
    pattern = re.compile("|".join(re.escape(w) for w in sorted(spellings, key=len, reverse=True)), re.IGNORECASE)
    pieces, position = [], 0
    for found in pattern.finditer(text):
        pieces.append(escape(text[position : found.start()]))
        pieces.append(f"<mark>{escape(text[found.start() : found.end()])}</mark>")
        position = found.end()
    pieces.append(escape(text[position:]))
    return mark_safe("".join(pieces))  # noqa: S308 - every piece is escaped above


def did_you_mean(text: str, vocabulary: list[str]) -> str:
    """The query with each unknown English word replaced by the closest known word, or ""."""
    import difflib

    known = set(vocabulary)
    words = WORD.findall(unicodedata.normalize("NFKC", text or "").casefold())[:MAX_QUERY_WORDS]
    changed, result = False, []
    for word in words:
        if word.isascii() and word.isalpha() and len(word) >= 3 and word not in known:
            close = difflib.get_close_matches(word, vocabulary, n=1, cutoff=0.75)
            if close:
                result.append(close[0])
                changed = True
                continue
        result.append(word)
    return " ".join(result) if changed else ""
