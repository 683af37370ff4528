"""Backups and restores of the platform's database, behind `flask backup` and `flask restore`.

SQLite is copied with its online backup API: one read snapshot, so the copy holds every
transaction committed before it started, including those still in the write-ahead log, while the
app keeps writing. PostgreSQL is dumped with `pg_dump --format=custom`, also one snapshot, and
restored with `pg_restore`.

A backup is written under a hidden `.partial` name and renamed when complete, beside a JSON
sidecar (`<backup>.json`) with the backend, the Alembic revision, the time and a sha256. A restore
checks all of these before it touches the database, and migrates an older backup to the code's
head afterwards.

No Flask here: functions take a database URL and paths.
"""

from core.backup.files import BackupError, BackupInfo, read_info, sidecar_path
from core.backup.service import Restored, backend_of, backup, code_head, default_path, restore

__all__ = [
    "BackupError",
    "BackupInfo",
    "Restored",
    "backend_of",
    "backup",
    "code_head",
    "default_path",
    "read_info",
    "restore",
    "sidecar_path",
]
