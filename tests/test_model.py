"""The models as editors see them (`timeline schema`) and the key data the loader's
messages use: every example the schema offers is one the loader accepts there."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from policy_timeline.dates import Interval, Relative, parse_date
from policy_timeline.loader import load
from policy_timeline.model import KNOWN_KEYS, MISPLACED_KEY_HINTS, FileModel

SCHEMA: dict[str, Any] = FileModel.model_json_schema()
DEFINITIONS: dict[str, Any] = SCHEMA["$defs"]


def _property(model: str, name: str) -> dict[str, Any]:
    found: dict[str, Any] = DEFINITIONS[model]["properties"][name]
    for option in found.get("anyOf", []):  # `X | None`: the string branch
        if option.get("type") == "string":
            return {**option, **{k: v for k, v in found.items() if k != "anyOf"}}
    return found


#: (model, field, a file in which EXAMPLE is written in that place)
PLACES = [
    ("EntryModel", "date", "events:\n  - {{id: geneva-truce, title: G, date: 2025-05-12}}\n"
     "  - {{id: e, title: E, date: '{example}'}}\n"),
    ("EntryModel", "announced", "events:\n  - {{id: e, title: E, date: 2025-09-01, "
     "announced: '{example}'}}\n"),
    ("ChangeModel", "announced", "events:\n  - {{id: e, title: E, date: 2025-09-01, "
     "changes: [{{announced: '{example}', note: n}}]}}\n"),
    ("ChangeModel", "date", "events:\n  - {{id: e, title: E, date: 2025-09-01, "
     "changes: [{{announced: 2025-08-01, date: '{example}'}}]}}\n"),
    ("ClaimModel", "date", "events:\n  - {{id: e, title: E, date: 2025-09-01, "
     "claims: [{{date: '{example}'}}]}}\n"),
]


@pytest.mark.parametrize(("model", "name", "template"), PLACES)
def test_every_date_example_of_the_schema_loads_in_its_place(
    write: Callable[..., Path], model: str, name: str, template: str
) -> None:
    examples = _property(model, name)["examples"]
    assert len(examples) >= 3
    for example in examples:
        result = load([write(template.format(example=example))])
        assert not result.errors, (model, name, example, [str(p) for p in result.errors])


@pytest.mark.parametrize(("model", "name"), [
    ("EntryModel", "announced"), ("ChangeModel", "announced"), ("ChangeModel", "date"),
    ("ClaimModel", "date"), ("SourceModel", "date"),
])
def test_fixed_dates_neither_offer_nor_allow_relative_dates(model: str, name: str) -> None:
    described = _property(model, name)
    assert all(isinstance(parse_date(example), Interval) for example in described["examples"])
    assert "not relative" in described["description"]
    refused = described["not"]["pattern"]
    assert re.search(refused, "geneva-truce + 90d")
    assert not any(re.search(refused, example) for example in described["examples"])
    assert not re.search(refused, "2025-08-12T00:01-04:00")


def test_an_entry_date_offers_both_forms() -> None:
    described = _property("EntryModel", "date")
    parsed = [parse_date(example) for example in described["examples"]]
    assert any(isinstance(value, Relative) for value in parsed)
    assert any(isinstance(value, Interval) for value in parsed)
    assert "relative to another entry" in described["description"]
    assert "not" not in described


def test_only_an_entry_date_mentions_a_relative_example() -> None:
    schema = json.loads(json.dumps(SCHEMA))
    assert "geneva-truce + 90d" in json.dumps(schema["$defs"]["EntryModel"]["properties"]["date"])
    del schema["$defs"]["EntryModel"]["properties"]["date"]
    assert "geneva-truce" not in json.dumps(schema)


# ------------------------------------------------------------------------ key data


def test_known_keys_are_the_models_fields() -> None:
    assert KNOWN_KEYS["entry"] == tuple(DEFINITIONS["EntryModel"]["properties"])
    assert KNOWN_KEYS["change"] == tuple(DEFINITIONS["ChangeModel"]["properties"])
    assert KNOWN_KEYS["claim"] == tuple(DEFINITIONS["ClaimModel"]["properties"])
    assert KNOWN_KEYS["source"] == tuple(DEFINITIONS["SourceModel"]["properties"])
    assert KNOWN_KEYS["file"] == tuple(SCHEMA["properties"])
    assert "status" not in KNOWN_KEYS["entry"] and "status" in KNOWN_KEYS["change"]


def test_a_status_under_an_entry_is_explained_as_a_change() -> None:
    hint = MISPLACED_KEY_HINTS["entry"]["status"]
    assert "changes:" in hint and "announced:" in hint and "status: met" in hint


@pytest.mark.parametrize(("place", "key"), [
    (place, key) for place, hints in MISPLACED_KEY_HINTS.items() for key in hints
])
def test_hints_are_only_for_keys_invalid_at_their_place(place: str, key: str) -> None:
    assert key not in KNOWN_KEYS[place]
    hint = MISPLACED_KEY_HINTS[place][key]
    quoted = set(re.findall(r"(?<!\w)'([a-z]+)'", hint))
    assert quoted, hint  # names the key(s) to use instead
    every_key = {known for keys in KNOWN_KEYS.values() for known in keys}
    assert quoted <= every_key, (hint, quoted - every_key)
