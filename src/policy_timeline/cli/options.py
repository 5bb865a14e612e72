"""Options shared by several commands: the filters of `show` and `export` (one definition,
one meaning: see `filters`), and Markdown output."""

from __future__ import annotations

import argparse
from collections.abc import Iterable
from typing import TYPE_CHECKING

from . import UsageError

if TYPE_CHECKING:
    from ..dates import Interval
    from ..filters import Selection
    from ..schedule import AsOf


#: `--format` on the commands that print Markdown too (`news`, `diff`, `agenda`).
MARKDOWN_FORMATS = ("rich", "plain", "json", "markdown")


def with_markdown(parser: argparse.ArgumentParser) -> None:
    """This command prints Markdown too: widen the global `--format` choices here."""
    for action in parser._actions:
        if action.dest == "format":
            action.choices = MARKDOWN_FORMATS
            action.help = "output: rich, plain, json, or markdown (for an issue or a comment)"


def add_filter_options(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group(
        "filters (repeat an option or use commas: any value matches)"
    )
    group.add_argument(
        "--tag", action="append", default=[], metavar="TAG", help="entries with this tag"
    )
    group.add_argument(
        "--kind", action="append", default=[], metavar="KIND",
        help="entries of this kind (deadline, agreement, ...)",
    )
    group.add_argument(
        "--actor", action="append", default=[], metavar="ACTOR",
        help="entries involving this actor",
    )
    group.add_argument(
        "--from", dest="from_date", metavar="DATE",
        help="entries not over before DATE ('jun 1', 2025-06, -2w)",
    )
    group.add_argument(
        "--to", dest="to_date", metavar="DATE",
        help="entries begun by the end of DATE ('aug 10 2025', 2025-Q3, +1mo)",
    )
    group.add_argument(
        "--search", metavar="TEXT",
        help="every word of TEXT in the id, title, summary, tags, actors or notes",
    )
    group.add_argument(
        "--upcoming", action="store_true",
        help="only what is not yet past (and open deadlines that are overdue)",
    )
    group.add_argument(
        "--deadlines", action="store_true",
        help="only deadlines and entries with their own lead times",
    )


def _interval(option: str, text: str, as_of: AsOf, zone: str) -> Interval:
    from .reading import read_human_date

    return read_human_date(text, option, as_of.day, zone)


def _values(options: Iterable[str]) -> tuple[str, ...]:
    """`--tag a,b --tag c` → (a, b, c)."""
    from .reading import split_list

    return tuple(split_list(options))


def selection_from_args(args: argparse.Namespace, as_of: AsOf, zone: str) -> Selection:
    """The Selection the options ask for; dates as people write them, counted from T."""
    from ..filters import Selection

    start = end = None
    if args.from_date is not None:
        start = _interval("--from", args.from_date, as_of, zone).start
    if args.to_date is not None:
        end = _interval("--to", args.to_date, as_of, zone).end
    if start is not None and end is not None and end <= start:
        raise UsageError(f"--to {args.to_date} is before --from {args.from_date}")
    return Selection(
        tags=_values(args.tag),
        kinds=_values(args.kind),
        actors=_values(args.actor),
        start=start,
        end=end,
        search=args.search or None,
        upcoming=args.upcoming,
        deadlines=args.deadlines,
    )
