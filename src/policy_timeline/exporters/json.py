"""`export json`: the `show --format json` document of SPEC §5, byte for byte.

Scripts that read `timeline show --format json` read this file too; both come from
`report.show_document`, so the two cannot drift apart.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from ..report import dumps, show_document

if TYPE_CHECKING:
    from ..schedule import AsOf, Effective
    from ..timeline import Timeline


def export(timeline: Timeline, as_of: AsOf, entries: Sequence[Effective]) -> str:
    return dumps(show_document(timeline, as_of, entries))
