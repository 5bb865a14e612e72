"""`timeline notify` end to end: a real SMTP server and a real webhook receiver on
127.0.0.1, and runs across a sequence of as-of days on the bundled and example stories."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from collections import Counter
from collections.abc import Callable, Iterator
from datetime import date, timedelta
from pathlib import Path

import pytest

from conftest import BUNDLED, EXAMPLE, Run, process_env
from notify_servers import Hook, MailBox, free_port, smtp_server, webhook

RunCli = Callable[..., Run]

# apprise 2.3 imports the stdlib's imghdr, deprecated since Python 3.11: not ours to fix
pytestmark = pytest.mark.filterwarnings("ignore:'imghdr' is deprecated:DeprecationWarning")

LINE = re.compile(r"^- (?P<state>[A-Z]+) .*?(?:within (?P<window>\S+) )?\[(?P<name>[^\]]+)\]$")


def keys_of(body: str) -> list[tuple[str, str, str | None]]:
    """(story:id, state, window) of each notice line of a digest as it arrived."""
    found = []
    for line in body.splitlines():
        match = LINE.match(line)
        if match:
            found.append((match["name"], match["state"].lower(), match["window"]))
    return found


def days(first: str, last: str) -> Iterator[str]:
    day, end = date.fromisoformat(first), date.fromisoformat(last)
    while day <= end:
        yield day.isoformat()
        day += timedelta(days=1)


@pytest.fixture
def homes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Private XDG state and config folders for the run; no target in the environment."""
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.delenv("TIMELINE_NOTIFY", raising=False)
    return tmp_path


@pytest.fixture
def mailbox() -> Iterator[MailBox]:
    with smtp_server() as box:
        yield box



def notify(run: RunCli, path: Path, day: str, *targets: str, extra: tuple[str, ...] = ()) -> Run:
    to = [word for target in targets for word in ("--to", target)]
    return run("-f", str(path), "notify", "--as-of", day, *to, *extra)


# ------------------------------------------------------------------ each key once


@pytest.mark.parametrize(("path", "first", "last", "messages", "moves"), [
    (BUNDLED, "2025-06-25", "2025-08-20", 6, 0),
    # both extensions of truce-expiry, the rare-earth licences (Q4), the snapback notice
    (EXAMPLE, "2025-07-20", "2025-11-15", 12, 2),
])
def test_every_key_is_delivered_exactly_once_day_by_day(
    run: RunCli, homes: Path, mailbox: MailBox, hook: Hook, path: Path, first: str, last: str,
    messages: int, moves: int,
) -> None:
    story = path.stem
    expected: Counter[tuple[str, str, str | None, str]] = Counter()
    delivered: dict[str, Counter[tuple[str, str, str | None, str]]] = {
        "mail": Counter(), "webhook": Counter()}
    moved = 0
    for day in days(first, last):
        reminders = json.loads(run("-f", str(path), "remind", "--format", "json",
                                   "--as-of", day).out)["reminders"]
        due = {f"{story}:{r['id']}": r["due"] for r in reminders}
        expected.update({(f"{story}:{r['id']}", r["state"], r["window"], r["due"])
                         for r in reminders} - set(expected))  # each key counted once
        before = (len(mailbox.messages), len(hook.posts))
        result = notify(run, path, day, mailbox.url(), hook.url())
        assert result.code == 0, result.err
        assert result.out == ""  # quiet when not on a terminal: cron mails nothing more
        arrived = {"mail": [m.body for m in mailbox.messages[before[0]:]],
                   "webhook": [p["message"] for p in hook.posts[before[1]:]]}
        for target, bodies in arrived.items():
            assert len(bodies) <= 1  # one digest per target per run
            for name, state, window in (key for body in bodies for key in keys_of(body)):
                if state == "moved":
                    moved += target == "mail"
                else:
                    delivered[target][(name, state, window, due[name])] += 1

    # every key of every day's `remind`, each once, on each target, and nothing else
    assert delivered["mail"] == delivered["webhook"] == expected
    assert len(mailbox.messages) == len(hook.posts) == messages
    assert [m.subject for m in mailbox.messages] == [p["title"] for p in hook.posts]
    assert moved == moves


