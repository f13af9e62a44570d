"""A backup file checked before a restore touches anything: its kind (read from its content,
not its name), that it is whole, and its schema version against the code's. Each refusal is
a BackupError saying, in Vietnamese, what is wrong and what to do.

Usage:
    with checked_backup(path, head="0015") as backup:   # BackupError when it will not do
        backup.kind, backup.revision, backup.source      # source: the SQLite copy, unpacked
"""

from __future__ import annotations

import errno
import gzip
import os
import re
import shutil
import sqlite3
import subprocess
import tempfile
import zlib
from collections.abc import Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass
from pathlib import Path

SQLITE, POSTGRES = "SQLite", "PostgreSQL"
GZIP_MAGIC, DUMP_MAGIC, SQLITE_MAGIC = b"\x1f\x8b", b"PGDMP", b"SQLite format 3\x00"
# what else an operator may pick up in a hurry, named in the refusal
OTHER_KINDS = (
    (SQLITE_MAGIC, "một cơ sở dữ liệu SQLite chưa nén"),
    (b"RIFF....WAVE", "tệp âm thanh WAV"),
    (b"RIFF", "tệp âm thanh hoặc video"),
    (b"OggS", "tệp âm thanh"),
    (b"ID3", "tệp âm thanh MP3"),
    (b"%PDF", "tệp PDF"),
    (b"\x89PNG", "ảnh PNG"),
    (b"\xff\xd8\xff", "ảnh JPEG"),
    (b"PK\x03\x04", "tệp nén ZIP hoặc bảng tính Excel"),
    (b"--", "tệp SQL dạng văn bản"),
)  # patterns: a dot is any byte
CHOOSE = "Chọn tệp .db.gz hoặc .dump do gotungnha backup tạo ra."
ANOTHER = "Chép lại tệp từ nơi lưu, hoặc dùng một bản sao lưu khác."


class BackupError(RuntimeError):
    """A backup or restore that cannot be done; the message says why, in Vietnamese."""


@dataclass(frozen=True)
class BackupFile:
    """A backup that can be restored: its kind, its schema version, and the file to load
    (the unpacked SQLite database, or the pg_dump archive itself)."""

    kind: str
    revision: str
    source: Path


@contextmanager
def checked_backup(path: Path, *, head: str | None) -> Iterator[BackupFile]:
    """The backup at `path` once it is known whole and not newer than the code (`head`);
    an unpacked copy lives as long as the `with`, and goes with it."""
    start = _first_bytes(path)
    if start.startswith(DUMP_MAGIC):
        _check_dump(path)
        yield BackupFile(POSTGRES, _version(path, _dump_revision(path), head), path)
        return
    if not start.startswith(GZIP_MAGIC):
        what = next((name for magic, name in OTHER_KINDS if re.match(magic, start, re.S)), None)
        why = f"đó là {what}" if what else "nội dung của nó không phải dạng .db.gz hay .dump"
        raise BackupError(f"Tệp {path} không phải bản sao lưu của Gõ Từng Nhà ({why}). {CHOOSE}")
    with tempfile.TemporaryDirectory(prefix="gotungnha-restore-") as work:
        copy = Path(work) / "backup.db"
        _unpack(path, copy)
        yield BackupFile(SQLITE, _version(path, _sqlite_revision(path, copy), head), copy)


def _first_bytes(path: Path) -> bytes:
    if not path.exists():
        raise BackupError(f"Không thấy tệp sao lưu {path}. Kiểm tra lại đường dẫn.")
    if not path.is_file():
        raise BackupError(f"{path} là một thư mục, không phải tệp sao lưu. {CHOOSE}")
    try:
        with path.open("rb") as file:
            start = file.read(64)
    except OSError as exc:
        why = "không có quyền đọc" if exc.errno in (errno.EACCES, errno.EPERM) else "lỗi đọc đĩa"
        raise BackupError(f"Không đọc được tệp sao lưu {path} ({why}).") from None
    if not start:
        raise BackupError(f"Tệp {path} trống (0 byte): bản sao lưu chưa được ghi. {ANOTHER}")
    return start


