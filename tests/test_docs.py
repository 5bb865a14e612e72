"""The docs cannot drift from the program: the command reference is generated from the
parser, every console example runs and prints what the page shows, every link resolves.

After a deliberate change of output or help: `python docs/generate.py`, and review the diff.
"""

from __future__ import annotations

import argparse
import importlib.util
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from conftest import ROOT, process_env

_spec = importlib.util.spec_from_file_location("docs_generate", ROOT / "docs" / "generate.py")
assert _spec and _spec.loader
generate = importlib.util.module_from_spec(_spec)
sys.modules["docs_generate"] = generate
_spec.loader.exec_module(generate)

README = ROOT / "README.md"
REGENERATE = "stale: run `python docs/generate.py` and review the diff"

BLOCKS = [block for path in generate.doc_files() for block in generate.console_blocks(path)]


# ------------------------------------------------------------------ command reference


def test_the_command_reference_is_generated_from_the_current_parser() -> None:
    assert generate.COMMANDS_MD.read_text(encoding="utf-8") == generate.commands_reference(), (
        REGENERATE
    )


def test_the_command_reference_has_every_command() -> None:
    text = generate.COMMANDS_MD.read_text(encoding="utf-8")
    parser, commands = generate.parsers()
    top = {generate._signature(action) for action in parser._actions}
    assert len(commands) >= 16
    for name in commands:
        assert f"## `timeline {name}`" in text
        section = text.split(f"## `timeline {name}`\n", 1)[1].split("\n## ", 1)[0]
        assert section.count(f"\ntimeline {name}") == 1, name  # the usage line
        for action in commands[name]._actions:
            if action.help == argparse.SUPPRESS or generate._signature(action) in top:
                continue  # hidden on purpose, or a global option described at the top
            for option in action.option_strings:
                assert f"`{option}" in section, f"{name}: {option}"


def help_problems(name: str, parser: argparse.ArgumentParser) -> list[str]:
    """What a command's help lacks: a description, examples, help text for an option."""
    problems = []
    if not (parser.description or "").strip():
        problems.append(f"{name}: no description")
    epilog = parser.epilog or ""
    if not epilog.startswith("examples:\n"):
        problems.append(f"{name}: the epilog does not begin 'examples:'")
    elif not [line for line in epilog.splitlines()[1:] if f"timeline {name}" in line]:
        problems.append(f"{name}: no example runs `timeline {name}`")
    for action in parser._actions:
        # argparse.SUPPRESS hides an option on purpose (a misnomer that says what to write)
        if not isinstance(action, argparse._HelpAction) and not (action.help or "").strip():
            problems.append(f"{name}: {action.option_strings or action.dest} has no help text")
    return problems


@pytest.mark.parametrize("name", sorted(generate.parsers()[1]))
def test_every_command_has_help_and_examples(name: str) -> None:
    assert help_problems(name, generate.parsers()[1][name]) == []


def test_a_command_without_help_or_examples_is_caught() -> None:
    bare = argparse.ArgumentParser(prog="timeline bare")
    bare.add_argument("--quiet", action="store_true")
    assert len(help_problems("bare", bare)) == 3
    other = argparse.ArgumentParser(description="does things", epilog="examples:\n  ls\n")
    assert help_problems("other", other) == ["other: no example runs `timeline other`"]


def test_the_top_level_help_has_examples() -> None:
    parser, _ = generate.parsers()
    assert (parser.epilog or "").startswith("examples:\n")


# ------------------------------------------------------------------ console examples


def test_the_readme_and_the_docs_have_console_examples() -> None:
    by_file = {block.path.name for block in BLOCKS}
    assert {"README.md", "file-format.md", "cookbook.md"} <= by_file
    assert sum(len(block.commands) for block in BLOCKS) >= 15


@pytest.mark.parametrize(
    "block", BLOCKS, ids=[f"{b.path.relative_to(ROOT)}:{b.start}" for b in BLOCKS]
)
def test_console_example_prints_what_the_page_shows(block: generate.Block) -> None:
    assert block.commands, "a console block without a `$ timeline` command"
    assert not [line for line in block.prologue if line.strip()], "text before the first `$ `"
    problems = [problem for command in block.commands for problem in generate.problems_of(command)]
    assert not problems
    for command, output in zip(block.commands, generate.run_block(block), strict=True):
        assert not any("Traceback" in line for line in output), command.where
        assert output == command.output, f"{command.where}: {REGENERATE}"