def test_a_skipped_week_gives_only_the_current_notice(
    run: RunCli, homes: Path, hook: Hook
) -> None:
    assert notify(run, BUNDLED, "2025-07-12", hook.url()).code == 0  # the 30-day window
    # no runs while the deadline passes its 14-day window; next run in the 3-day window
    assert notify(run, BUNDLED, "2025-08-08", hook.url()).code == 0
    assert [keys_of(post["message"]) for post in hook.posts] == [
        [("timeline:truce-expiry", "upcoming", "30d")],
        [("timeline:truce-expiry", "upcoming", "3d")],
    ]


def test_an_extension_gives_one_moved_notice(run: RunCli, homes: Path, hook: Hook) -> None:
    for day in ("2025-08-07", "2025-08-10", "2025-08-11", "2025-08-12", "2025-10-27",
                "2025-10-28", "2025-11-04", "2025-11-05"):
        assert notify(run, EXAMPLE, day, hook.url()).code == 0
    moved = [line for post in hook.posts for line in post["message"].splitlines()
             if line.startswith("- MOVED")]
    assert moved == [
        "- MOVED 90-day tariff freeze expires: moved Aug 10, 2025 → Nov 10, 2025 "
        "(in 91 days) [truce-extended:truce-expiry]",
        "- MOVED 90-day tariff freeze expires: moved Nov 10, 2025 → Nov 10, 2026 "
        "(in 371 days) [truce-extended:truce-expiry]",
    ]
    # the move is told with the news that moved it; the new date is reminded in its window
    assert "  Extended 90 days by executive order" in hook.posts[2]["message"].splitlines()
    keys = [key for post in hook.posts for key in keys_of(post["message"])
            if key[0] == "truce-extended:truce-expiry"]
    assert keys == [
        ("truce-extended:truce-expiry", "upcoming", "3d"),
        ("truce-extended:truce-expiry", "today", None),
        ("truce-extended:truce-expiry", "moved", None),
        ("truce-extended:truce-expiry", "upcoming", "14d"),
        ("truce-extended:truce-expiry", "moved", None),
    ]


def test_a_move_into_the_current_window_is_one_notice_saying_both(
    run: RunCli, homes: Path, hook: Hook, write: Callable[[str, str], Path]
) -> None:
    text = (
        "title: Moves\nwarn: [7d]\nevents:\n"
        "  - id: vote\n    title: Vote\n    kind: deadline\n    date: 2025-03-10\n"
        "    changes:\n      - announced: 2025-03-05\n        date: 2025-03-12\n"
        "        note: Postponed two days\n"
    )
    path = write(text, "moves.yaml")
    assert notify(run, path, "2025-03-04", hook.url()).code == 0
    assert notify(run, path, "2025-03-05", hook.url()).code == 0
    assert notify(run, path, "2025-03-06", hook.url()).code == 0
    assert [post["title"] for post in hook.posts] == ["timeline: 1 upcoming"] * 2
    assert hook.posts[1]["message"].splitlines()[3:] == [
        "- UPCOMING Vote: moved Mar 10, 2025 → Mar 12, 2025, in 7 days, within 7d [moves:vote]",
        "  Postponed two days",
    ]


# ----------------------------------------------------------------- failing targets


