"""Signed, expiring download links: how a workbook or a chart reaches Zalo, which takes URLs.

A link names one stored file and its expiry, signed with HMAC-SHA256: it cannot be forged
or extended, and after it expires the server answers 404. A workbook's copy is removed
before then when a member erases their data: its link then answers 410, saying so.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
import shutil
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from handlers import texts

COPIES = Path("data/links")  # where published files are copied (relative to the service)


@dataclass(frozen=True)
class Published:
    url: str
    expires_at: datetime


class FileLinks:
    """Publishes files under `folder` and checks the links to them."""

    def __init__(self, *, secret: bytes, folder: Path, public_url: str, ttl: timedelta) -> None:
        self._secret = secret
        self._folder = folder
        self._public_url = public_url.rstrip("/")
        self._ttl = ttl

    def publish(self, path: Path, filename: str, *, now: datetime) -> Published:
        """Copy the file aside and return a link that works until now + ttl."""
        self._folder.mkdir(parents=True, exist_ok=True)
        self.remove_expired()
        stored = secrets.token_hex(16) + path.suffix
        shutil.copyfile(path, self._folder / stored)
        expires = now + self._ttl
        payload = {"f": stored, "n": filename, "e": int(expires.timestamp())}
        body = _b64(json.dumps(payload, separators=(",", ":")).encode())
        token = f"{body}.{_b64(self._sign(body))}"
        return Published(f"{self._public_url}/files/{token}", expires)

    def resolve(self, token: str, *, now: datetime) -> tuple[Path, str] | None:
        """The file and its download name, or None if the link is forged, broken or expired,
        or its file was removed."""
        found = self._valid(token, now=now)
        if found is None or not found[0].is_file():
            return None
        return found

    def removed(self, token: str, *, now: datetime) -> bool:
        """True for a good link, not expired, whose file was removed before its time (a
        workbook, when a member named in it erased their data)."""
        found = self._valid(token, now=now)
        return found is not None and not found[0].is_file()

    def _valid(self, token: str, *, now: datetime) -> tuple[Path, str] | None:
        body, _, signature = token.partition(".")
        try:
            valid = hmac.compare_digest(_unb64(signature), self._sign(body))
            payload = json.loads(_unb64(body)) if valid else None
        except (ValueError, TypeError):
            return None
        if not isinstance(payload, dict) or payload.get("e", 0) < now.timestamp():
            return None
        path = self._folder / str(payload.get("f", ""))
        if path.parent != self._folder or path.name in ("", ".", ".."):
            return None
        return path, str(payload.get("n") or path.name)

    def remove_expired(self) -> int:
        """Copies whose links have all expired go: a workbook holds names and phones."""
        if not self._folder.is_dir():
            return 0
        removed = 0
        cutoff = time.time() - self._ttl.total_seconds()  # files age in wall-clock time
        for old in self._folder.iterdir():
            if old.is_file() and old.stat().st_mtime < cutoff:
                old.unlink(missing_ok=True)
                removed += 1
        return removed

    def _sign(self, body: str) -> bytes:
        return hmac.new(self._secret, body.encode(), hashlib.sha256).digest()


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def link_text(links: FileLinks | None, path: Path, name: str, *, zone: ZoneInfo) -> str:
    """A file as Zalo gets it, in words: its signed link and until when it works (or why
    there is none: no public address to put in a link)."""
    if links is None:
        return texts.FILE_NOT_AVAILABLE
    link = links.publish(path, name, now=datetime.now(UTC))
    until = link.expires_at.astimezone(zone).strftime("%H:%M %d/%m/%Y")
    return texts.FILE_LINK.format(name=name, url=link.url, until=until)
