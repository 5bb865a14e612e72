"""The recipes for running `timeline notify` daily (examples/cron, examples/systemd,
examples/github): their schedules are valid, and the commands they run are run here, in
the setting each one gives them, against a real webhook receiver."""

from __future__ import annotations

import configparser
import os
import re
import shlex
import shutil
import stat
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from conftest import BUNDLED, EXAMPLE, ROOT, process_env
from notify_servers import Hook

# apprise 2.3 imports the stdlib's imghdr, deprecated since Python 3.11: not ours to fix
pytestmark = pytest.mark.filterwarnings("ignore:'imghdr' is deprecated:DeprecationWarning")

EXAMPLES = ROOT / "examples"
DOCS = ROOT / "docs" / "notify.md"



def home_with_timeline(tmp_path: Path) -> Path:
    """A HOME as the recipes expect it: ~/news/timeline.yaml, ~/.local/bin/timeline."""
    home = tmp_path / "home"
    (home / "news").mkdir(parents=True)
    shutil.copy(BUNDLED, home / "news" / "timeline.yaml")
    program = install_timeline(home / ".local" / "bin")
    assert program.exists()
    return home


def install_timeline(folder: Path) -> Path:
    """A `timeline` program in `folder` that runs this checkout's code."""
    folder.mkdir(parents=True, exist_ok=True)
    program = folder / "timeline"
    program.write_text(
        f"#!/bin/sh\nPYTHONPATH={shlex.quote(str(ROOT / 'src'))} "
        f'exec {shlex.quote(sys.executable)} -m policy_timeline "$@"\n'
    )
    program.chmod(program.stat().st_mode | stat.S_IXUSR)
    return program


def bare_env(home: Path, **extra: str) -> dict[str, str]:
    """What cron or systemd gives a job: a short PATH, HOME, and nothing of ours."""
    return {"PATH": "/usr/bin:/bin", "HOME": str(home), "LANG": "C.UTF-8",
            "TIMELINE_CACHE_DIR": str(home / ".cache-test"), **extra}


# -------------------------------------------------------------------------- cron

CRON_FIELD = re.compile(r"^(\*|\d+(-\d+)?)(/\d+)?(,(\d+(-\d+)?))*$")


def cron_jobs(text: str) -> list[tuple[list[str], str]]:
    jobs = []
    for line in text.splitlines():
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        assert not re.match(r"^\w+\s*=", line), "no variables: they would carry secrets"
        fields = line.split(None, 5)
        jobs.append((fields[:5], fields[5]))
    return jobs


def test_the_cron_line_runs_notify_quietly_and_once(tmp_path: Path, hook: Hook) -> None:
    [(schedule, command)] = cron_jobs((EXAMPLES / "cron" / "timeline-notify").read_text())
    assert schedule == ["0", "8", "*", "*", "*"]
    assert all(CRON_FIELD.match(field) for field in schedule)
    home = home_with_timeline(tmp_path)
    config = home / ".config" / "policy-timeline"
    config.mkdir(parents=True)
    (config / "config.toml").write_text(f'notify = ["{hook.url()}"]\n')
    (config / "config.toml").chmod(0o600)
    for _ in range(2):  # two mornings on the same day: one digest
        # cron runs the line with /bin/sh, in HOME, with a short PATH
        done = subprocess.run(["/bin/sh", "-c", command], cwd=home, capture_output=True,
                              text=True, env=bare_env(home, TIMELINE_AS_OF="2025-07-28"))
        assert (done.returncode, done.stdout, done.stderr) == (0, "", "")  # cron mails nothing
    assert [post["title"] for post in hook.posts] == ["timeline: 1 upcoming"]
    assert (home / ".local" / "state" / "policy-timeline").is_dir()  # the XDG default


# ----------------------------------------------------------------------- systemd


def unit(name: str) -> configparser.ConfigParser:
    parser = configparser.ConfigParser(strict=False, interpolation=None, delimiters=("=",))
    parser.optionxform = str  # type: ignore[assignment,method-assign]
    parser.read_string((EXAMPLES / "systemd" / name).read_text())
    return parser