def test_a_console_example_with_a_wrong_output_is_caught(tmp_path: Path) -> None:
    page = tmp_path / "page.md"
    page.write_text(
        "```console\n$ timeline remind --as-of 2025-07-28\nnothing due\n```\n", encoding="utf-8"
    )
    (block,) = generate.console_blocks(page)
    (output,) = generate.run_block(block)
    assert output != block.commands[0].output
    assert any("truce-expiry" in line for line in output)


def test_console_blocks_read_continuation_lines_comments_and_blank_separators(
    tmp_path: Path,
) -> None:
    page = tmp_path / "page.md"
    page.write_text(
        "text\n```console\n$ timeline --as-of 2025-07-28 \\\n      remind   # a comment\n"
        "one\ntwo\n\n$ timeline schema\n```\n",
        encoding="utf-8",
    )
    (block,) = generate.console_blocks(page)
    first, second = block.commands
    assert first.argv == ["timeline", "--as-of", "2025-07-28", "remind"]
    assert (first.output, first.blank_after, first.line) == (["one", "two"], 1, 3)
    assert (second.argv, second.output) == (["timeline", "schema"], [])


def test_an_example_must_pin_the_day_and_run_timeline(tmp_path: Path) -> None:
    page = tmp_path / "page.md"
    page.write_text(
        "```console\n$ timeline remind\n$ ls\n$ timeline check --as-of 2025-07-28 | head\n"
        "$ timeline completion bash\n```\n",
        encoding="utf-8",
    )
    (block,) = generate.console_blocks(page)
    problems = [generate.problems_of(command) for command in block.commands]
    assert [bool(found) for found in problems] == [True, True, True, False]
    assert "--as-of" in problems[0][0]


# ------------------------------------------------------------------ links and the README


_LINK = re.compile(r"!?\[[^\]]*\]\(([^)\s]+)(?:\s+\"[^\"]*\")?\)")


def _anchors(path: Path) -> set[str]:
    """GitHub's anchors for the headings of a Markdown file."""
    found = set()
    in_fence = False
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("```"):
            in_fence = not in_fence
        elif not in_fence and line.startswith("#"):
            title = line.lstrip("#").strip().lower()
            found.add(re.sub(r"[^\w\- ]", "", title).replace(" ", "-"))
    return found


def link_problems(path: Path, root: Path = ROOT) -> list[str]:
    """Links of a Markdown page that leave `root` (other than to web pages) or lead nowhere."""
    problems = []
    text = path.read_text(encoding="utf-8")
    if "shared/" in text or "SPEC.md" in text:
        problems.append(f"{path.name}: names a file outside the repository")
    prose = re.sub(r"^(`{3,}).*?^\1$", "", text, flags=re.M | re.S)  # not code blocks
    for target in (found.strip("<>") for found in _LINK.findall(prose)):
        if re.match(r"https?://", target):
            if re.match(r"https?://(localhost|127\.|0\.0\.0\.0)", target):
                problems.append(f"{path.name}: {target} is not a public page")
            continue
        file_part, _, anchor = target.partition("#")
        if ":" in file_part:
            problems.append(f"{path.name}: {target} is neither a file nor a web page")
            continue
        resolved = (path.parent / file_part).resolve() if file_part else path
        if not resolved.is_relative_to(root):
            problems.append(f"{path.name}: {target} leaves the repository")
        elif not resolved.exists():
            problems.append(f"{path.name}: {target} does not exist")
        elif anchor and resolved.suffix == ".md" and anchor not in _anchors(resolved):
            problems.append(f"{path.name}: {target}: no such heading")
    return problems


@pytest.mark.parametrize("path", generate.doc_files(), ids=lambda p: str(p.relative_to(ROOT)))
def test_every_link_stays_in_the_repository_or_goes_to_a_public_page(path: Path) -> None:
    assert link_problems(path) == []


