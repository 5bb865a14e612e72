"""Kinds: a free word per entry, compared without case; `deadline` changes behaviour.

Plain data and pure functions (no pydantic, no rich), shared by `checks` (which warns
about a kind that looks misspelled) and `render` (which gives each kind its marker).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from difflib import SequenceMatcher

#: The kinds the documentation suggests, in the order the legend lists them; any other
#: word is a kind too. Only `deadline` changes what the tool does (SPEC section 3).
SUGGESTED_KINDS: tuple[str, ...] = (
    "deadline", "agreement", "measure", "concession", "statement", "call", "meeting",
    "notice", "report", "event",
)

#: How alike two kinds must be (difflib ratio) to look like one word misspelled.
KIND_LIKENESS = 0.8


def misspelled_kinds(kinds: Iterable[str] | Counter[str]) -> dict[str, tuple[str, int]]:
    """The kinds (lowercased) that look like a misspelling of `deadline` or of a kind used
    more often, each with the kind it seems to mean and how often that one is used.
    `kinds`: every entry's kind, or a Counter of them (in the order first used).

    Kinds compare without case (`Deadline` is `deadline`). Of two alike kinds used as
    often, one the documentation suggests wins, else the one first used earlier.
    """
    # each kind as written and how often, in the order first used
    written = kinds if isinstance(kinds, Counter) else Counter(kinds)
    counts: Counter[str] = Counter()
    first_seen: dict[str, int] = {}
    for position, (kind, count) in enumerate(written.items()):
        folded = kind.lower()
        counts[folded] += count
        first_seen.setdefault(folded, position)
    # which of two alike kinds is the slip: the one used less, else not suggested, else later
    standing = {kind: (counts[kind], kind in SUGGESTED_KINDS, -first_seen[kind])
                for kind in counts}
    # what a slip may mean: `deadline`, and the kinds used most; with more distinct kinds
    # than a vocabulary has, `deadline` only (each comparison costs, 100,000s of kinds)
    meanings = sorted((kind for kind in counts if kind != "deadline"), key=standing.__getitem__,
                      reverse=True)[:MEANINGS_COMPARED] if len(counts) <= VOCABULARY_MAX else []
    likely: dict[str, tuple[float, int, str]] = {}
    for meaning in ["deadline", *meanings]:
        matcher = SequenceMatcher(None, b=meaning)  # compares many words against one
        for kind in counts:
            if kind in (meaning, "deadline") or not _lengths_allow(kind, meaning):
                continue
            if meaning != "deadline" and standing[meaning] <= standing[kind]:
                continue
            matcher.set_seq1(kind)
            if matcher.quick_ratio() < KIND_LIKENESS:
                continue
            ratio = matcher.ratio()
            if ratio < KIND_LIKENESS:
                continue
            # `deadline` first, whatever else is alike; then the closest, the most used
            rank = (2.0 if meaning == "deadline" else ratio, counts[meaning], meaning)
            if kind not in likely or rank > likely[kind]:
                likely[kind] = rank
    return {kind: (meaning, counts[meaning]) for kind, (_, _, meaning) in likely.items()}


#: How many of the most used kinds a kind is compared with (besides `deadline`).
MEANINGS_COMPARED = 50
#: Past this many distinct kinds, kinds are not a vocabulary: only `deadline` is looked for.
VOCABULARY_MAX = 1000


def _lengths_allow(word: str, other: str) -> bool:
    """Whether two words are close enough in length to reach KIND_LIKENESS at all."""
    return 2 * min(len(word), len(other)) >= KIND_LIKENESS * (len(word) + len(other))