def _unpack(path: Path, copy: Path) -> None:
    try:
        with gzip.open(path, "rb") as packed, copy.open("wb") as raw:
            shutil.copyfileobj(packed, raw)
    except EOFError:
        raise BackupError(
            f"Tệp {path} không trọn vẹn: tệp nén bị cắt ngang (có thể chép chưa xong). {ANOTHER}"
        ) from None
    except (gzip.BadGzipFile, zlib.error):
        raise BackupError(f"Tệp {path} bị hỏng: không giải nén được. {ANOTHER}") from None
    with copy.open("rb") as raw:
        if raw.read(len(SQLITE_MAGIC)) != SQLITE_MAGIC:
            raise BackupError(
                f"Tệp {path} là tệp nén nhưng không chứa cơ sở dữ liệu SQLite: không phải bản "
                f"sao lưu của Gõ Từng Nhà. {CHOOSE}"
            )


def _sqlite_revision(path: Path, copy: Path) -> str | None:
    try:
        with closing(sqlite3.connect(copy)) as db:
            if db.execute("PRAGMA integrity_check").fetchall() != [("ok",)]:
                raise sqlite3.DatabaseError
            if not db.execute(
                "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'alembic_version'"
            ).fetchall():
                return None
            rows = db.execute("SELECT version_num FROM alembic_version").fetchall()
    except sqlite3.DatabaseError:
        raise BackupError(
            f"Bản sao lưu {path} bị hỏng: cơ sở dữ liệu trong đó không toàn vẹn (có thể bị cắt "
            "ngang khi sao lưu). Dùng một bản sao lưu khác."
        ) from None
    return str(rows[0][0]) if len(rows) == 1 else None


def _check_dump(path: Path) -> None:
    """pg_restore reads the whole archive (to nowhere): a file cut short fails here, while
    `pg_restore --list` reads only its table of contents, at the start."""
    done = run_pg_restore(f"--file={os.devnull}", str(path))
    if done.returncode == 0:
        return
    if "unsupported version" in done.stderr:
        raise BackupError(
            f"Tệp {path} do pg_dump mới hơn pg_restore của máy này tạo ra. Cài postgresql-client "
            "mới hơn rồi chạy lại."
        )
    raise BackupError(
        f"Tệp {path} không trọn vẹn hoặc bị hỏng: pg_restore không đọc hết được (có thể chép "
        f"chưa xong). {ANOTHER}"
    )


def _dump_revision(path: Path) -> str | None:
    done = run_pg_restore("--data-only", "--table=alembic_version", "--file=-", str(path))
    found = re.search(
        r"^COPY \S*alembic_version \(version_num\) FROM stdin;\n(.*)$", done.stdout, re.M
    )
    return found.group(1) if found and found.group(1) != "\\." else None


def run_pg_restore(*args: str) -> subprocess.CompletedProcess[str]:
    """pg_restore on an archive alone (no database): its output and its errors."""
    if shutil.which("pg_restore") is None:
        raise BackupError("Máy này chưa có pg_restore: cài gói postgresql-client rồi chạy lại.")
    return subprocess.run(
        ["pg_restore", *args],
        capture_output=True,
        text=True,
        encoding="utf-8",
        errors="replace",
        check=False,
    )


def _version(path: Path, revision: str | None, head: str | None) -> str:
    """The backup's schema version: one the code knows, or one of a newer code (refused)."""
    if revision is None or not revision.isdigit():
        raise BackupError(
            f"Tệp {path} là cơ sở dữ liệu nhưng không phải của Gõ Từng Nhà (không có phiên bản "
            f"của chương trình). {CHOOSE}"
        )
    if head is not None and head.isdigit() and int(revision) > int(head):
        raise BackupError(
            f"Bản sao lưu {path} ở phiên bản {revision}, mới hơn chương trình này ({head}). "
            "Cập nhật Gõ Từng Nhà lên bản mới rồi khôi phục lại."
        )
    return revision
