"""Consistent copies of the database and the uploaded media, written while the site keeps serving.

SQLite through its online backup API (a snapshot even while learners write: WAL readers never block), PostgreSQL
through `pg_dump --format=custom` (one transaction's snapshot), the media as a tar.gz. The README says how to restore
each.
"""

import os
import shutil
import sqlite3
import subprocess
import tarfile
from pathlib import Path


class BackupError(Exception):
    """The backup could not be written; the message says why and what to do."""


def sqlite_copy(*, source: sqlite3.Connection, target: Path) -> Path:
    """Copy a live SQLite database page by page into a new file (sqlite3.Connection.backup).

    The source must not be inside a transaction of its own: the backup would wait for it forever."""
    if source.in_transaction:
        raise BackupError("The database connection is inside a transaction: run the backup on its own.")
    destination = sqlite3.connect(target)
    try:
        with destination:
            source.backup(destination)
    finally:
        destination.close()
    return target


def postgres_dump(*, settings_dict: dict, target: Path) -> Path:
    """`pg_dump --format=custom` of the database the settings name, with the password passed in the environment."""
    pg_dump = shutil.which("pg_dump")
    if pg_dump is None:
        raise BackupError("pg_dump is not installed: install the PostgreSQL client (Debian: postgresql-client).")
    command = [pg_dump, "--format=custom", "--no-password", f"--file={target}", f"--dbname={settings_dict['NAME']}"]
    for option, key in (("--host", "HOST"), ("--port", "PORT"), ("--username", "USER")):
        if settings_dict.get(key):
            command.append(f"{option}={settings_dict[key]}")
    environment = dict(os.environ)
    if settings_dict.get("PASSWORD"):
        environment["PGPASSWORD"] = str(settings_dict["PASSWORD"])
    result = subprocess.run(command, env=environment, capture_output=True, text=True)
    if result.returncode != 0:
        raise BackupError(f"pg_dump failed: {result.stderr.strip()}")
    return target


def media_archive(*, media_root: Path, target: Path) -> Path:
    """A tar.gz of MEDIA_ROOT, its files under `media/` (an empty archive when there is no media yet)."""
    with tarfile.open(target, "w:gz") as archive:
        if media_root.is_dir():
            archive.add(media_root, arcname="media")
    return target
