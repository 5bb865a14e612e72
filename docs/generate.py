"""Regenerate what the docs take from the program: `python docs/generate.py`.

- docs/commands.md, the command reference, from the argument parser (its descriptions,
  options, help texts and examples);
- the output of every console example in README.md and docs/*.md.

A console example is a fenced ```console block: each line that begins with `$ timeline`
is a command (a line ending with `\\` continues on the next), the lines after it, up to the
next `$ ` line, are what it prints (stdout and stderr, as a terminal shows them). Every
command runs from a fresh copy of the repository's example files (timeline.yaml,
examples/, tests/fixtures/), the commands of one block one after another in the same
folder, with COLUMNS=100 and NO_COLOR=1. Illustrations that are not to be run go in
```sh blocks. `--check` changes nothing and exits 1 when a file is stale; the tests in
tests/test_docs.py do the same.
"""

from __future__ import annotations

import argparse
import os
import re
import shlex
import shutil
import subprocess
import sys
import tempfile
import textwrap
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
COMMANDS_MD = ROOT / "docs" / "commands.md"
WIDTH = 100
#: What the examples may use, copied to a fresh folder for every block.
EXAMPLE_FILES = ("timeline.yaml", "examples", "tests/fixtures")
#: Commands whose output does not depend on the day: the others must pin --as-of.
TIMELESS = frozenset({"schema", "completion", "init", "--help", "--version"})

_FENCE = re.compile(r"^(`{3,})(\S*)\s*$")


def doc_files() -> list[Path]:
    """README.md, every Markdown file under docs/, and benchmarks/README.md."""
    return [
        ROOT / "README.md",
        *sorted((ROOT / "docs").rglob("*.md")),
        ROOT / "benchmarks" / "README.md",
    ]


# ------------------------------------------------------------------ command reference