def test_a_dead_target_keeps_its_notices_pending_until_it_comes_back(
    run: RunCli, homes: Path, hook: Hook
) -> None:
    dead_port = free_port()  # nothing listens there: connection refused
    dead = f"json://user:hunter2secret@127.0.0.1:{dead_port}/hook"
    first = notify(run, BUNDLED, "2025-07-12", hook.url(), dead)
    assert first.code == 1
    assert f"json://user:****@127.0.0.1:{dead_port}/hook: not delivered" in first.err
    assert "1 notice stays pending for the next run" in first.err
    assert "hunter2secret" not in first.err + first.out
    assert len(hook.posts) == 1  # the live target got its digest all the same

    second = notify(run, BUNDLED, "2025-07-27", hook.url(), dead)  # still down, a new key
    assert second.code == 1 and len(hook.posts) == 2
    with webhook(port=dead_port) as back:
        third = notify(run, BUNDLED, "2025-07-28", hook.url(), dead)
        fourth = notify(run, BUNDLED, "2025-07-29", hook.url(), dead)
    assert third.code == fourth.code == 0, third.err
    # it missed the 30-day notice while down and gets what is current: the 14-day one
    assert [keys_of(post["message"]) for post in back.posts] == [
        [("timeline:truce-expiry", "upcoming", "14d")]]
    assert len(hook.posts) == 2  # nothing repeated to the target that had it


def test_a_url_apprise_does_not_understand_fails_that_target_only(
    run: RunCli, homes: Path, hook: Hook
) -> None:
    result = notify(run, BUNDLED, "2025-07-12", "nonsense://user:topsecret@host", hook.url())
    assert result.code == 1
    assert "not a notification URL apprise understands" in result.err
    assert "topsecret" not in result.err
    assert len(hook.posts) == 1


def test_two_concurrent_runs_send_one_digest(tmp_path: Path) -> None:
    env = process_env(
        XDG_STATE_HOME=str(tmp_path / "state"),
        XDG_CONFIG_HOME=str(tmp_path / "config"),
        TIMELINE_NOTIFY=None,
        TIMELINE_FILE=None,
    )
    with webhook(delay=0.5) as slow:  # the first run holds the lock while it is answered
        command = [sys.executable, "-m", "policy_timeline", "-f", str(BUNDLED), "notify",
                   "--as-of", "2025-07-28", "--to", slow.url()]
        runs = [subprocess.Popen(command, env=env, stderr=subprocess.PIPE, text=True)
                for _ in range(2)]
        codes = [(process.wait(timeout=60), process.stderr.read() if process.stderr else "")
                 for process in runs]
    assert codes == [(0, ""), (0, "")]
    assert len(slow.posts) == 1


# -------------------------------------------------------------------- state safety


def test_a_state_folder_others_can_write_is_refused(
    run: RunCli, homes: Path, hook: Hook
) -> None:
    folder = homes / "state" / "policy-timeline"
    folder.mkdir(parents=True)
    folder.chmod(0o777)
    for extra in ((), ("--dry-run",)):
        result = notify(run, BUNDLED, "2025-07-12", hook.url(), extra=extra)
        assert result.code == 1
        assert "can be written by other users" in result.err and "refusing" in result.err
        assert "Traceback" not in result.err
    assert hook.posts == []


def test_the_state_keeps_a_hash_of_the_target_never_its_url(
    run: RunCli, homes: Path, hook: Hook
) -> None:
    secret_url = hook.url("user:s3cr3t-token@")
    assert notify(run, BUNDLED, "2025-07-12", secret_url).code == 0
    files = list((homes / "state" / "policy-timeline").glob("notify-*.json"))
    assert len(files) == 1 and (files[0].stat().st_mode & 0o777) == 0o600
    text = files[0].read_text()
    assert "s3cr3t" not in text and "127.0.0.1" not in text
    document = json.loads(text)
    [records] = document["targets"].values()
    assert records == {"timeline:truce-expiry": {"due": "2025-08-10",
                                                 "keys": ["upcoming/2025-08-10/30d"]}}


def test_a_broken_state_file_is_reported_not_a_traceback(
    run: RunCli, homes: Path, hook: Hook
) -> None:
    assert notify(run, BUNDLED, "2025-07-12", hook.url()).code == 0
    [path] = (homes / "state" / "policy-timeline").glob("notify-*.json")
    path.write_text('{"version": 1, "targets": {"x": {"a:b": {"due": "soon"}}}}')
    result = notify(run, BUNDLED, "2025-07-28", hook.url())
    assert result.code == 1 and "move the file away to start afresh" in result.err
    assert "Traceback" not in result.err and len(hook.posts) == 1


# ---------------------------------------------------------------------- targets


