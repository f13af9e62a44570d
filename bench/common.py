"""What every benchmark shares: timing, peak memory, and one JSON result on stdout."""

from __future__ import annotations

import json
import os
import platform
import resource
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any


def timed(work: Callable[[], Any]) -> tuple[float, Any]:
    """Seconds a call takes, and what it returned."""
    start = time.perf_counter()
    result = work()
    return time.perf_counter() - start, result


def peak_rss_mb(who: int = resource.RUSAGE_SELF) -> float:
    """Peak resident memory so far, in MB (Linux reports KB)."""
    return resource.getrusage(who).ru_maxrss / 1024


def machine() -> dict[str, Any]:
    """Where the figures were taken: results only compare within one run."""
    return {
        "python": platform.python_version(),
        "cpus": os.cpu_count(),
        "system": platform.platform(),
        "at": datetime.now(UTC).isoformat(timespec="seconds"),
    }


def report(name: str, result: dict[str, Any]) -> None:
    """Print one benchmark's result as a JSON line."""
    sys.stdout.write(json.dumps({"bench": name, **result, "machine": machine()}) + "\n")
    sys.stdout.flush()