def test_the_link_check_finds_each_kind_of_bad_link(tmp_path: Path) -> None:
    root = tmp_path / "repo"
    (root / "docs").mkdir(parents=True)
    (root / "docs" / "other.md").write_text("# Other\n\n## A heading\n", encoding="utf-8")
    page = root / "docs" / "page.md"
    page.write_text(
        "[ok](other.md#a-heading) [web](https://example.org/) [up](../../outside.md)\n"
        "[gone](missing.md) [anchor](other.md#no-heading) [local](http://127.0.0.1:8000/)\n"
        "[mail](mailto:me@example.org) [spec](../shared/SPEC.md)\n"
        "```md\n[in code](nowhere.md)\n```\n",
        encoding="utf-8",
    )
    problems = link_problems(page, root)
    assert len(problems) == 7, problems  # the SPEC link twice: named, and missing
    for word in ("outside", "missing.md", "no-heading", "127.0.0.1", "mailto", "outside the"):
        assert any(word in problem for problem in problems), word


def test_the_readme_is_short() -> None:
    assert len(README.read_bytes()) < 8 * 1024


def _fenced(text: str, language: str) -> list[str]:
    return re.findall(rf"^```{language}\n(.*?)^```", text, flags=re.M | re.S)


def test_the_readme_test_command_is_what_ci_runs() -> None:
    last = (ROOT / ".ci" / "run").read_text(encoding="utf-8").strip().splitlines()[-1]
    commands = [
        line.strip()
        for block in _fenced(README.read_text("utf-8"), "sh")
        for line in block.splitlines()
    ]
    assert last in commands


def test_the_readme_first_yaml_example_passes_check(tmp_path: Path) -> None:
    first = _fenced(README.read_text(encoding="utf-8"), "yaml")[0]
    story = tmp_path / "story.yaml"
    story.write_text(first, encoding="utf-8")
    completed = subprocess.run(
        [
            sys.executable,
            "-m",
            "policy_timeline",
            "-f",
            str(story),
            "check",
            "--strict",
            "--as-of",
            "2025-07-28",
        ],
        capture_output=True,
        text=True,
        env=process_env(NO_COLOR="1"),
        check=False,
    )
    assert completed.returncode == 0, completed.stdout + completed.stderr
    assert "story.yaml: 2 entries, 0 errors, 0 warnings" in completed.stderr


def test_the_readme_pictures_exist() -> None:
    pictures = re.findall(r"!\[[^\]]*\]\(([^)]+)\)", README.read_text(encoding="utf-8"))
    assert "docs/img/show-bundled.svg" in pictures
    assert all((ROOT / picture).is_file() for picture in pictures)


# ------------------------------------------------------------------ pre-commit


def test_the_pre_commit_hook_checks_the_workspace(tmp_path: Path) -> None:
    (hook,) = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    assert hook["id"] == "timeline-check"
    assert hook["language"] == "python"
    # the whole workspace is checked: a relative date may count from another story's entry
    assert hook["pass_filenames"] is False
    pattern = re.compile(hook["files"])
    assert pattern.search("timeline.yaml") and pattern.search("timelines/us-china.yml")
    assert not pattern.search("README.md")
    broken = ROOT / "tests" / "fixtures" / "check" / "broken.yaml"

    def entry(*args: str) -> subprocess.CompletedProcess[str]:
        argv = [*hook["entry"].split(), *hook.get("args", []), *args]
        assert argv[:2] == ["timeline", "check"]
        return subprocess.run(
            [sys.executable, "-m", "policy_timeline", *argv[1:]],
            capture_output=True,
            text=True,
            env=process_env(NO_COLOR="1", TIMELINE_FILE=None, TIMELINE_AS_OF="2025-07-28"),
            check=False,
            cwd=tmp_path,
        )

    (tmp_path / "timeline.yaml").write_bytes((ROOT / "timeline.yaml").read_bytes())
    default = entry()
    assert default.returncode == 0, default.stdout + default.stderr
    assert "timeline.yaml: 10 entries, 0 errors, 0 warnings" in default.stderr
    # a repository that keeps its stories elsewhere names them in `args:`
    other = tmp_path / "kinds.yaml"
    other.write_bytes((ROOT / "tests" / "fixtures" / "news" / "kinds.yaml").read_bytes())
    two = entry("-f", "timeline.yaml", "-f", "kinds.yaml")
    assert two.returncode == 0, two.stdout + two.stderr
    assert "timeline.yaml, kinds.yaml: 14 entries, 0 errors" in two.stderr
    (tmp_path / "timeline.yaml").write_bytes(broken.read_bytes())
    failing = entry()
    assert failing.returncode == 1
    assert "timeline.yaml:3:11: error: unknown time zone" in failing.stdout