def test_no_target_is_a_usage_error_saying_where_targets_come_from(
    run: RunCli, homes: Path
) -> None:
    result = run("-f", str(BUNDLED), "notify", "--as-of", "2025-07-28")
    assert result.code == 2
    assert "--to URL" in result.err and "$TIMELINE_NOTIFY" in result.err
    assert str(homes / "config" / "policy-timeline" / "config.toml") in result.err


def test_targets_from_the_environment_then_the_config_file(
    run: RunCli, homes: Path, hook: Hook
) -> None:
    with webhook() as from_config, webhook() as other:
        config = homes / "config" / "policy-timeline"
        config.mkdir(parents=True)
        (config / "config.toml").write_text(f'notify = ["{from_config.url()}"]\n')
        assert run("-f", str(BUNDLED), "notify", "--as-of", "2025-07-12").code == 0
        environment = {"TIMELINE_NOTIFY": f"{hook.url()}  {other.url()}"}
        assert run("-f", str(BUNDLED), "notify", "--as-of", "2025-07-12", env=environment).code == 0
        # --to wins over both
        assert run("-f", str(BUNDLED), "notify", "--as-of", "2025-07-27", "--to", other.url(),
                   env=environment).code == 0
    assert (len(from_config.posts), len(hook.posts), len(other.posts)) == (1, 1, 2)


def test_a_config_file_others_can_write_is_refused(run: RunCli, homes: Path, hook: Hook) -> None:
    config = homes / "config" / "policy-timeline"
    config.mkdir(parents=True)
    (config / "config.toml").write_text(f'notify = ["{hook.url()}"]\n')
    (config / "config.toml").chmod(0o666)
    result = run("-f", str(BUNDLED), "notify", "--as-of", "2025-07-12")
    assert result.code == 1 and "can be written by other users" in result.err
    assert hook.posts == []


@pytest.mark.parametrize(("text", "message"), [
    ('notify = "json://x"\n', "config.toml:1:1: error: notify must be a list of Apprise URLs"),
    ("\n\nnotify = [\n", "config.toml:4:1: error:"),
])
def test_a_bad_config_file_is_a_located_error(
    run: RunCli, homes: Path, text: str, message: str
) -> None:
    config = homes / "config" / "policy-timeline"
    config.mkdir(parents=True)
    (config / "config.toml").write_text(text)
    result = run("-f", str(BUNDLED), "notify", "--as-of", "2025-07-12")
    assert result.code == 1 and message in result.err, result.err


def test_an_unknown_config_key_is_a_warning(run: RunCli, homes: Path, hook: Hook) -> None:
    config = homes / "config" / "policy-timeline"
    config.mkdir(parents=True)
    (config / "config.toml").write_text(f'notify = ["{hook.url()}"]\nnotfy = []\n')
    result = run("-f", str(BUNDLED), "notify", "--as-of", "2025-07-12")
    assert result.code == 0 and len(hook.posts) == 1
    assert "config.toml:2:1: warning: unknown key 'notfy' (did you mean 'notify'?)" in result.err


@pytest.mark.parametrize("where", ["top", "entry"])
def test_a_timeline_file_cannot_name_targets(
    run: RunCli, homes: Path, hook: Hook, write: Callable[[str, str], Path], where: str
) -> None:
    notify_key = f'notify: ["{hook.url()}"]\n'
    entry = "  - id: vote\n    title: Vote\n    kind: deadline\n    date: 2025-07-20\n"
    text = ("title: T\n" + (notify_key if where == "top" else "") + "events:\n" + entry
            + ("    " + notify_key if where == "entry" else ""))
    path = write(text, "t.yaml")
    check = run("-f", str(path), "check")
    assert check.code == 1 and "unknown key 'notify'" in check.out
    result = notify(run, path, "2025-07-12")
    assert result.code == 2  # no target: the file's key was not taken as one
    with webhook() as other:
        named = notify(run, path, "2025-07-12", other.url())
    assert named.code == 1 and "unknown key 'notify'" in named.err  # the file is refused
    assert hook.posts == [] and other.posts == []


