"""Where `timeline notify` sends, how, and what it remembers having sent (SPEC section 8).

Targets are Apprise URLs from the command line, `$TIMELINE_NOTIFY`, or the user's
`config.toml`, never from a timeline file (those are shared in git; these URLs carry
secrets). Sending goes through the `apprise` library. What each target was delivered is
kept per workspace in `$XDG_STATE_HOME/policy-timeline/notify-WORKSPACE.json`, under a
hash of the target's URL, never the URL itself.
"""

from __future__ import annotations

import hashlib
import logging
import os
import re
import tomllib
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from .notify import Delivered, Digest
from .state import StateError, config_home, read_json, state_home, unsafe_reason, write_json

CONFIG_NAME = "config.toml"
CONFIG_KEYS = ("notify",)
STATE_VERSION = 1


class ConfigError(Exception):
    """The user's config file cannot be used; the message is located."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


# --------------------------------------------------------------------------- targets


@dataclass(frozen=True, slots=True)
class Target:
    url: str  # as given: it may carry passwords and tokens, never printed or stored

    @property
    def digest_id(self) -> str:
        """What the state file knows the target by: a hash, never the URL itself."""
        return hashlib.sha256(self.url.encode("utf-8", "surrogateescape")).hexdigest()[:32]


def config_path(environ: Mapping[str, str] = os.environ) -> Path:
    return config_home(environ) / CONFIG_NAME


def _line_of(text: str, key: str) -> int:
    match = re.search(rf"^[ \t]*{re.escape(key)}[ \t]*=", text, re.MULTILINE)
    return text.count("\n", 0, match.start()) + 1 if match else 1


def read_config(path: Path) -> tuple[dict[str, Any], list[str]]:
    """The config document at `path` ({} when there is none) and warnings about it.

    Refused (ConfigError): a file or folder that other users can write, since it names
    where reminders go; a file that is not TOML.
    """
    if not path.exists():
        return {}, []
    for checked in (path.parent, path):
        reason = unsafe_reason(checked)
        if reason is not None:
            raise ConfigError(
                f"timeline: error: {reason}; refusing to read notification targets from it"
            )
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise ConfigError(f"timeline: error: cannot read {path}: {error}") from None
    try:
        document = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        found = re.search(r"\(at line (\d+), column (\d+)\)$", str(error))
        at_end = str(error).endswith("(at end of document)")
        message = re.sub(r"\s*\(at (line \d+, column \d+|end of document)\)$", "", str(error))
        if found:
            where = f"{found.group(1)}:{found.group(2)}"
        else:
            where = f"{text.count(chr(10)) + 1}:1" if at_end else "1:1"
        raise ConfigError(f"{path}:{where}: error: {message}") from None
    warnings = []
    for key in document:
        if key not in CONFIG_KEYS:
            import difflib

            near = difflib.get_close_matches(key, CONFIG_KEYS, n=1)
            hint = f" (did you mean '{near[0]}'?)" if near else ""
            warnings.append(
                f"{path}:{_line_of(text, key)}:1: warning: unknown key '{key}'{hint}; ignored"
            )
    notify = document.get("notify")
    if notify is not None and not (
        isinstance(notify, list) and all(isinstance(url, str) for url in notify)
    ):
        raise ConfigError(
            f"{path}:{_line_of(text, 'notify')}:1: error: notify must be a list of "
            'Apprise URLs, e.g. notify = ["mailto://user:password@example.org"]'
        )
    return document, warnings


def resolve_targets(
    given: Sequence[str] | None, environ: Mapping[str, str] = os.environ
) -> tuple[list[Target], list[str]]:
    """The targets (from `--to`, else `$TIMELINE_NOTIFY`, else config.toml), each once, and
    warnings about the config file. No target at all: an empty list."""
    warnings: list[str] = []
    urls = [url.strip() for url in given or () if url.strip()]
    if not urls:
        urls = environ.get("TIMELINE_NOTIFY", "").split()
    if not urls:
        document, warnings = read_config(config_path(environ))
        urls = [url.strip() for url in document.get("notify", []) if url.strip()]
    unique = list(dict.fromkeys(urls))
    return [Target(url) for url in unique], warnings


def no_target_message(environ: Mapping[str, str] = os.environ) -> str:
    return (
        "no notification target: give --to URL (repeatable), set $TIMELINE_NOTIFY "
        "(Apprise URLs separated by spaces), or write notify = [\"URL\", ...] in "
        f"{config_path(environ)}"
    )


# --------------------------------------------------------------------------- sending


def _quiet_asset() -> Any:
    import apprise

    # memory only: apprise keeps nothing of its own on disk for our targets; messages say
    # they come from timeline (mail: `X-Application`, the sender's name), not from Apprise
    return apprise.AppriseAsset(
        storage_mode="memory",
        async_mode=False,
        app_id="timeline",
        app_desc="timeline notify: policy deadline reminders",
    )


@dataclass(frozen=True, slots=True)
class Outcome:
    shown: str  # the target's URL with its secrets masked
    error: str | None  # why it failed, None when delivered


def _masked_raw(url: str) -> str:
    from apprise.utils.cwe312 import cwe312_url

    return str(cwe312_url(url))


@dataclass
class Sender:
    """One target, understood by apprise (or not, and then why)."""

    target: Target
    shown: str
    service: Any  # an apprise.Apprise holding the one service, None when not understood
    problem: str | None

    def send(self, message: Digest) -> Outcome:
        if self.service is None:
            return Outcome(self.shown, self.problem)
        import apprise

        with apprise.LogCapture(level=logging.WARNING, fmt="%(message)s") as captured:
            delivered = self.service.notify(
                body=message.body,
                title=message.title,
                body_format=apprise.NotifyFormat.TEXT,
                notify_type=apprise.NotifyType.WARNING
                if message.urgent
                else apprise.NotifyType.INFO,
            )
        if delivered:
            return Outcome(self.shown, None)
        said = [line.strip() for line in captured.getvalue().splitlines() if line.strip()]
        reason = said[-1].rstrip(".") if said else "the service refused the message"
        return Outcome(self.shown, reason)


def sender(target: Target) -> Sender:
    import apprise

    service = apprise.Apprise(asset=_quiet_asset())
    with apprise.LogCapture(level=logging.WARNING, fmt="%(message)s") as captured:
        added = service.add(target.url)
    if not added or len(service) != 1:
        said = [line.strip() for line in captured.getvalue().splitlines() if line.strip()]
        reason = said[0].rstrip(".") if said and len(service) <= 1 else "give one URL per target"
        shown = _masked_raw(target.url)
        return Sender(target, shown, None, f"not a notification URL apprise understands: {reason}")
    return Sender(target, _shown(str(service[0].url(privacy=True)), target.url), service, None)


def _shown(masked: str, given: str) -> str:
    """apprise's masked URL, without the defaults it spells out that the user did not
    write (`?overflow=upstream&retry=0&...`): the target as the user knows it."""
    from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

    written = {name.lower() for name, _ in parse_qsl(urlsplit(given).query, True)}
    parts = urlsplit(masked)
    kept = [(k, v) for k, v in parse_qsl(parts.query, True) if k.lower() in written]
    return urlunsplit(parts._replace(query=urlencode(kept, safe="*@:/")))


# ----------------------------------------------------------------------------- state


def state_path(workspace: str, environ: Mapping[str, str] = os.environ) -> Path:
    return state_home(environ) / f"notify-{workspace}.json"


@dataclass
class Ledger:
    """What each target of one workspace was delivered, by target hash and `story:id`."""

    targets: dict[str, dict[str, Delivered]]

    def of(self, target: Target) -> dict[str, Delivered]:
        return dict(self.targets.get(target.digest_id, {}))

    def with_target(self, target: Target, delivered: Mapping[str, Delivered]) -> Ledger:
        return Ledger({**self.targets, target.digest_id: dict(delivered)})


def _records(raw: Any, path: Path) -> Iterator[tuple[str, Delivered]]:
    if not isinstance(raw, dict):
        raise StateError(f"{path} is not a notify state file; move it away to start afresh")
    for name, record in raw.items():
        try:
            keys = frozenset(str(key) for key in record["keys"])
            yield str(name), Delivered(date.fromisoformat(record["due"]), keys)
        except (KeyError, TypeError, ValueError):
            raise StateError(
                f"{path}: unreadable record for {name!r}; move the file away to start afresh"
            ) from None


def read_ledger(path: Path) -> Ledger:
    """The ledger at `path` (empty when there is none); StateError when it is unusable."""
    document = read_json(path)
    if document is None:
        return Ledger({})
    if not isinstance(document, dict) or document.get("version") != STATE_VERSION:
        raise StateError(f"{path} is not a notify state file; move it away to start afresh")
    raw_targets = document.get("targets")
    if not isinstance(raw_targets, dict):
        raise StateError(f"{path} is not a notify state file; move it away to start afresh")
    return Ledger(
        {str(target): dict(_records(raw, path)) for target, raw in raw_targets.items()}
    )


def write_ledger(path: Path, ledger: Ledger, files: Sequence[str]) -> None:
    document = {
        "version": STATE_VERSION,
        "files": sorted({os.path.realpath(name) for name in files}),
        "targets": {
            target: {
                name: {"due": record.due.isoformat(), "keys": sorted(record.keys)}
                for name, record in sorted(records.items())
            }
            for target, records in sorted(ledger.targets.items())
        },
    }
    write_json(path, document)
