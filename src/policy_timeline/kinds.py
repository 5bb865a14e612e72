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
    found: dict[str, tuple[str, int]] = {}
    for kind in counts:
        if kind == "deadline":
            continue
        if _alike(kind, "deadline"):
            found[kind] = ("deadline", counts["deadline"])
            continue
        standing = (counts[kind], kind in SUGGESTED_KINDS, -first_seen[kind])
        likely = [
            (SequenceMatcher(None, kind, other).ratio(), counts[other], other)
            for other in counts
            if other not in (kind, "deadline")
            and (counts[other], other in SUGGESTED_KINDS, -first_seen[other]) > standing
            and _alike(kind, other)
        ]
        if likely:
            _, count, other = max(likely)
            found[kind] = (other, count)
    return found


def _alike(word: str, other: str) -> bool:
    matcher = SequenceMatcher(None, word, other)
    return matcher.real_quick_ratio() >= KIND_LIKENESS and matcher.ratio() >= KIND_LIKENESS