# ---------------------------------------------------------------- dry run, test


def test_dry_run_prints_each_digest_masked_and_records_nothing(
    run: RunCli, homes: Path, hook: Hook, mailbox: MailBox
) -> None:
    secret = hook.url("user:pa55word@")
    result = notify(run, EXAMPLE, "2025-08-10", secret, mailbox.url(), extra=("--dry-run",))
    assert result.code == 0, result.err
    assert "pa55word" not in result.out
    block = (
        "Subject: timeline: 1 due today, 2 upcoming\n\n"
        "As of Sun Aug 10, 2025:\n\n"
        "US–China truce, with extensions (truce-extended)\n"
        "- TODAY 90-day tariff freeze expires: Aug 10, 2025, due today "
        "[truce-extended:truce-expiry]\n"
        "  If it passes: Tariffs snap back to 145% / 125%\n"
        "- UPCOMING Notice of tariff rates after the freeze: Aug 12, 2025 00:01 EDT, in 2 days, "
        "within 2d [truce-extended:tariff-snapback-notice]\n"
        "- UPCOMING Decision on general licences for rare-earth exports: Q4 2025, in 52 days, "
        "within 60d [truce-extended:rare-earth-licences]\n"
    )
    assert result.out == (
        f"To json://user:****@127.0.0.1:{hook.port}/hook:\n{block}\n"
        f"To mailto://127.0.0.1:{mailbox.port}/team%40example.org?from=timeline@example.org:\n"
        f"{block}"
    )
    assert hook.posts == [] and mailbox.messages == []
    assert not (homes / "state").exists()  # recorded nothing, created nothing
    # and what it showed is what a real run then sends
    assert notify(run, EXAMPLE, "2025-08-10", secret, mailbox.url()).code == 0
    # (apprise trims the body's final newline)
    assert hook.posts[0]["title"] + "\n\n" + hook.posts[0]["message"] == block[9:].rstrip("\n")
    mailed = mailbox.messages[0]
    assert mailed.subject == hook.posts[0]["title"]
    assert mailed.body.replace("\r\n", "\n").rstrip("\n") == hook.posts[0]["message"]
    again = notify(run, EXAMPLE, "2025-08-10", secret, extra=("--dry-run",))
    assert "nothing new to send" in again.out


def test_test_sends_one_message_to_each_target_and_records_nothing(
    run: RunCli, homes: Path, hook: Hook, mailbox: MailBox
) -> None:
    result = run("notify", "--test", "--to", hook.url(), "--to", mailbox.url())
    assert result.code == 0, result.err
    assert [post["title"] for post in hook.posts] == ["timeline: test message"]
    assert [message.subject for message in mailbox.messages] == ["timeline: test message"]
    assert not (homes / "state").exists()
    dead = run("notify", "--test", "--to", f"json://127.0.0.1:{free_port()}/x")
    assert dead.code == 1 and "not delivered" in dead.err


def test_text_from_the_file_arrives_as_text(
    run: RunCli, homes: Path, hook: Hook, write: Callable[[str, str], Path]
) -> None:
    path = write(
        'title: "Evil \\e[31m story"\nevents:\n  - id: vote\n'
        '    title: "<b>Vote</b> \\e]8;;http://x\\a now"\n'
        "    kind: deadline\n    date: 2025-07-20\n", "evil.yaml")
    assert notify(run, path, "2025-07-12", hook.url()).code == 0
    message = hook.posts[0]["message"]
    assert "\x1b" not in message and "\x07" not in message
    assert "- UPCOMING <b>Vote</b> \\x1b]8;;http://x\\x07 now: Jul 20, 2025" in message


def test_notify_within_overrides_lead_times(run: RunCli, homes: Path, hook: Hook) -> None:
    result = notify(run, BUNDLED, "2025-06-25", hook.url(), extra=("--within", "8w"))
    assert result.code == 0
    assert keys_of(hook.posts[0]["message"]) == [("timeline:truce-expiry", "upcoming", "8w")]
    bad = notify(run, BUNDLED, "2025-06-25", hook.url(), extra=("--within", "soon"))
    assert bad.code == 2 and "--within" in bad.err


