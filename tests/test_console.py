"""The console script as a user runs it: a real process, output through a pipe.

Nothing may be lost on the way out, exit codes must come through, and the interpreter
ends as usual (exit handlers run).
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from conftest import EXAMPLE, Run, process_env

ARGV = ("-f", str(EXAMPLE), "--as-of", "2025-07-28")


def process(*args: str, script: bool = False) -> list[str]:
    """The command line of `timeline ARGS`: the installed script, or `python -m`."""
    if script:
        installed = Path(sys.executable).parent / "timeline"
        if not installed.exists():
            pytest.skip("the console script is not installed next to this Python")
        return [str(installed), *args]
    return [sys.executable, "-m", "policy_timeline", *args]


def environment() -> dict[str, str]:
    return process_env(COLUMNS="100", NO_COLOR=None)


@pytest.mark.parametrize("script", [False, True], ids=["python -m", "console script"])
@pytest.mark.parametrize(
    "command",
    [("show", "--all"), ("remind", "--within", "400d", "--format", "json"), ("check",)],
    ids=lambda c: " ".join(c),
)
def test_a_process_prints_what_main_prints(
    script: bool, command: tuple[str, ...], run: Callable[..., Run]
) -> None:
    done = subprocess.run(
        process(*ARGV, *command, script=script),
        capture_output=True,
        text=True,
        env=environment(),
        timeout=60,
    )
    expected = run(*ARGV, *command)
    assert (done.returncode, done.stdout, done.stderr) == (expected.code, expected.out, expected.err)
    assert done.stdout.strip() or done.stderr.strip()


def test_exit_codes_come_through(write: Callable[[str, str], Path]) -> None:
    broken = write("events:\n  - id: a\n    title: A\n    date: 2025-13-01\n", "t.yaml")
    done = subprocess.run(
        process("-f", str(broken), "check"), capture_output=True, text=True, env=environment()
    )
    assert done.returncode == 1 and "bad date" in done.stdout
    usage = subprocess.run(
        process("--as-of", "someday", "show"), capture_output=True, text=True, env=environment()
    )
    assert usage.returncode == 2 and "Traceback" not in usage.stderr


def test_a_reader_that_leaves_early_is_no_error(write: Callable[[str, str], Path]) -> None:
    """`timeline show --all | head -1` on output far bigger than a pipe holds: exit 0,
    nothing on stderr."""
    path = write(
        "events:\n"
        + "".join(
            f"  - id: e{n}\n    title: Entry number {n} with a long title\n"
            f"    date: 2025-{n % 12 + 1:02}-{n % 28 + 1:02}\n"
            for n in range(3000)
        ),
        "t.yaml",
    )
    child = subprocess.Popen(
        process("-f", str(path), "--as-of", "2025-07-28", "show", "--all"),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=environment(),
    )
    assert child.stdout is not None and child.stderr is not None
    assert child.stdout.readline()
    child.stdout.close()
    err = child.stderr.read().decode()
    assert child.wait(timeout=60) == 0
    assert err == ""


def test_the_console_script_runs_exit_handlers(write: Callable[[str, str], Path]) -> None:
    """`cli.run` ends like any Python program: atexit handlers run, the exit code comes
    through (it once left with `os._exit`, skipping them)."""
    broken = write("events:\n  - id: a\n    title: A\n    date: 2025-13-01\n", "t.yaml")
    script = (
        "import atexit, sys\n"
        "atexit.register(lambda: print('handler ran', flush=True))\n"
        f"sys.argv = ['timeline', '-f', {str(broken)!r}, 'check']\n"
        "from policy_timeline.cli import run\n"
        "run()\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, env=environment()
    )
    assert done.returncode == 1
    assert done.stdout.endswith("handler ran\n") and "bad date" in done.stdout
