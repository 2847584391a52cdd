"""One-to-one (normalised title, year) matching between two film lists."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

L = TypeVar("L", bound=Hashable)
R = TypeVar("R", bound=Hashable)

TitleIndex = Mapping[tuple[str, int], frozenset[R]]


@dataclass(frozen=True)
class Candidate(Generic[L]):
    """A left-side film to match: its id, normalised title keys and release year."""

    key: L
    titles: Sequence[str]
    year: int


@dataclass(frozen=True)
class MatchResult(Generic[L, R]):
    """Accepted left -> right pairs and how each left film was resolved."""

    pairs: dict[L, R]
    exact_year: int
    year_fallback: int
    ambiguous: int
    unmatched: int


def build_index(rows: Iterable[tuple[R, str, int]]) -> dict[tuple[str, int], frozenset[R]]:
    """Map (normalised title, year) to every right-side id carrying that key."""
    index: defaultdict[tuple[str, int], set[R]] = defaultdict(set)
    for right, title, year in rows:
        if title:
            index[(title, year)].add(right)
    return {key: frozenset(values) for key, values in index.items()}


def _hits(candidate: Candidate[L], years: Sequence[int], index: TitleIndex[R]) -> frozenset[R]:
    """Every right id reachable from any of the candidate's titles in any of `years`."""
    found: set[R] = set()
    for title in candidate.titles:
        for year in years:
            found |= index.get((title, year), frozenset())
    return frozenset(found)


def _claim(
    candidates: Iterable[Candidate[L]], years_of: int, index: TitleIndex[R], taken: set[R]
) -> tuple[dict[L, R], set[L]]:
    """One pass: unique hits become claims; claims on taken or contested right ids are dropped."""
    claims: dict[L, R] = {}
    ambiguous: set[L] = set()
    for candidate in candidates:
        years = [candidate.year] if years_of == 0 else [candidate.year - 1, candidate.year + 1]
        hits = _hits(candidate, years, index)
        if len(hits) == 1:
            claims[candidate.key] = next(iter(hits))
        elif len(hits) > 1:
            ambiguous.add(candidate.key)
    claimants: defaultdict[R, list[L]] = defaultdict(list)
    for left, right in claims.items():
        claimants[right].append(left)
    for right, lefts in claimants.items():
        if right in taken or len(lefts) > 1:
            ambiguous.update(lefts)
            for left in lefts:
                del claims[left]
    return claims, ambiguous


def match_titles(
    candidates: Sequence[Candidate[L]], index: TitleIndex[R], year_fallback: bool = True
) -> MatchResult[L, R]:
    """Same-year match first; unresolved films then try year +-1 (never an ambiguous one)."""
    exact, ambiguous = _claim(candidates, 0, index, set())
    fallback: dict[L, R] = {}
    if year_fallback:
        rest = [c for c in candidates if c.key not in exact and c.key not in ambiguous]
        fallback, fallback_ambiguous = _claim(rest, 1, index, set(exact.values()))
        ambiguous |= fallback_ambiguous
    pairs = {**exact, **fallback}
    return MatchResult(
        pairs=pairs,
        exact_year=len(exact),
        year_fallback=len(fallback),
        ambiguous=len(ambiguous),
        unmatched=len(candidates) - len(pairs),
    )
