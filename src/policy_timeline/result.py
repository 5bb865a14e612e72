"""What loading gives: the timeline and every problem found, in the order editors list them.

Kept apart from `loader` (which needs PyYAML and pydantic) so that a run served from the
cache can hand the same result to the commands without importing either.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass, field

from .timeline import Problem, Timeline


@dataclass
class LoadResult:
    timeline: Timeline
    problems: list[Problem] = field(default_factory=list)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "warning"]


def sort_problems(
    problems: list[Problem], paths: Sequence[str | os.PathLike[str]]
) -> list[Problem]:
    """In the order of the files given, then by line and column, as editors list them."""
    order = {os.fspath(raw): index for index, raw in enumerate(paths)}
    return sorted(
        problems, key=lambda p: (order.get(p.location.path, 0), p.location.line, p.location.column)
    )
