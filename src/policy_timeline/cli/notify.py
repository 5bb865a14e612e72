"""`timeline notify`: deliver what `remind` lists to mail, chat and webhooks, each once."""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from pathlib import Path

    from ..delivery import Sender, Target
    from ..notify import NoticeBoard
    from ..timeline import Timeline
    from . import Context

NOTIFY_EXAMPLES = """\
  timeline notify --to 'mailto://me:app-password@gmail.com'
  timeline notify --to 'json://hooks.example.org/timeline' --dry-run
  timeline notify --test                  one test message to each configured target
  TIMELINE_NOTIFY='ntfys://my-topic' timeline notify
  0 8 * * * cd ~/news && timeline notify  cron: a digest when something is new, else nothing

targets: --to URL (repeatable), else $TIMELINE_NOTIFY (space-separated), else
notify = ["URL", ...] in $XDG_CONFIG_HOME/policy-timeline/config.toml; never a timeline file.
exit codes: 0 sent (or nothing new), 1 a target failed (its notices stay pending) or a
story has errors, 2 usage error or no target.
"""


def register(commands: Any) -> None:
    from . import add_command

    notify = add_command(commands, "notify", NOTIFY_EXAMPLES, cmd_notify)
    notify.add_argument(
        "--to",
        action="append",
        metavar="URL",
        help="an Apprise URL to send to (repeatable): mailto://, slack://, ntfys://, "
        "matrixs://, json://host/path, ...",
    )
    notify.add_argument(
        "--dry-run",
        action="store_true",
        help="print each target's digest; send nothing and record nothing",
    )
    notify.add_argument(
        "--test",
        action="store_true",
        help="send one test message to each target and record nothing",
    )
    notify.add_argument(
        "--within",
        metavar="DURATION",
        help="notify of everything due within DURATION (7d, 2w, 1mo) instead of each "
        "entry's lead times",
    )


def _warn(text: str) -> None:
    from . import terminal_safe

    print(terminal_safe(text), file=sys.stderr)


def _failed(shown: str, reason: str, consequence: str) -> None:
    _warn(f"timeline: error: {shown}: not delivered: {reason}; {consequence}")


def cmd_notify(args: argparse.Namespace) -> int:
    from ..delivery import ConfigError, no_target_message, resolve_targets, sender
    from . import EXIT_INVALID, EXIT_OK, UsageError, context

    ctx = context(args)
    if args.dry_run and args.test:
        raise UsageError("--dry-run and --test: choose one")
    if ctx.format == "json":
        raise UsageError("notify prints no JSON: it sends; --dry-run shows each digest as text")
    from .reading import read_within

    within = read_within(args.within)
    try:
        targets, warnings = resolve_targets(args.to)
    except ConfigError as error:
        _warn(error.message)  # located, as `check` prints problems
        return EXIT_INVALID
    for warning in warnings:
        _warn(warning)
    if not targets:
        raise UsageError(no_target_message())
    if args.test:
        return _send_test(ctx, targets)

    from ..notify import NoticeBoard

    timeline = _load(ctx)
    board = NoticeBoard.at(timeline, ctx.as_of(timeline.timezone), within)
    if args.dry_run:
        understood = _dry_run(ctx, board, [sender(target) for target in targets])
        return EXIT_OK if understood else EXIT_INVALID
    return EXIT_INVALID if _deliver(ctx, board, targets) else EXIT_OK


def _load(ctx: Context) -> Timeline:
    from . import load_or_fail

    # the entries that can be reminded: all that reminders and moves look at
    return load_or_fail(ctx, reminded_only=True).timeline


def _state_path(ctx: Context) -> Path:
    from ..delivery import state_path
    from ..state import workspace_id

    return state_path(workspace_id(ctx.given))


def _dry_run(ctx: Context, board: NoticeBoard, senders: list[Sender]) -> bool:
    """Print what each target would get; False when some target's URL is not understood."""
    from ..delivery import read_ledger
    from ..notify import digest
    from ..state import StateError, unsafe_reason
    from . import CliError, terminal_safe

    path = _state_path(ctx)
    try:
        # read only: a dry run creates nothing, but trusts no folder others can write
        reason = unsafe_reason(path.parent) if path.parent.exists() else None
        if reason is not None:
            raise StateError(f"{reason}; refusing to keep state there")
        ledger = read_ledger(path)
    except StateError as error:
        raise CliError(error.message) from None
    blocks = []
    for one in senders:
        notices = board.owed(ledger.of(one.target))
        if one.problem is not None:
            blocks.append(f"To {one.shown}:\n  ({one.problem})\n")
        elif not notices:
            blocks.append(f"To {one.shown}:\n  nothing new to send\n")
        else:
            message = digest(board.as_of, notices)
            blocks.append(f"To {one.shown}:\nSubject: {message.title}\n\n{message.body}")
    text = "\n".join(blocks)
    ctx.out.write("".join(terminal_safe(line) + "\n" for line in text.splitlines()))
    for one in senders:
        if one.problem is not None:
            _failed(one.shown, one.problem, "a real run would keep its notices pending")
    return all(one.problem is None for one in senders)


def _deliver(ctx: Context, board: NoticeBoard, targets: list[Target]) -> bool:
    """Send each target its digest and record it at once; True when some target failed.

    apprise (0.4 s to import and load its plugins) is only loaded for a target that is
    owed something, so the usual daily run, with nothing new, stays as fast as `remind`.
    """
    from ..delivery import read_ledger, sender, write_ledger
    from ..notify import digest
    from ..state import StateError, locked, private_folder
    from . import CliError

    path = _state_path(ctx)
    failed = False
    try:
        private_folder(path.parent)
        # one run at a time per workspace: a second waits, then finds nothing pending
        with locked(path):
            ledger = read_ledger(path)
            for target in targets:
                notices = board.owed(ledger.of(target))
                if not notices:
                    if ctx.out.isatty():  # by hand, say so; from cron, stay quiet
                        ctx.out.write(f"{sender(target).shown}: nothing new to send\n")
                    continue
                message = digest(board.as_of, notices)
                outcome = sender(target).send(message)
                if outcome.error is not None:
                    failed = True
                    count = len(notices)
                    stay = f"{count} notice{'s stay' if count != 1 else ' stays'} pending"
                    _failed(outcome.shown, outcome.error, f"{stay} for the next run")
                    continue
                ledger = ledger.with_target(target, board.after(ledger.of(target), notices))
                write_ledger(path, ledger, ctx.given)  # at once: a crash repeats one digest
                if ctx.out.isatty():
                    ctx.out.write(f"{outcome.shown}: sent {message.title}\n")
    except StateError as error:
        raise CliError(error.message) from None
    return failed


def _send_test(ctx: Context, targets: list[Target]) -> int:
    from ..delivery import sender
    from ..notify import trial_message
    from . import EXIT_INVALID, EXIT_OK

    message = trial_message()
    failed = False
    for target in targets:
        outcome = sender(target).send(message)
        if outcome.error is None:
            ctx.out.write(f"{outcome.shown}: test message sent\n")
        else:
            failed = True
            _failed(outcome.shown, outcome.error, "nothing was recorded")
    return EXIT_INVALID if failed else EXIT_OK