def _subcommands(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            return dict(action.choices)
    return {}


def parsers() -> tuple[argparse.ArgumentParser, dict[str, argparse.ArgumentParser]]:
    """The whole parser (every command built) and its commands by name."""
    sys.path.insert(0, str(ROOT / "src"))
    from policy_timeline.cli import build_parser

    parser = build_parser()
    return parser, _subcommands(parser)


def _metavar(action: argparse.Action) -> str:
    if action.metavar is not None:
        return str(action.metavar)
    if action.choices is not None:
        return "{" + ",".join(map(str, action.choices)) + "}"
    return action.dest.upper()


def _argument(action: argparse.Action) -> str:
    """An option or positional as usage writes it: `--within DURATION`, `[REV ...]`."""
    value = _metavar(action)
    if action.nargs == "?":
        value = f"[{value}]"
    elif action.nargs == "*":
        value = f"[{value} ...]"
    elif action.nargs == "+":
        value = f"{value} [{value} ...]"
    if not action.option_strings:
        return value
    name = max(action.option_strings, key=len)
    return name if action.nargs == 0 else f"{name} {value}"


def _signature(action: argparse.Action) -> tuple[object, ...]:
    return (tuple(action.option_strings), tuple(action.choices or ()), action.help)


def _groups(
    parser: argparse.ArgumentParser, omit: set[tuple[object, ...]]
) -> list[tuple[str, list[argparse.Action]]]:
    """The parser's groups and the actions each shows: not hidden, not help, and not a
    global option described at the top (a command that changes one, such as news's
    --format, shows its own)."""
    groups = []
    for group in parser._action_groups:
        shown = [
            action
            for action in group._group_actions
            if action.help != argparse.SUPPRESS
            and not isinstance(action, argparse._HelpAction | argparse._SubParsersAction)
            and _signature(action) not in omit
        ]
        if shown:
            title = "arguments" if group.title == "positional arguments" else str(group.title)
            groups.append((title, shown))
    return groups


def _cell(text: str) -> str:
    return " ".join(text.split()).replace("|", "\\|")


def _section(
    title: str, parser: argparse.ArgumentParser, omit: set[tuple[object, ...]]
) -> list[str]:
    """One command: what it does, its usage, its options by group, its examples.

    Written from the parser's actions rather than from `format_help`, whose layout
    changes between Python versions.
    """
    formatter = parser._get_formatter()
    groups = _groups(parser, omit)
    arguments = [action for _, actions in groups for action in actions]
    usage = " ".join(
        [parser.prog]
        + [f"[{_argument(a)}]" for a in arguments if a.option_strings]
        + [_argument(a) for a in arguments if not a.option_strings]
    )
    lines = [f"## `{title}`", "", _cell(parser.description or ""), "", "```text"]
    lines += textwrap.wrap(
        usage,
        WIDTH,
        subsequent_indent=" " * (len(parser.prog) + 1),
        break_on_hyphens=False,
        break_long_words=False,
    )
    lines += ["```"]
    for group_title, actions in groups:
        lines += ["", f"| {group_title} | |", "| --- | --- |"]
        for action in actions:
            names = f"`{_argument(action)}`"
            if action.option_strings:
                value = "" if action.nargs == 0 else f" {_metavar(action)}"
                names = ", ".join(f"`{name}{value}`" for name in action.option_strings)
            help_text = formatter._expand_help(action) if action.help else ""
            lines.append(f"| {names} | {_cell(help_text)} |")
    epilog = (parser.epilog or "").strip("\n")
    if epilog:
        lines += ["", "```text", *(line.rstrip() for line in epilog.splitlines()), "```"]
    return lines


def commands_reference() -> str:
    """The text of docs/commands.md."""
    parser, commands = parsers()
    lines = [
        "# Command reference",
        "",
        "<!-- Generated by `python docs/generate.py` from the program's argument parser: do not",
        "     edit; tests/test_docs.py fails when this file is stale. -->",
        "",
        "`timeline [GLOBAL OPTIONS] [COMMAND] [OPTIONS]`: every command takes the",
        "[global options](#timeline) before or after its name, and with no command `timeline`",
        "runs `show`. The file format and the date and deadline rules are in",
        "[file-format.md](file-format.md); `timeline COMMAND --help` prints the same as below.",
        "",
        "| command | does |",
        "| --- | --- |",
    ]
    for name, sub in commands.items():
        lines.append(f"| [`{name}`](#timeline-{name}) | {_cell(sub.description or '')} |")
    lines += ["", *_section("timeline", parser, set())]
    top = {_signature(action) for action in parser._actions}
    for name, sub in commands.items():
        lines += ["", *_section(f"timeline {name}", sub, top)]
    return "\n".join(lines) + "\n"


# ------------------------------------------------------------------ console examples


@dataclass
class Command:
    """One `$ timeline ...` of a console block and the output the document shows."""

    path: Path
    line: int  # 1-based line of the `$ ` line in the document
    text: str  # the command as written, continuation lines joined
    source_lines: list[str]  # the lines that write the command
    output: list[str]  # the lines shown after it, trailing blank lines dropped
    blank_after: int  # blank lines between the output and what follows

    @property
    def argv(self) -> list[str]:
        return shlex.split(self.text, comments=True)

    @property
    def where(self) -> str:
        shown = self.path.relative_to(ROOT) if self.path.is_relative_to(ROOT) else self.path
        return f"{shown}:{self.line}"


@dataclass
class Block:
    path: Path
    start: int  # index of the line after the opening fence
    end: int  # index of the closing fence
    prologue: list[str]  # lines before the first `$ `
    commands: list[Command]


def console_blocks(path: Path) -> Iterator[Block]:
    lines = path.read_text(encoding="utf-8").splitlines()
    index = 0
    while index < len(lines):
        opening = _FENCE.match(lines[index])
        if not opening:
            index += 1
            continue
        fence, language = opening.groups()
        close = index + 1
        while close < len(lines) and lines[close].strip() != fence:
            close += 1
        if language == "console":
            yield _block(path, lines, index + 1, close)
        index = close + 1


def _block(path: Path, lines: list[str], start: int, end: int) -> Block:
    body = lines[start:end]
    prologue: list[str] = []
    commands: list[Command] = []
    index = 0
    while index < len(body) and not body[index].startswith("$ "):
        prologue.append(body[index])
        index += 1
    while index < len(body):
        first = index
        source = [body[index]]
        while source[-1].endswith("\\") and index + 1 < len(body):
            index += 1
            source.append(body[index])
        index += 1
        output: list[str] = []
        while index < len(body) and not body[index].startswith("$ "):
            output.append(body[index])
            index += 1
        blank_after = 0
        while output and not output[-1].strip():
            output.pop()
            blank_after += 1
        text = " ".join(part.rstrip("\\").strip() for part in source)[2:]
        commands.append(Command(path, start + first + 1, text.strip(), source, output, blank_after))
    return Block(path, start, end, prologue, commands)


def example_environment(home: Path) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("TIMELINE_", "XDG_")) and key not in {"COLUMNS", "LINES"}
    }
    env.update(
        COLUMNS=str(WIDTH),
        NO_COLOR="1",
        HOME=str(home),
        XDG_CACHE_HOME=str(home / ".cache"),
        XDG_CONFIG_HOME=str(home / ".config"),
        XDG_STATE_HOME=str(home / ".local" / "state"),
        PYTHONPATH=os.pathsep.join(filter(None, [str(ROOT / "src"), env.get("PYTHONPATH")])),
    )
    return env


