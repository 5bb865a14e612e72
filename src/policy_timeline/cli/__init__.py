"""The `timeline` command: arguments, files, the clock, output and exit codes.

This is the only module that knows the argument parser, reads the clock or the
environment, and decides exit codes. Each command handler loads what it needs, calls
the library, and prints. Heavy modules are imported inside the handlers so that
`timeline remind` starts fast.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, NoReturn, TextIO

if TYPE_CHECKING:
    from ..cache import Keep
    from ..result import LoadResult
    from ..schedule import AsOf
    from ..timeline import Problem

EXIT_OK, EXIT_INVALID, EXIT_USAGE, EXIT_DUE = 0, 1, 2, 3
DEFAULT_FILE = "timeline.yaml"
#: set on the parsed arguments when a story was left out: the command exits 1 at the end
LEFT_OUT = "stories_left_out"
#: the commands that edit a story: `--story KEY` names the story they write to (or that
#: holds the entry named), and they load the whole workspace, so that an edit is checked
#: against every story that counts from the one edited
EDITING_COMMANDS = frozenset({"add", "change", "done", "rm", "edit", "import"})
#: the commands that take `--story`: those that show, remind or export (it narrows what
#: they load to those stories), and the editing commands
STORY_COMMANDS = frozenset({"show", "remind", "export", "agenda", "news", "notify"}) | (
    EDITING_COMMANDS
)


class CliError(Exception):
    """A failure the user can act on: printed as one line, mapped to an exit code."""

    def __init__(self, message: str, exit_code: int = EXIT_INVALID) -> None:
        super().__init__(message)
        self.message = message
        self.exit_code = exit_code


class UsageError(CliError):
    def __init__(self, message: str) -> None:
        super().__init__(message, EXIT_USAGE)


# ----------------------------------------------------------------------- parsing


def terminal_width() -> int:
    """The terminal's width ($COLUMNS first); 80 when there is no terminal.

    What `shutil.get_terminal_size` does, without importing shutil (4 ms) on the hot path.
    """
    columns = os.environ.get("COLUMNS", "")
    if columns.isdigit() and int(columns) > 0:
        return int(columns)
    try:
        return os.get_terminal_size(sys.__stdout__.fileno()).columns  # type: ignore[union-attr]
    except (AttributeError, OSError, ValueError):
        return 80


def _formatter(prog: str) -> argparse.HelpFormatter:
    # given a width, argparse's formatter does not import shutil to ask for one
    return argparse.RawDescriptionHelpFormatter(prog, width=max(40, terminal_width() - 2))


class _Parser(argparse.ArgumentParser):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("formatter_class", _formatter)
        super().__init__(*args, **kwargs)

    def error(self, message: str) -> NoReturn:
        self.print_usage(sys.stderr)
        self.exit(EXIT_USAGE, f"timeline: error: {message}\n")


def _global_options(parser: argparse.ArgumentParser, *, suppress: bool) -> None:
    """The options every command accepts, before or after the command name.

    On subcommands their defaults are suppressed so that a value given before the
    command is not overwritten by the subcommand's default.
    """

    def default(value: Any) -> Any:
        return argparse.SUPPRESS if suppress else value

    group = parser.add_argument_group("global options")
    group.add_argument(
        "-f",
        "--file",
        action="append",
        dest="files",
        metavar="PATH",
        default=default(None),
        help="a story file, or a folder of them (*.yaml, *.yml); repeatable, and the "
        "story files after it are taken too (-f stories/*.yaml); default: $TIMELINE_FILE, "
        "several separated by ':', else ./timeline.yaml, else ./timelines/",
    )
    group.add_argument(
        "--story",
        action="append",
        dest="stories",
        metavar="KEY",
        default=default(None),
        help="only the story with this key (repeatable, or KEY,KEY; commands that show, "
        "remind or export); for add, change, done, rm, edit, import and show ID: the story "
        "of the entry",
    )
    group.add_argument(
        "--as-of",
        metavar="DATE",
        default=default(None),
        help="pretend today is DATE and ignore news announced later "
        "('2025-07-28', 'aug 10 2025', '+2w', 'next friday'; default: $TIMELINE_AS_OF or today)",
    )
    group.add_argument(
        "--format",
        choices=("rich", "plain", "json"),
        default=default(None),
        help="output: rich (colour, default on a terminal), plain (default when piped), json",
    )
    group.add_argument(
        "--no-color",
        action="store_true",
        default=default(False),
        help="no colour (NO_COLOR is honoured too)",
    )


#: Every command, the module under `cli/` that builds it, and its one-line help: the
#: catalogue `timeline --help` lists without importing any command's module.
COMMANDS: dict[str, tuple[str, str]] = {
    "check": ("", "validate the timeline files"),
    "show": (
        "view",
        "the timeline: entries by year and month, a TODAY rule, deadline countdowns, "
        "change history and sources",
    ),
    "remind": (
        "view",
        "what needs attention: overdue, due today, and due within the lead times; "
        "prints nothing when nothing is due",
    ),
    "export": ("share", "export the timeline to a calendar, a page, a chart or a document"),
    "add": ("edit", "add an entry to the timeline file, keeping its comments"),
    "change": ("edit", "record news about an entry: a new date, a status, a note"),
    "import": ("edit", "add entries from an ICS calendar or a TimelineJS JSON/CSV file"),
    "done": ("edit", "mark a deadline met (a change announced today, or --announced)"),
    "rm": ("edit", "remove an entry (refused while another entry's date counts from it)"),
    "edit": ("edit", "open $EDITOR at the entry's line"),
    "init": (
        "edit",
        "create a starter timeline file and its schema; existing files are kept (--force)",
    ),
    "schema": ("edit", "print the JSON Schema of the timeline file, for editors"),
    "news": ("history", "what was announced between two moments: new entries, moves, claims"),
    "diff": ("history", "what changed in the story files between git revisions"),
    "notify": ("notify", "deliver reminders to mail, chat and webhooks, each notice once"),
    "completion": ("completion", "print a completion script for bash, zsh or fish"),
    "build": ("site", "a static site of the workspace: dashboard, pages, calendars, feed"),
    "serve": ("site", "serve the site on this machine, rebuilt when a story file changes"),
    "agenda": ("agenda", "what falls due or happens in the next days across every story, "
               "week by week"),
}


def add_command(
    commands: Any,
    name: str,
    examples: str,
    handler: Callable[[argparse.Namespace], int],
) -> argparse.ArgumentParser:
    help_text = COMMANDS[name][1]
    parser: argparse.ArgumentParser = commands.add_parser(
        name,
        help=help_text,
        description=help_text,
        epilog="examples:\n" + examples,
    )
    _global_options(parser, suppress=True)
    parser.set_defaults(handler=handler)
    return parser


EXAMPLES = """\
  timeline                              the timeline, with TODAY and countdowns
  timeline remind --as-of 2025-07-28    what was due as of that day
  timeline check --strict               validate; warnings fail too
  timeline -f a.yaml -f b.yaml show     several files at once
