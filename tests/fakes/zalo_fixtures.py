"""Payloads captured from the live Zalo Bot Platform (tests/fixtures/zalo/), with sources.

Each file is `{"source": "<where the shape comes from>", "body": <what Zalo sent>}`.
"""

from __future__ import annotations

import copy
import json
from functools import cache
from pathlib import Path
from typing import Any

FOLDER = Path(__file__).resolve().parent.parent / "fixtures" / "zalo"
UPDATES = sorted(path.stem for path in FOLDER.glob("message.*.json"))


@cache
def _load(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((FOLDER / f"{name}.json").read_text(encoding="utf-8"))
    assert data.get("source"), f"{name}.json must say where its shape comes from"
    return data


def fixture_body(name: str) -> dict[str, Any]:
    """The body of a captured payload, exactly as the platform sent it (a fresh copy)."""
    return copy.deepcopy(_load(name)["body"])


def fixture_update(name: str) -> dict[str, Any]:
    """The update inside a captured webhook body (the docs' wrapped form unwrapped)."""
    body = fixture_body(name)
    return body["result"] if "result" in body and "event_name" not in body else body