def problems_of(command: Command) -> list[str]:
    """Why a command may not be a console example (empty when it may)."""
    argv = command.argv
    if not argv or argv[0] != "timeline":
        return [f"{command.where}: a console example runs `timeline`, not {argv[:1]}"]
    if "--as-of" not in " ".join(argv) and not TIMELESS & set(argv):
        return [f"{command.where}: pin the day with --as-of: {command.text}"]
    if set(command.text) & set("|<>;&`"):
        return [f"{command.where}: no pipes or redirections in a console example"]
    return []


def run_block(block: Block) -> list[list[str]]:
    """Run every command of a block in a fresh copy of the example files: their outputs."""
    outputs: list[list[str]] = []
    with tempfile.TemporaryDirectory(prefix="timeline-docs-") as folder:
        work = Path(folder) / "repo"
        for name in EXAMPLE_FILES:
            source, target = ROOT / name, work / name
            target.parent.mkdir(parents=True, exist_ok=True)
            if source.is_dir():
                shutil.copytree(source, target)
            else:
                shutil.copy2(source, target)
        env = example_environment(Path(folder) / "home")
        for command in block.commands:
            completed = subprocess.run(
                [sys.executable, "-m", "policy_timeline", *command.argv[1:]],
                cwd=work,
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                text=True,
                encoding="utf-8",
                timeout=120,
            )
            lines = [line.rstrip() for line in completed.stdout.rstrip("\n").splitlines()]
            outputs.append(lines if any(lines) else [])
    return outputs


def refreshed(path: Path) -> str:
    """The document with every console example's output as the program prints it now."""
    lines = path.read_text(encoding="utf-8").splitlines()
    replacements: list[tuple[int, int, list[str]]] = []
    for block in console_blocks(path):
        problems = [problem for command in block.commands for problem in problems_of(command)]
        if problems:
            raise SystemExit("\n".join(problems))
        body = list(block.prologue)
        for command, output in zip(block.commands, run_block(block), strict=True):
            body += command.source_lines + output + [""] * command.blank_after
        replacements.append((block.start, block.end, body))
    for start, end, body in reversed(replacements):
        lines[start:end] = body
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="change nothing; exit 1 if stale")
    args = parser.parse_args(argv)
    wanted = {COMMANDS_MD: commands_reference()}
    for path in doc_files():
        if path != COMMANDS_MD:
            wanted[path] = refreshed(path)
    stale = [
        path
        for path, text in wanted.items()
        if not path.exists() or path.read_text(encoding="utf-8") != text
    ]
    for path in stale:
        if args.check:
            print(f"stale: {path.relative_to(ROOT)}")
        else:
            path.write_text(wanted[path], encoding="utf-8")
            print(f"wrote {path.relative_to(ROOT)}")
    return 1 if stale and args.check else 0


if __name__ == "__main__":
    sys.exit(main())
