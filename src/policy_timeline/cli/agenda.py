"""`timeline agenda`: the next days across every story, week by week."""

from __future__ import annotations

import argparse
from datetime import timedelta
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ..agenda import Agenda
    from ..terminal import Line

AGENDA_EXAMPLES = """\
  timeline agenda                           the next 30 days across every story
  timeline -f stories/ agenda --days 14     two weeks of a folder of stories
  timeline agenda --story us-china,ai-act   two stories only
  timeline agenda --format markdown         for a weekly briefing
  timeline agenda --format json             for scripts
"""


def register(commands: Any) -> None:
    from ..agenda import DEFAULT_DAYS
    from . import add_command

    parser = add_command(commands, "agenda", AGENDA_EXAMPLES, cmd_agenda)
    parser.add_argument(
        "--days", type=_days, default=DEFAULT_DAYS, metavar="N",
        help=f"how many days from today on (default {DEFAULT_DAYS}; today is the first)",
    )
    from .options import with_markdown

    with_markdown(parser)  # `--format markdown` too, as `news` and `diff` take it


def _days(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number of days: '{text}'") from None
    if not 1 <= value <= 3660:
        raise argparse.ArgumentTypeError("--days must be between 1 and 3660")
    return value


def cmd_agenda(args: argparse.Namespace) -> int:
    from ..agenda import agenda, agenda_document
    from . import EXIT_OK, context, load_or_fail
    from .view import _width, emit

    ctx = context(args)
    timeline = load_or_fail(ctx, sources=False).timeline  # an agenda cites none
    as_of = ctx.as_of(timeline.timezone)
    found = agenda(timeline, as_of, args.days)
    if ctx.format == "json":
        from ..report import dumps

        ctx.out.write(dumps(agenda_document(timeline, found)))
    elif ctx.format == "markdown":
        ctx.out.write(markdown(found))
    else:
        emit(ctx, agenda_lines(found), _width())
    return EXIT_OK


def _range(found: Agenda) -> str:
    from ..terminal import day_label

    return f"{day_label(found.first, weekday=True)} – {day_label(found.last, weekday=True)}"


def _count(found: Agenda) -> str:
    stories = len({item.story for week in found.weeks for item in week.items})
    items = f"{found.count} item{'s' if found.count != 1 else ''}"
    return f"{items} in {stories} stor{'y' if stories == 1 else 'ies'}"


def agenda_lines(found: Agenda) -> list[Line]:
    """The agenda for a terminal: a heading, then per week a rule and a line per item."""
    from ..schedule import countdown
    from ..terminal import Span, as_of_label, cell_width, clean, day_label, human_date

    lines: list[Line] = [
        (Span(f"Agenda: {_range(found)}", "banner.title"),),
        (Span(f"as of {as_of_label(found.as_of)} · {_count(found)}", "muted"),),
    ]
    if not found.weeks:
        lines += [(), (Span("Nothing falls due or happens in these days.", "muted"),)]
        return lines
    rows = []
    for week in found.weeks:
        for item in week.items:
            day = day_label(item.day, weekday=True).rsplit(",", 1)[0]  # `Sat Aug 2`
            if item.due:
                when = "due " + countdown((item.day - found.first).days)
            else:
                when = human_date(item.effective.date)
            rows.append((week, item, day, when))
    day_width = max(cell_width(row[2]) for row in rows)
    when_width = max(cell_width(row[3]) for row in rows)
    # story labels line up after titles up to this wide; longer titles push theirs along
    title_width = min(max(cell_width(clean(row[1].effective.entry.title)) for row in rows), 48)
    current = None
    for week, item, day, when in rows:
        if week is not current:
            current = week
            sunday = day_label(week.start + timedelta(days=6), weekday=True)
            lines += [(), (Span(f"Week {week.label[-2:].lstrip('0')} · "
                                f"{day_label(week.start, weekday=True)} – {sunday}", "month"),)]
        style = f"state.{item.state}" if item.state else ("title" if item.due else "muted")
        entry = item.effective.entry
        title = clean(entry.title)
        lines.append((
            Span("  "),
            Span(day + " " * (day_width - cell_width(day)), "date"),
            Span("  "),
            Span(when + " " * (when_width - cell_width(when)), style),
            Span("  "),
            Span(title, "title"),
            Span(" " * max(title_width - cell_width(title), 0)),
            Span(f"  [{entry.story}:{entry.id}]", "muted"),
        ))
    return lines


def markdown(found: Agenda) -> str:
    """The agenda as Markdown: a heading per week, a bullet per item, every text escaped."""
    from ..exporters.markdown import escape
    from ..schedule import countdown
    from ..terminal import as_of_label, day_label, human_date

    out = [f"# Agenda: {_range(found)}", "", f"As of {as_of_label(found.as_of)} · {_count(found)}"]
    if not found.weeks:
        out += ["", "Nothing falls due or happens in these days."]
    for week in found.weeks:
        out += ["", f"## {week.label} · week of {day_label(week.start, weekday=True)}", ""]
        for item in week.items:
            entry = item.effective.entry
            when = (
                f"due {countdown((item.day - found.first).days)}"
                if item.due
                else escape(human_date(item.effective.date))
            )
            day = day_label(item.day, weekday=True).rsplit(",", 1)[0]
            out.append(
                f"- **{day}** · {when} · {escape(entry.title)} · `{entry.story}:{entry.id}`"
            )
    return "\n".join(out) + "\n"
