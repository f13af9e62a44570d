"""Photo evidence kept on disk (only when the deployment turns it on), and its retention."""

from __future__ import annotations

import hashlib
import logging
import time
from pathlib import Path

log = logging.getLogger(__name__)
# the largest photo kept: what Telegram's Bot API lets a bot download (getFile), the same
# for a Zalo photo (fetched from its link while the link still works)
MAX_PHOTO_BYTES = 20 * 1024 * 1024


def photo_path(folder: Path, file_id: str) -> Path:
    """Where the photo with this platform file id (or link) is kept (the name reveals
    nothing)."""
    return folder / (hashlib.sha256(file_id.encode()).hexdigest()[:32] + ".jpg")


def keep_photo(folder: Path, file_id: str, data: bytes) -> Path:
    """Write a downloaded photo where `photo_path` says, whole or not at all."""
    folder.mkdir(parents=True, exist_ok=True)
    path = photo_path(folder, file_id)
    partial = path.with_suffix(".part")
    try:
        partial.write_bytes(data)
        partial.replace(path)
    except OSError:
        partial.unlink(missing_ok=True)
        raise
    return path


def purge_unlinked_photos(folder: Path, kept_ids: set[str]) -> int:
    """Delete kept photos no log points to any more (its member erased their data)."""
    if not folder.is_dir():
        return 0
    wanted = {photo_path(folder, file_id).name for file_id in kept_ids}
    removed = 0
    for path in folder.glob("*.jpg"):
        if path.name not in wanted:
            path.unlink(missing_ok=True)
            removed += 1
    return removed


def purge_old_photos(folder: Path, *, days: int, now: float | None = None) -> int:
    """Delete kept photos older than `days`; returns how many went."""
    if not folder.is_dir():
        return 0
    limit = (now if now is not None else time.time()) - days * 86400
    removed = 0
    for path in folder.glob("*.jpg"):
        if path.stat().st_mtime < limit:
            path.unlink(missing_ok=True)
            removed += 1
    if removed:
        log.info("photos purged count=%d older_than_days=%d", removed, days)
    return removed
