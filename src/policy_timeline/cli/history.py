"""`timeline news` (what became known) and `timeline diff` (what the files say now)."""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ..schedule import AsOf
    from . import Context

NEWS_EXAMPLES = """\
  timeline news                              since the last 'news' here (else 7 days)
  timeline news --since 2w                   announced in the last two weeks
  timeline news --since 2025-08-01 --as-of 2025-11-05
  timeline news --format markdown            a weekly briefing, for an issue or a mail
  timeline news --format json | jq '.news[] | .name'
"""

DIFF_EXAMPLES = """\
  timeline diff                              HEAD against the working tree
  timeline diff HEAD~1                       the last commit and uncommitted edits
  timeline diff origin/main HEAD             what a branch changes
  timeline diff main HEAD --format markdown  a pull-request comment
"""

DEFAULT_DAYS = 7
#: Where `news` remembers its last moment, per workspace, under the state folder.
NEWS_STATE = "news"


def register(commands: Any) -> None:
    from . import add_command
    from .options import with_markdown

    news = add_command(commands, "news", NEWS_EXAMPLES, cmd_news)
    news.add_argument(
        "--since", metavar="WHEN",
        help="news announced after WHEN: a date ('aug 1', 2025-08-01) or a duration before "
        "the as-of day (7d, 2w); default: the as-of moment of the last 'news' run for these "
        f"files, else {DEFAULT_DAYS} days",
    )
    with_markdown(news)
    diff = add_command(commands, "diff", DIFF_EXAMPLES, cmd_diff)
    diff.add_argument("revisions", nargs="*", metavar="REV",
                      help="git revisions: none (HEAD and the working tree), one (it and the "
                      "working tree) or two")
    with_markdown(diff)


# ------------------------------------------------------------------------------ news


def _print(ctx: Context, lines: list[Any]) -> None:
    from .view import _width, emit

    emit(ctx, lines, _width())


def _since_option(text: str, as_of: AsOf, zone: str) -> AsOf:
    from ..dates import DateError, parse_duration, parse_human_date
    from ..schedule import AsOf as Moment
    from . import UsageError

    try:
        duration = parse_duration(text)
    except DateError:
        duration = None
    if duration is not None:
        try:
            moment = as_of.moment - duration.delta
        except (OverflowError, ValueError):
            raise UsageError(f"--since {text}: too far back") from None
        if "T" in as_of.text:
            return Moment.of_moment(moment, zone)
        return Moment.of_day(moment.date(), zone)
    try:
        interval = parse_human_date(text, as_of.day, zone)
    except DateError as error:
        raise UsageError(f"--since: {error.message}") from None
    return Moment.of_interval(interval, zone)


def _state_path(files: list[str]) -> Any:
    from ..state import private_folder, state_home, workspace_id

    folder = private_folder(private_folder(state_home()) / NEWS_STATE)
    return folder / f"{workspace_id(files)}.json"


def _remembered(files: list[str], as_of: AsOf, zone: str) -> AsOf | None:
    """The as-of moment of the last `news` run for these files, unless it is after T."""
    from datetime import date, datetime

    from ..schedule import AsOf as Moment
    from ..state import locked, read_json

    path = _state_path(files)
    with locked(path):
        document = read_json(path)
    if not isinstance(document, dict):
        return None
    try:
        moment = datetime.fromisoformat(str(document["moment"]))
        day = date.fromisoformat(str(document["day"]))
        text = str(document["text"])
    except (KeyError, ValueError):
        return None
    if moment.tzinfo is None or moment > as_of.moment:
        return None  # a later moment (time travel back): it says nothing about this window
    return Moment(day, moment, text)


def _remember(files: list[str], as_of: AsOf) -> None:
    import os

    from ..state import locked, write_json

    path = _state_path(files)
    with locked(path):
        write_json(path, {
            "files": [os.path.realpath(name) for name in files],
            "moment": as_of.moment.isoformat(),
            "day": as_of.day.isoformat(),
            "text": as_of.text,
        })


def _warn(message: str) -> None:
    from . import terminal_safe

    print(f"timeline: warning: {terminal_safe(message)}", file=sys.stderr)


def cmd_news(args: argparse.Namespace) -> int:
    from ..news import news
    from ..report import dumps
    from ..report_changes import news_document, news_lines, news_markdown
    from ..state import StateError
    from . import EXIT_OK, UsageError, context, load_or_fail

    ctx = context(args)
    timeline = load_or_fail(ctx).timeline
    zone = timeline.timezone
    as_of = ctx.as_of(zone)
    since: AsOf | None = None
    since_from = "option"
    if args.since is not None:
        since = _since_option(args.since, as_of, zone)
        if since.moment >= as_of.moment:
            raise UsageError(f"--since {args.since} is not before the as-of moment {as_of.text}")
    else:
        try:
            since = _remembered(ctx.given, as_of, zone)
            since_from = "last-run"
        except StateError as error:
            _warn(f"{error.message}; showing the last {DEFAULT_DAYS} days")
        if since is None:
            since_from = "default"
            since = _since_option(f"{DEFAULT_DAYS}d", as_of, zone)
    found = news(timeline, since, as_of)
    if ctx.format == "json":
        ctx.out.write(dumps(news_document(found, timeline, since_from)))
    elif ctx.format == "markdown":
        ctx.out.write(news_markdown(found, timeline))
    else:
        _print(ctx, news_lines(found, timeline))
    try:
        _remember(ctx.given, as_of)
    except StateError as error:
        _warn(f"{error.message}; the next 'news' cannot start where this one ended")
    return EXIT_OK


# ------------------------------------------------------------------------------ diff


def cmd_diff(args: argparse.Namespace) -> int:
    from ..gitfiles import GitError
    from ..history import diff_workspace
    from ..report import dumps
    from ..report_changes import diff_document, diff_lines, diff_markdown, problem_text
    from . import EXIT_INVALID, EXIT_OK, CliError, UsageError, context, terminal_safe

    ctx = context(args)
    revisions = list(args.revisions)
    if len(revisions) > 2:
        raise UsageError("diff takes at most two revisions: 'timeline diff [REV [REV2]]'")
    old = revisions[0] if revisions else None
    new = revisions[1] if len(revisions) == 2 else None
    try:
        found = diff_workspace(ctx.given, old, new, ctx.as_of)
    except GitError as error:
        raise CliError(error.message) from None
    if ctx.format == "json":
        ctx.out.write(dumps(diff_document(found)))
    elif ctx.format == "markdown":
        ctx.out.write(diff_markdown(found))
    else:
        _print(ctx, diff_lines(found))
    problems = found.problems
    for where, problem in problems:
        print(terminal_safe(problem_text(where, problem)), file=sys.stderr)
    return EXIT_INVALID if problems else EXIT_OK
