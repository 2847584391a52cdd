"""Title normalisation and name-list splitting shared by the sample matchers and shapers."""

from __future__ import annotations

import re
import unicodedata

# Trailing articles MovieLens/IMDb move behind a comma ("Shawshank Redemption, The").
_ARTICLES = "the|a|an|les|la|le|l'|il|lo|gli|das|der|die|den|det|el|los|las|un|une|ein|eine"
_TRAILING_ARTICLE = re.compile(rf"^(?P<body>.+),\s*(?P<article>{_ARTICLES})$", re.IGNORECASE)
_TRAILING_PAREN = re.compile(r"^(?P<head>.*\S)\s*\((?P<inner>[^()]*)\)$")
_AKA = re.compile(r"^(a\.k\.a\.|aka)\s+", re.IGNORECASE)
_APOSTROPHES = re.compile(r"['\u2019`\u00b4]")
_NON_WORD = re.compile(r"[\W_]+")

# A list element that continues the previous name rather than starting a new one.
PERSON_SUFFIX = re.compile(
    r"^(Jr\.?|Sr\.?|II|III|IV|\d+(st|nd|rd|th)\s.*"
    r"|(Duke|Duchess|Earl|Prince|Princess|Baron|Baroness|Marquess|Count|Countess|Viscount"
    r"|Lord|Lady)\sof\s.*)$"
)
COMPANY_SUFFIX = re.compile(
    r"^(Inc\.?|Ltd\.?|LLC|L\.L\.C\.|Co\.|Corp\.?|S\.A\.|GmbH|Ltda\.?|S\.L\.|S\.r\.l\.|"
    r"Pty\.? Ltd\.?|LLP|L\.P\.)$",
    re.IGNORECASE,
)


def strip_accents(text: str) -> str:
    """Decompose `text` (NFKD) and drop the combining marks: "Amélie" -> "Amelie"."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def move_trailing_article(title: str) -> str:
    """Move a trailing ", The"-style article to the front (case kept): "Fly, The" -> "The Fly"."""
    match = _TRAILING_ARTICLE.match(title.strip())
    if match is None:
        return title.strip()
    article, body = match.group("article"), match.group("body").strip()
    return f"{article}{body}" if article.endswith("'") else f"{article} {body}"


def normalise_title(title: str) -> str:
    """Matching key: no accents, lowercase, leading article, `&` as "and", no punctuation."""
    text = move_trailing_article(strip_accents(title).lower())
    text = _APOSTROPHES.sub("", text.replace("&", " and "))
    return _NON_WORD.sub(" ", text).strip()


def title_candidates(title: str) -> list[str]:
    """Normalised keys for a MovieLens title: the main title, then each parenthesised alternate."""
    rest = title.strip()
    alternates: list[str] = []
    while (match := _TRAILING_PAREN.match(rest)) is not None:
        alternates.insert(0, _AKA.sub("", match.group("inner").strip()))
        rest = match.group("head")
    keys: list[str] = []
    for candidate in [rest, *alternates]:
        key = normalise_title(candidate)
        if key and key not in keys:
            keys.append(key)
    return keys


def split_list(text: str | None, suffix: re.Pattern[str] | None = None) -> list[str]:
    """Split a comma-separated source field; re-join elements that match `suffix` ("Jr.")."""
    items: list[str] = []
    for raw in (text or "").split(","):
        item = raw.strip()
        if not item:
            continue
        if items and suffix is not None and suffix.match(item):
            items[-1] = f"{items[-1]}, {item}"
        else:
            items.append(item)
    return items