def test_dry_run_fails_on_a_url_apprise_does_not_understand(run: RunCli, homes: Path) -> None:
    result = notify(run, BUNDLED, "2025-07-12", "nonsense://u:topsecret@x",
                    extra=("--dry-run",))
    assert result.code == 1
    assert "To nonsense://" in result.out and "not a notification URL" in result.err
    assert "topsecret" not in result.out + result.err


def test_on_a_terminal_it_says_what_it_sent(
    homes: Path, hook: Hook, monkeypatch: pytest.MonkeyPatch
) -> None:
    import io

    from policy_timeline.cli import main

    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    out = Terminal()
    monkeypatch.setattr(sys, "stdout", out)
    for day in ("2025-07-12", "2025-07-13"):
        assert main(["-f", str(BUNDLED), "--no-color", "notify", "--as-of", day,
                     "--to", hook.url()]) == 0
    assert out.getvalue() == (
        f"json://127.0.0.1:{hook.port}/hook: sent timeline: 1 upcoming\n"
        f"json://127.0.0.1:{hook.port}/hook: nothing new to send\n"
    )


def test_a_run_with_nothing_new_does_not_load_apprise(tmp_path: Path, hook: Hook) -> None:
    env = process_env(XDG_STATE_HOME=str(tmp_path / "state"), TIMELINE_NOTIFY=None,
                      XDG_CONFIG_HOME=str(tmp_path / "config"), TIMELINE_FILE=None)
    script = (
        "import sys\nfrom policy_timeline.cli import main\n"
        f"code = main(['-f', {str(BUNDLED)!r}, 'notify', '--as-of', sys.argv[1], "
        f"'--to', {hook.url()!r}])\n"
        "print(code, 'apprise' in sys.modules)\n"
    )
    ran = [subprocess.run([sys.executable, "-c", script, day], env=env, capture_output=True,
                          text=True).stdout for day in ("2025-07-12", "2025-07-13")]
    assert ran == ["0 True\n", "0 False\n"]  # 0.4 s saved on the usual day
    assert len(hook.posts) == 1


@pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")  # loopback only
def test_mail_with_a_login_is_sent_with_it_and_never_shows_it(
    run: RunCli, homes: Path
) -> None:
    with smtp_server(login=("news", "s3cret-pass")) as guarded:
        wrong = notify(run, BUNDLED, "2025-07-12", guarded.url("news:wrong-pass@"))
        assert wrong.code == 1 and guarded.messages == []
        assert "wrong-pass" not in wrong.err and "mailto://news:****@127.0.0.1" in wrong.err
        right = notify(run, BUNDLED, "2025-07-12", guarded.url("news:s3cret-pass@"))
        assert right.code == 0, right.err
    assert guarded.logins == ["news"]
    [message] = guarded.messages
    assert (message.subject, message.sender, message.recipients) == (
        "timeline: 1 upcoming", "timeline@example.org", ["team@example.org"])
    assert keys_of(message.body) == [("timeline:truce-expiry", "upcoming", "30d")]


def test_a_crash_between_sending_and_recording_repeats_a_digest_and_loses_none(
    run: RunCli, homes: Path, hook: Hook
) -> None:
    import policy_timeline.delivery as delivery

    def crash(*args: object) -> None:
        raise KeyboardInterrupt  # the process dies after the first send, before recording

    with webhook() as second:
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(delivery, "write_ledger", crash)
            crashed = notify(run, BUNDLED, "2025-07-12", hook.url(), second.url())
        assert crashed.code == 130
        again = notify(run, BUNDLED, "2025-07-12", hook.url(), second.url())
        assert again.code == 0
        third = notify(run, BUNDLED, "2025-07-12", hook.url(), second.url())
    assert third.code == 0
    assert [post["message"] for post in hook.posts] == [hook.posts[0]["message"]] * 2
    assert len(second.posts) == 1 and second.posts[0]["message"] == hook.posts[0]["message"]