"""


def build_parser(selected: Collection[str] | None = None) -> argparse.ArgumentParser:
    """The parser; only the `selected` commands get their options (None: all of them).

    With a command selected the others are left out, so that `timeline remind` neither
    imports the editing or export code nor makes a parser per command (each costs a
    search for translations) just to parse its arguments; a word where the command should
    be is then an `argparse.ArgumentError`, for `parse_args` to report with every command.
    With none selected (`timeline --help`), every command is listed with its help.
    """
    from importlib import import_module

    from .. import __version__

    parser = _Parser(
        exit_on_error=not selected,
        prog="timeline",
        description="Follow a policy story through its dates: "
        "timeline, reminders, checks, exports.",
        epilog="examples:\n" + EXAMPLES + "\nexit codes: 0 ok, 1 invalid timeline, 2 usage error, "
        "3 remind --exit-code found something due",
    )
    parser.add_argument("--version", action="version", version=f"timeline {__version__}")
    _global_options(parser, suppress=False)
    commands = parser.add_subparsers(title="commands", dest="command", metavar="COMMAND")
    commands._parser_class = _Parser

    # a module registers all of its commands at once: build those with a selected one
    wanted = None if selected is None else {COMMANDS[name][0] for name in selected}
    built: set[str] = set()
    for name, (module, help_text) in COMMANDS.items():
        if name in built:
            continue
        if wanted is not None and module not in wanted:
            if not wanted:  # no command named: `--help` lists them all
                commands.add_parser(name, help=help_text)
            continue
        if module:
            import_module(f"{__name__}.{module}").register(commands)
            built.update(other for other, (owner, _) in COMMANDS.items() if owner == module)
        else:
            check = add_command(
                commands,
                "check",
                "  timeline check\n"
                "  timeline check --strict --format json\n"
                "  timeline -f a.yaml -f b.yaml check\n",
                cmd_check,
            )
            check.add_argument(
                "--strict", action="store_true", help="fail (exit 1) on warnings too"
            )
    return parser


def parse_args(argv: Sequence[str]) -> argparse.Namespace:
    """Parse; with no command named, `show` is meant (`timeline --tag x` = `timeline show --tag x`).

    A word that names a command but is the value of an option (`--search check`) is that
    option's value.
    """
    argv = more_files(argv)
    named = _command_word(argv)
    if named is None and not {"-h", "--help", "--version"} & set(argv):
        argv, named = ["show", *argv], "show"
    parser = build_parser(() if named is None else (named,))
    try:
        return parser.parse_args(attach_dash_values(argv, parser))
    except argparse.ArgumentError:  # not the command where it should be: say it in full
        parser = build_parser()
        return parser.parse_args(attach_dash_values(argv, parser))


_STORY_FILE = (".yaml", ".yml")


def more_files(argv: Sequence[str]) -> list[str]:
    """`-f stories/*.yaml` as the shell gives it (`-f a.yaml b.yaml c.yaml`): each word
    after a `-f PATH` that names a story file (ends in .yaml or .yml) is one more `-f`."""
    out: list[str] = []
    after_file = False  # the word before was a file given to -f (or one taken after it)
    for index, word in enumerate(argv):
        if word == "--":
            out += argv[index:]
            break
        if after_file and not word.startswith("-") and word.lower().endswith(_STORY_FILE):
            out += ["-f", word]
            continue
        after_file = out[-1:] in (["-f"], ["--file"]) or word.startswith("--file=")
        out.append(word)
    return out


#: The global options that take a value: the word after one is never the command.
_GLOBAL_VALUE_OPTIONS = frozenset({"-f", "--file", "--as-of", "--format"})
_GLOBAL_FLAGS = frozenset({"--no-color", "--help", "--version"})


def _command_word(argv: Sequence[str]) -> str | None:
    """The command named in `argv`: the first word that names one and is not the value of
    an option (`timeline --search check` searches for "check")."""
    takes_value: set[str] | None = None
    after_value_option = False
    for index, word in enumerate(argv):
        if word == "--":
            return None
        if after_value_option:
            after_value_option = False
            continue
        previous = argv[index - 1] if index else ""
        if word in COMMANDS:
            if not previous.startswith("--") or "=" in previous or previous in _GLOBAL_FLAGS:
                return word
            # after an option of some command: the whole parser knows whether it takes a value
            if takes_value is None:
                takes_value = _value_options(build_parser())
            if previous not in takes_value:
                return word
            continue
        after_value_option = word in _GLOBAL_VALUE_OPTIONS
    return None


def _value_options(parser: argparse.ArgumentParser) -> set[str]:
    return {
        option
        for each in _parsers(parser)
        for action in each._actions
        if action.nargs is None
        for option in action.option_strings
    }


def _parsers(parser: argparse.ArgumentParser) -> list[argparse.ArgumentParser]:
    found = [parser]
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for sub in dict.fromkeys(action.choices.values()):
                found.extend(_parsers(sub))
    return found


def attach_dash_values(argv: Sequence[str], parser: argparse.ArgumentParser) -> list[str]:
    """`--as-of -2w` → `--as-of=-2w`: option values may begin with '-' (SPEC section 4).

    argparse takes a word that begins with '-' for an option and refuses the value; a
    word after an option that takes one value is attached to it, unless the word is
    itself an option (then a missing value stays a usage error).
    """
    takes_value = _value_options(parser)
    options = {o for each in _parsers(parser) for a in each._actions for o in a.option_strings}
    longs = sorted(option for option in options if option.startswith("--"))

    def resolve(word: str) -> str | None:
        if word in options:
            return word
        if word.startswith("--") and "=" not in word:
            matches = [option for option in longs if option.startswith(word)]
            if len(matches) == 1:
                return matches[0]
        return None

    def is_option(word: str) -> bool:
        if word.startswith("--"):
            name = word.split("=", 1)[0]
            return name == "--" or any(option.startswith(name) for option in longs)
        return word[:2] in options

    out: list[str] = []
    index = 0
    while index < len(argv):
        word = argv[index]
        if word == "--":
            out.extend(argv[index:])
            break
        value = argv[index + 1] if index + 1 < len(argv) else None
        if (
            value is not None
            and len(value) > 1
            and value.startswith("-")
            and resolve(word) in takes_value
            and not is_option(value)
        ):
            out.append(f"{word}={value}" if word.startswith("--") else word + value)
            index += 2
            continue
        out.append(word)
        index += 1
    return out


# ------------------------------------------------------------------- environment


@dataclass
class Context:
    """What every command gets: the files, the moment, and how to print."""

    args: argparse.Namespace
    files: list[str]  # the story files, folders expanded
    format: str
    color: bool
    out: TextIO
    given: list[str] = field(default_factory=list)  # the paths as named (folders kept)
    missing: str | None = None  # why there is no workspace to load (then `files` is the default)

    def as_of(self, zone: str) -> AsOf:
        given = self.args.as_of
        if given is None:
            given = os.environ.get("TIMELINE_AS_OF") or None
        return resolve_as_of(given, zone)


def context(args: argparse.Namespace, out: TextIO | None = None) -> Context:
    from ..workspace import WorkspaceError, default_paths, expand

    out = out or sys.stdout
    missing = None
    try:
        # several files in the environment are separated like PATH (':' on POSIX)
        given = list(args.files or default_paths(os.environ.get("TIMELINE_FILE")))
        files = expand(given)
    except WorkspaceError as error:  # said when a command loads (`init` needs no workspace)
        given, files, missing = [DEFAULT_FILE], [DEFAULT_FILE], error.message
    interactive = out.isatty()
    fmt = args.format or ("rich" if interactive else "plain")
    color = fmt == "rich" and not args.no_color and not os.environ.get("NO_COLOR")
    return Context(args, files, fmt, color, out, given, missing)


def resolve_as_of(text: str | None, zone: str) -> AsOf:
    """`--as-of` as given, or now. The one place that reads the clock."""
    from datetime import datetime

    from ..dates import DateError, get_zone
    from ..schedule import AsOf
    from .reading import read_human_date

    now = datetime.now(get_zone(zone))
    if text is None:
        return AsOf(now.date(), now, now.date().isoformat())
    interval = read_human_date(text, "--as-of", now.date(), zone)
    try:
        return AsOf.of_interval(interval, zone)
    except DateError as error:
        raise UsageError(f"--as-of: {error.message}") from None


def load_or_fail(
    ctx: Context, *, reminded_only: bool = False, keep: Keep | None = None, sources: bool = True
) -> LoadResult:
    """Load the workspace (through the cache).

    A story with errors is left out: its errors are printed located on stderr, the
    command carries on with the other stories, and exits 1 at the end (SPEC section 1).
    When no story loads, that is the end: exit 1 now.

    `reminded_only`: the timeline may hold just the entries that can be reminded, all
    that `remind` looks at (a warm cache then reads a tenth of a typical file); `keep`:
    of those, only the ones it keeps (see `cache.lookup`); `sources` False: the timeline
    may have no sources, for a command that shows none.
    """
    if ctx.missing is not None:
        raise CliError(ctx.missing)
    result = load_files(ctx.files, reminded_only=reminded_only, keep=keep, sources=sources)
    if getattr(ctx.args, "stories", None) and narrows_to_stories(ctx.args):
        result = _only_stories(result, ctx.args.stories)
    if result.errors:
        from ..workspace import left_out

        for problem in result.errors:
            print(terminal_safe(str(problem)), file=sys.stderr)
        stories = left_out(result)
        count = len(result.errors)
        errors = f"{count} error{'s' if count != 1 else ''}"
        if not result.timeline.files:
            raise CliError(f"{errors}; run 'timeline check' for details")
        setattr(ctx.args, LEFT_OUT, True)
        what = (
            f"stor{'y' if len(stories) == 1 else 'ies'} left out: {', '.join(stories)}"
            if stories
            else "entries left out"
        )
        print(
            terminal_safe(f"timeline: error: {errors}; {what}; run 'timeline check' for details"),
            file=sys.stderr,
        )
    return result


def narrows_to_stories(args: argparse.Namespace) -> bool:
    """Whether `--story` narrows what the command loads. Not for the editing commands and
    `show ID`: there it names the story of one entry, and the whole workspace is loaded to
    find what counts from that entry in the other stories."""
    if getattr(args, "command", None) in EDITING_COMMANDS:
        return False
    return not (getattr(args, "command", None) == "show" and getattr(args, "entry_id", None))


def _only_stories(result: LoadResult, options: Sequence[str]) -> LoadResult:
    """The load restricted to the stories `--story` names; an unknown key is a usage error
    that lists the known ones."""
    from ..result import LoadResult
    from ..stories import key_from_path
    from ..workspace import left_out, only_stories

    known = [info.key for info in result.timeline.files]
    known += [key_from_path(path) for path in left_out(result)]
    wanted = story_keys(options, known)
    return LoadResult(only_stories(result.timeline, wanted), result.problems)


def story_keys(options: Sequence[str], known: Collection[str]) -> list[str]:
    """The keys `--story` names (repeated, or KEY,KEY), each once, in order; one that names
    none of the `known` stories is a usage error that lists them."""
    keys = [key.strip() for option in options for key in option.split(",") if key.strip()]
    for key in keys:
        if key not in known:
            raise UsageError(
                f"--story: no story '{key}' in this workspace; "
                f"the stories are: {', '.join(sorted(set(known))) or '(none)'}"
            )
    return list(dict.fromkeys(keys))


def load_files(
    files: Sequence[str],
    *,
    reminded_only: bool = False,
    keep: Keep | None = None,
    sources: bool = True,
) -> LoadResult:
    """Load through the cache; a cache folder that must not be used is said, once, on stderr."""
    from .. import cache

    reason = cache.refusal()
    if reason is not None:
        print(f"timeline: warning: not using the cache: {terminal_safe(reason)}", file=sys.stderr)
    return cache.load(files, reminded_only=reminded_only, keep=keep, sources=sources)


def terminal_safe(text: str) -> str:
    """Text from a file made safe for a terminal: control characters shown, not obeyed."""
    if text.isprintable():  # nearly always: no need to look at each character
        return text
    return "".join(
        ch
        if ch.isprintable() or ch in "\t"
        else f"\\x{ord(ch):02x}"
        if ord(ch) < 256
        else f"\\u{ord(ch):04x}"
        for ch in text
    )


# ---------------------------------------------------------------------- commands


def cmd_check(args: argparse.Namespace) -> int:
    import json

    from ..checks import warnings
    from ..result import sort_problems

    ctx = context(args)
    if ctx.missing is not None:
        raise CliError(ctx.missing)
    result = load_files(ctx.files)  # the cache holds only error-free loads, with problems
    problems: list[Problem] = list(result.problems)
    if result.timeline.files:  # the stories without errors are checked on
        problems += warnings(result.timeline, ctx.as_of(result.timeline.timezone))
        problems = sort_problems(problems, ctx.files)
    errors = [p for p in problems if p.severity == "error"]
    warned = [p for p in problems if p.severity == "warning"]
    if ctx.format == "json":
        document = {
            "errors": [p.as_json() for p in errors],
            "warnings": [p.as_json() for p in warned],
        }
        ctx.out.write(json.dumps(document, indent=2, ensure_ascii=False) + "\n")
    else:
        for problem in problems:
            ctx.out.write(terminal_safe(str(problem)) + "\n")
        entries = len(result.timeline.entries)
        named = ", ".join(ctx.files) if len(ctx.files) <= 3 else f"{len(ctx.files)} stories"
        summary = (
            f"{named}: {entries} entr{'y' if entries == 1 else 'ies'}, "
            f"{len(errors)} error{'s' if len(errors) != 1 else ''}, "
            f"{len(warned)} warning{'s' if len(warned) != 1 else ''}"
        )
        print(terminal_safe(summary), file=sys.stderr)
    if errors or (args.strict and warned):
        return EXIT_INVALID
    return EXIT_OK


# -------------------------------------------------------------------------- main


def run() -> NoReturn:
    """The console script: one command, then exit with its code.

    The cyclic garbage collector is off for the command. Loading makes millions of small
    objects that live until the process ends and form no cycles worth finding, and the
    collector walked them over and over: about half the CPU time of loading 10,000
    entries, and 2.0 of the 4.5 s of the first run after an edit of 100,000
    (benchmarks/README.md). Whatever the command leaves is freed at exit, as usual.
    """
    import contextlib
    import gc

    gc.disable()
    code = main()
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(ValueError):  # closed
            try:
                stream.flush()
            except BrokenPipeError:  # the reader left (`timeline | head`): not an error
                _let_go(stream)
            except OSError as error:  # a full disk or device behind the stream
                code = _cannot_write(stream, error)
    sys.exit(code)


#: Commands that do not read a timeline (init creates one).
_WITHOUT_FILES = frozenset({"init", "schema", "completion"})


def _check_workspace(args: argparse.Namespace) -> None:
    """With no -f and no $TIMELINE_FILE, and nothing at the default places: how to start."""
    if getattr(args, "command", None) in _WITHOUT_FILES or getattr(args, "files", None):
        return
    if os.environ.get("TIMELINE_FILE") or os.path.exists(DEFAULT_FILE):
        return
    if os.path.isdir("timelines"):
        return
    raise CliError(
        f"no timeline here: no ./{DEFAULT_FILE} (nor a ./timelines/ folder); start one with "
        "'timeline init', or name a file with -f PATH (or $TIMELINE_FILE)"
    )


def _let_go(stream: TextIO) -> None:
    """Point a stream whose reader left at /dev/null, so that exiting does not complain."""
    import contextlib

    with contextlib.suppress(OSError, ValueError, AttributeError):
        os.dup2(os.open(os.devnull, os.O_WRONLY), stream.fileno())


def _cannot_write(stream: TextIO, error: OSError) -> int:
    """A failed write to standard output or error: said on standard error if it can be."""
    import contextlib

    name = "standard output" if stream is sys.stdout else "standard error"
    with contextlib.suppress(OSError, ValueError, AttributeError):
        # what is left in the buffer cannot be written: let it go, once
        os.dup2(os.open(os.devnull, os.O_WRONLY), stream.fileno())
    with contextlib.suppress(OSError, ValueError):
        sys.stderr.write(f"timeline: error: cannot write to {name}: {error.strerror or error}\n")
        sys.stderr.flush()
    return EXIT_INVALID


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point: one place where errors become messages and exit codes."""
    argv = list(sys.argv[1:] if argv is None else argv)
    try:
        args = parse_args(argv)
        _check_workspace(args)
        if getattr(args, "stories", None) and args.command not in STORY_COMMANDS:
            raise UsageError(f"--story is not available for '{args.command}'")
        code = int(args.handler(args))
        sys.stdout.flush()  # a full disk behind standard output is reported here
        if getattr(args, LEFT_OUT, False) and code in (EXIT_OK, EXIT_DUE):
            code = EXIT_INVALID  # after everything else was printed; errors win over 3
    except CliError as error:
        print(f"timeline: error: {terminal_safe(error.message)}", file=sys.stderr)
        code = error.exit_code
    except KeyboardInterrupt:
        print("timeline: interrupted", file=sys.stderr)
        code = 130
    except BrokenPipeError:
        # `timeline | head`: the reader left; not an error worth a message
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        code = EXIT_OK
    except OSError as error:
        if error.filename is not None or not _writing_stdout(error):
            return _internal_error(error)
        code = _cannot_write(sys.stdout, error)
    except Exception as error:  # the promise is: never a traceback
        return _internal_error(error)
    return code


def _writing_stdout(error: OSError) -> bool:
    """Whether a file-less OSError is standard output failing (full disk, device gone)."""
    import errno

    return error.errno in (errno.ENOSPC, errno.EDQUOT, errno.EFBIG, errno.EIO)


def _internal_error(error: Exception) -> int:
    if os.environ.get("TIMELINE_DEBUG"):
        raise error
    print(
        f"timeline: internal error: {type(error).__name__}: {terminal_safe(str(error))}\n"
        "  This is a bug in timeline; rerun with TIMELINE_DEBUG=1 for details and report it.",
        file=sys.stderr,
    )
    return EXIT_INVALID


if __name__ == "__main__":
    run()
