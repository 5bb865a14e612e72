"""`timeline show` and `timeline remind`: parse, select, lay out, print.

Everything heavy is imported inside the handlers: `remind` with plain or JSON output
never imports rich (it prints with `terminal.to_plain`).
"""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Callable

    from ..prefilter import Summary
    from ..schedule import AsOf
    from ..terminal import Line
    from . import Context

SHOW_EXAMPLES = """\
  timeline                                  the whole story, with TODAY and countdowns
  timeline show --as-of 2025-07-28          as it stood that day (later news ignored)
  timeline show --deadlines --upcoming      only what is still ahead, deadlines only
  timeline show --tag rare-earths --actor CN
  timeline show --from 'jun 1' --to 2025-08 --search truce
  timeline show --by actor                  one lane per actor: US | CN | joint
  timeline show --format json | jq '.entries[].id'
  timeline show truce-expiry                one entry in full, and what depends on it
"""

REMIND_EXAMPLES = """\
  timeline remind                           overdue, due today, and due within lead times
  timeline remind --as-of 2025-07-28        as of that day
  timeline remind --within 2w               anything due in the next two weeks
  timeline remind --exit-code               exit 3 when something is due (for CI)
  timeline remind --format json             for scripts (stable keys)
  0 8 * * * cd ~/news && timeline remind    cron: mails only when something is due
"""


def register(commands: Any) -> None:
    """Add `show` and `remind` to the parser."""
    from . import add_command
    from .options import add_filter_options

    show = add_command(
        commands, "show",
        SHOW_EXAMPLES, cmd_show,
    )
    show.add_argument("entry_id", nargs="?", metavar="ID",
                      help="one entry in full: dates as written and effective, history, "
                      "claims, sources, and what depends on it")
    add_filter_options(show)
    layout = show.add_argument_group("layout")
    layout.add_argument("--by", choices=("actor",),
                        help="lay entries out in one lane per actor (US | CN | joint)")
    layout.add_argument("--all", action="store_true",
                        help="every entry, even in a long file (default: a window around today)")
    layout.add_argument("--compact", action="store_true",
                        help="one line per entry: no summaries, history or sources")

    remind = add_command(
        commands, "remind",
        REMIND_EXAMPLES, cmd_remind,
    )
    remind.add_argument("--within", metavar="DURATION",
                        help="remind of everything due within DURATION (7d, 2w, 1mo), "
                        "instead of each entry's lead times")
    remind.add_argument("--exit-code", action="store_true",
                        help="exit 3 when something is due (0 when nothing is)")


# ----------------------------------------------------------------------------- helpers


def _width() -> int:
    from . import terminal_width

    return max(40, terminal_width())


def emit(ctx: Context, lines: list[Line], width: int) -> None:
    """Print laid-out lines: through rich when colour is on, else as plain text (no rich)."""
    if not lines:
        return
    if not ctx.color:
        from ..terminal import to_plain

        ctx.out.write(to_plain(lines))
        return
    from rich.console import Console

    from ..terminal import to_rich

    console = Console(
        file=ctx.out, width=width, force_terminal=True, highlight=False, markup=False,
        emoji=False, soft_wrap=False,
    )
    console.print(to_rich(lines), crop=False)  # a URL wider than the terminal stays whole


# ---------------------------------------------------------------------------- commands


def cmd_show(args: argparse.Namespace) -> int:
    from ..filters import select, unmatched
    from ..render import ShowOptions, show_lines
    from ..report import Window, dumps, show_document, window
    from . import EXIT_OK, context, load_or_fail, terminal_safe
    from .options import selection_from_args

    if getattr(args, "entry_id", None):
        from .entry import cmd_show_entry

        return cmd_show_entry(args)
    ctx = context(args)
    timeline = load_or_fail(ctx).timeline
    as_of = ctx.as_of(timeline.timezone)
    filters = selection_from_args(args, as_of, timeline.timezone)
    selection = select(timeline, as_of, filters)
    slips = unmatched(timeline, filters)
    if ctx.format == "json":
        for slip in slips:  # JSON stays one document: what matched nothing goes to stderr
            print(f"timeline: warning: {terminal_safe(slip)}", file=sys.stderr)
        ctx.out.write(dumps(show_document(timeline, as_of, selection)))
        return EXIT_OK
    if args.all or filters.start is not None or filters.end is not None:
        part = Window(selection, 0, 0)  # asked for a range, or for everything
    else:
        part = window(selection, as_of)
    width = _width()
    options = ShowOptions(
        width=width,
        by=args.by,
        links=ctx.color and ctx.out.isatty(),
        compact=args.compact,
        hidden_before=part.hidden_before,
        hidden_after=part.hidden_after,
        filtered=filters.active,
        unmatched=slips,
    )
    emit(ctx, show_lines(timeline, as_of, selection, part.shown, options), width)
    return EXIT_OK


def cmd_remind(args: argparse.Namespace) -> int:
    from ..prefilter import might_be_due
    from ..report import dumps, remind_document
    from ..schedule import reminders
    from . import EXIT_DUE, EXIT_OK, context, load_or_fail
    from .reading import read_within

    ctx = context(args)
    within = read_within(args.within)
    # only deadlines and entries with their own lead times, all that `reminders` looks at,
    # and of those only the ones the prefilter cannot rule out at T (a warm cache only)
    moments: dict[str, AsOf] = {}

    def keep(zone: str) -> Callable[[Summary], bool]:
        as_of = moments.setdefault(zone, ctx.as_of(zone))
        return lambda summary: might_be_due(summary, as_of, within)

    timeline = load_or_fail(ctx, reminded_only=True, keep=keep).timeline
    as_of = moments.get(timeline.timezone) or ctx.as_of(timeline.timezone)
    due = reminders(timeline, as_of, within)
    if ctx.format == "json":
        ctx.out.write(dumps(remind_document(as_of, due, timeline)))
    else:
        from ..render import remind_lines

        width = _width()
        emit(ctx, remind_lines(as_of, due, width, stories=len(ctx.files) > 1), width)
    return EXIT_DUE if args.exit_code and due else EXIT_OK