def test_the_systemd_units_pair_up_and_keep_missed_runs() -> None:
    service, timer = unit("timeline-notify.service"), unit("timeline-notify.timer")
    assert service["Service"]["Type"] == "oneshot"
    assert timer["Timer"]["OnCalendar"] == "*-*-* 08:00:00"
    assert timer["Timer"]["Persistent"] == "true"  # a morning missed while off runs at boot
    assert timer["Install"]["WantedBy"] == "timers.target"
    assert "Unit" not in timer["Timer"]  # the timer starts the service of its own name


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="systemd-analyze missing")
def test_systemd_analyze_verifies_the_units(tmp_path: Path) -> None:
    home = home_with_timeline(tmp_path)
    folder = tmp_path / "units"
    folder.mkdir()
    for name in ("timeline-notify.service", "timeline-notify.timer"):
        # %h is the user's home in a user unit; verified here with the test's home
        text = (EXAMPLES / "systemd" / name).read_text().replace("%h", str(home))
        (folder / name).write_text(text)
    calendar = subprocess.run(["systemd-analyze", "calendar", "*-*-* 08:00:00"],
                              capture_output=True, text=True)
    assert calendar.returncode == 0, calendar.stderr
    done = subprocess.run(
        ["systemd-analyze", "verify", "--man=no", str(folder / "timeline-notify.service"),
         str(folder / "timeline-notify.timer")],
        capture_output=True, text=True, cwd=folder,
    )
    if "Failed to initialize manager" in done.stderr or "Failed to setup" in done.stderr:
        pytest.skip(f"systemd-analyze cannot run here: {done.stderr.strip()}")
    assert done.returncode == 0, done.stderr
    assert "timeline-notify" not in done.stderr, done.stderr


def test_the_service_runs_notify_where_it_says(tmp_path: Path, hook: Hook) -> None:
    service = unit("timeline-notify.service")["Service"]
    home = home_with_timeline(tmp_path)
    argv = shlex.split(service["ExecStart"].replace("%h", str(home)))
    workdir = service["WorkingDirectory"].replace("%h", str(home))
    assert argv[0] == str(home / ".local" / "bin" / "timeline") and argv[1:] == ["notify"]
    from policy_timeline.cli import parse_args

    assert parse_args(argv[1:]).command == "notify"  # a real command line of ours
    env = bare_env(home, TIMELINE_AS_OF="2025-07-28", TIMELINE_NOTIFY=hook.url())
    for _ in range(2):
        done = subprocess.run(argv, cwd=workdir, capture_output=True, text=True, env=env)
        assert (done.returncode, done.stderr) == (0, "")
    assert len(hook.posts) == 1


# ------------------------------------------------------------------ GitHub Actions


def workflow() -> dict[Any, Any]:
    document = yaml.safe_load((EXAMPLES / "github" / "notify.yml").read_text())
    assert isinstance(document, dict)
    return document


def step(document: dict[Any, Any], name: str) -> dict[str, Any]:
    [found] = [s for s in document["jobs"]["notify"]["steps"] if s.get("name") == name]
    return found


def test_the_workflow_runs_one_at_a_time_and_keeps_its_state() -> None:
    document = workflow()
    triggers = document[True]  # YAML 1.1 reads the key `on` as true
    [schedule] = triggers["schedule"]
    assert all(CRON_FIELD.match(field) for field in schedule["cron"].split())
    assert document["concurrency"] == {"group": "timeline-notify", "cancel-in-progress": False}
    assert document["permissions"] == {"contents": "write"}
    job = document["jobs"]["notify"]
    assert job["env"]["XDG_STATE_HOME"] == "${{ github.workspace }}/.timeline-state"
    send = step(document, "Send what is new")
    assert send["run"].splitlines()[-1] == "timeline notify"
    assert send["env"] == {"TIMELINE_NOTIFY": "${{ secrets.TIMELINE_NOTIFY }}"}
    assert step(document, "Remember what was sent")["if"] == "always()"


def git(*args: str, cwd: Path) -> str:
    env = {**os.environ, "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1"}
    done = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, env=env)
    assert done.returncode == 0, done.stderr
    return done.stdout


