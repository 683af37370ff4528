"""What every backup shares: the error, the sidecar that describes a backup, checksums, fsync."""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

FORMAT_VERSION = 1
SIDECAR_SUFFIX = ".json"
LABELS = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}
MAGIC = {"sqlite": b"SQLite format 3\x00", "postgresql": b"PGDMP"}


class BackupError(Exception):
    """A backup or restore that cannot be done; the message says why, for an operator."""


def sidecar_path(path: Path) -> Path:
    return path.with_name(path.name + SIDECAR_SUFFIX)


@dataclass(frozen=True)
class BackupInfo:
    """What the sidecar records about a backup file."""

    path: Path
    backend: str
    revision: str | None  # Alembic revision of the database backed up (None: never migrated)
    created_at: datetime
    sha256: str
    size: int

    @property
    def sidecar(self) -> Path:
        return sidecar_path(self.path)


def write_sidecar(info: BackupInfo) -> None:
    content = {
        "format": FORMAT_VERSION,
        "file": info.path.name,
        "backend": info.backend,
        "alembic_revision": info.revision,
        "created_at": info.created_at.astimezone(UTC).isoformat(timespec="seconds"),
        "sha256": info.sha256,
        "size": info.size,
    }
    target = info.sidecar
    handle, name = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".partial")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            json.dump(content, stream, indent=2)
            stream.write("\n")
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(name, target)
    except BaseException:
        Path(name).unlink(missing_ok=True)
        raise


def read_info(path: Path) -> BackupInfo:
    """The sidecar of the backup at `path`, checked for form (not yet against the file)."""
    path = Path(path)
    sidecar = sidecar_path(path)
    if not path.is_file():
        raise BackupError(f"There is no backup file at {path}.")
    try:
        content = json.loads(sidecar.read_text(encoding="utf-8"))
    except FileNotFoundError as error:
        raise BackupError(
            f"{sidecar} is missing: without it the backup cannot be checked, so it is refused."
        ) from error
    except (ValueError, UnicodeDecodeError) as error:
        raise BackupError(f"{sidecar} is not a backup description: {error}.") from error
    try:
        if content["format"] != FORMAT_VERSION or content["backend"] not in LABELS:
            raise ValueError(f"format {content['format']!r}, backend {content['backend']!r}")
        return BackupInfo(
            path,
            content["backend"],
            content["alembic_revision"],
            datetime.fromisoformat(content["created_at"]),
            content["sha256"],
            int(content["size"]),
        )
    except (KeyError, TypeError, ValueError) as error:
        raise BackupError(f"{sidecar} is not a backup description this code understands ({error}).") from error


def verify(info: BackupInfo, file: Path) -> None:
    """Refuse `file` unless it is the kind of file, and has the checksum, that the sidecar records."""
    with open(file, "rb") as stream:
        magic = stream.read(len(MAGIC[info.backend]))
    if magic != MAGIC[info.backend]:
        raise BackupError(f"{info.path} is not a {LABELS[info.backend]} backup, although {info.sidecar} says so.")
    if file.stat().st_size != info.size or sha256(file) != info.sha256:
        raise BackupError(
            f"{info.path} does not match the checksum in {info.sidecar}: the file is damaged or incomplete."
        )


def sha256(path: Path) -> str:
    with open(path, "rb") as stream:
        return hashlib.file_digest(stream, "sha256").hexdigest()


def fsync(path: Path) -> None:
    with open(path, "rb") as stream:
        os.fsync(stream.fileno())


def fsync_directory(directory: Path) -> None:
    """Make a rename in `directory` durable."""
    handle = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(handle)
    finally:
        os.close(handle)