@pytest.mark.skipif(shutil.which("git") is None, reason="git missing")
def test_the_workflow_steps_deliver_once_across_fresh_checkouts(
    tmp_path: Path, hook: Hook
) -> None:
    """Each run starts from a fresh clone, as a runner does; the committed state is all
    that connects them."""
    document = workflow()
    send = step(document, "Send what is new")["run"]
    remember = step(document, "Remember what was sent")["run"]
    remote = tmp_path / "remote.git"
    git("init", "--quiet", "--bare", "--initial-branch=main", str(remote), cwd=tmp_path)
    seed = tmp_path / "seed"
    git("clone", "--quiet", str(remote), str(seed), cwd=tmp_path)
    shutil.copy(BUNDLED, seed / "timeline.yaml")
    git("add", "timeline.yaml", cwd=seed)
    git("-c", "user.name=t", "-c", "user.email=t@example.org", "commit", "--quiet",
        "-m", "story", cwd=seed)
    git("push", "--quiet", "origin", "HEAD:main", cwd=seed)
    bin_folder = tmp_path / "bin"
    install_timeline(bin_folder)
    workspace = tmp_path / "work"  # the same path every run, as on a runner

    def run_workflow(day: str) -> None:
        shutil.rmtree(workspace, ignore_errors=True)
        # a runner may check out with a umask that lets the group write (002)
        clone = subprocess.run(["sh", "-c", 'umask 002 && git clone --quiet "$0" "$1"',
                                str(remote), str(workspace)], capture_output=True, text=True,
                               env={**os.environ, "GIT_CONFIG_GLOBAL": os.devnull})
        assert clone.returncode == 0, clone.stderr
        env = {"PATH": f"{bin_folder}:/usr/bin:/bin", "HOME": str(tmp_path),
               "XDG_STATE_HOME": str(workspace / ".timeline-state"),
               "TIMELINE_CACHE_DIR": str(tmp_path / "cache"), "LANG": "C.UTF-8",
               "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1"}
        done = subprocess.run(["bash", "-eo", "pipefail", "-c", send], cwd=workspace, text=True,
                              capture_output=True,
                              env={**env, "TIMELINE_NOTIFY": hook.url(), "TIMELINE_AS_OF": day})
        assert (done.returncode, done.stderr) == (0, "")
        done = subprocess.run(["bash", "-eo", "pipefail", "-c", remember], cwd=workspace,
                              text=True, capture_output=True, env=env)
        assert done.returncode == 0, done.stderr

    run_workflow("2025-07-12")
    run_workflow("2025-07-12")  # again, from a fresh clone: nothing new
    run_workflow("2025-07-28")
    assert [post["title"] for post in hook.posts] == ["timeline: 1 upcoming"] * 2
    log = git("log", "--format=%s", "main", cwd=remote)
    assert log.splitlines() == ["timeline notify: what was delivered"] * 2 + ["story"]
    committed = git("ls-tree", "-r", "--name-only", "main", cwd=remote).split()
    assert [name for name in committed if name.startswith(".timeline-state/")] == [
        name for name in committed if re.fullmatch(
            r"\.timeline-state/policy-timeline/notify-[0-9a-f]{16}\.json", name)]
    assert hook.url().split("//")[1] not in git("show", "main:" + committed[0], cwd=remote)


# -------------------------------------------------------------------------- docs


def test_the_docs_show_each_recipe_as_it_is_in_examples() -> None:
    docs = DOCS.read_text()
    for name in ("cron/timeline-notify", "systemd/timeline-notify.service",
                 "systemd/timeline-notify.timer", "github/notify.yml"):
        assert f"examples/{name}" in docs
    [(_, cron_command)] = cron_jobs((EXAMPLES / "cron" / "timeline-notify").read_text())
    assert cron_command in docs
    assert unit("timeline-notify.service")["Service"]["ExecStart"] in docs


def _block(docs: str, opening: str) -> str:
    start = docs.index(opening)
    return docs[start + len(opening):docs.index("```", start + len(opening))]


def test_the_dry_run_in_the_docs_is_what_it_prints(tmp_path: Path) -> None:
    opening = "```console\n$ timeline -f examples/truce-extended.yaml"
    console = _block(DOCS.read_text(), opening)
    command, _, expected = (opening.split("$ ")[1] + console).partition("\n")
    env = process_env(XDG_STATE_HOME=str(tmp_path / "state"), TIMELINE_FILE=None,
                      TIMELINE_NOTIFY=None, XDG_CONFIG_HOME=str(tmp_path / "config"))
    done = subprocess.run([sys.executable, "-m", "policy_timeline",
                           *shlex.split(command)[1:]], cwd=ROOT, capture_output=True,
                          text=True, env=env)
    assert (done.returncode, done.stderr) == (0, ""), done.stderr
    assert done.stdout == expected


def test_the_webhook_document_in_the_docs_is_what_arrives(
    tmp_path: Path, hook: Hook, monkeypatch: pytest.MonkeyPatch
) -> None:
    import json

    from policy_timeline.cli import main

    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    for day in ("2025-08-10", "2025-08-11"):
        code = main(["-f", str(EXAMPLE), "notify", "--as-of", day, "--to", hook.url()])
        assert code == 0
    assert json.loads(_block(DOCS.read_text(), "```json\n")) == hook.posts[-1]
