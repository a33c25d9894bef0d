"""`manage.py backup` writes a copy of the database and the media that restores into an empty database."""

import io
import os
import shutil
import sqlite3
import subprocess
import tarfile
import uuid
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from ops.backup import BackupError, media_archive, postgres_dump
from quizzes import services
from tests.factories import question_with_choices

# pg_dump (another process) and SQLite's backup (which waits for an open transaction) see committed data only, so
# the tests that back up run in real transactions; the serialized copy puts the starter content back afterwards.
committed = pytest.mark.django_db(transaction=True, serialized_rollback=True)

ANSWER_SQL = """
    SELECT q.slug, r.score FROM quizzes_response r
    JOIN quizzes_attempt a ON a.id = r.attempt_id
    JOIN auth_user u ON u.id = a.learner_id
    JOIN quizzes_question q ON q.id = r.question_id
    WHERE u.username = %s
"""


@pytest.fixture
def answered(learner):
    """The learner has answered one question, rightly."""
    question = question_with_choices(slug="backed-up-question")
    attempt = services.attempt_start(learner=learner, topics=[], size=1, question_ids=[question.pk])
    right = question.choices.get(is_correct=True)
    services.response_record(attempt=attempt, question=question, choice_ids=[right.pk], value=None, certainty="sure")
    return learner


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    (settings.MEDIA_ROOT / "cases").mkdir(parents=True)
    (settings.MEDIA_ROOT / "cases" / "nodule.png").write_bytes(b"not really a png")
    return settings.MEDIA_ROOT


def _backup(output: Path) -> tuple[Path, str]:
    out = io.StringIO()
    call_command("backup", output=str(output), stdout=out)
    [folder] = output.iterdir()
    return folder, out.getvalue()


@committed
def test_it_writes_the_media_into_a_timestamped_folder_and_says_what_it_wrote(answered, media, tmp_path):
    folder, printed = _backup(tmp_path / "backups")
    assert folder.name.startswith("backup-20") and folder.name.endswith("Z")
    assert f"Backup written to {folder}" in printed and "media.tar.gz" in printed
    with tarfile.open(folder / "media.tar.gz") as archive:
        assert archive.extractfile("media/cases/nodule.png").read() == b"not really a png"
    call_command("backup", output=str(tmp_path / "backups"), stdout=io.StringIO())
    assert len(list((tmp_path / "backups").iterdir())) == 2, "a second backup keeps the first"


def test_no_media_yet_is_an_empty_archive(tmp_path):
    archive_path = media_archive(media_root=tmp_path / "no-media", target=tmp_path / "media.tar.gz")
    with tarfile.open(archive_path) as archive:
        assert archive.getnames() == []


@pytest.mark.skipif(connection.vendor != "sqlite", reason="the SQLite backup; DATABASE_URL names another database")
def test_it_refuses_to_copy_from_inside_a_transaction_rather_than_wait(db, tmp_path):
    with pytest.raises(CommandError, match="inside a transaction"):
        call_command("backup", output=str(tmp_path / "b"), stdout=io.StringIO())


@committed
@pytest.mark.skipif(connection.vendor != "sqlite", reason="the SQLite backup; DATABASE_URL names another database")
def test_a_sqlite_backup_restores_into_an_empty_database(answered, media, tmp_path):
    folder, printed = _backup(tmp_path / "backups")
    assert "db.sqlite3" in printed
    # Restore as the README says: copy the file into place (here: into an empty database file, page by page).
    restored = tmp_path / "restored.sqlite3"
    with sqlite3.connect(folder / "db.sqlite3") as source, sqlite3.connect(restored) as target:
        source.backup(target)
    with sqlite3.connect(restored) as db:
        assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        rows = db.execute(ANSWER_SQL.replace("%s", "?"), ["learner"]).fetchall()
    assert rows == [("backed-up-question", 1)]


@committed
@pytest.mark.skipif(connection.vendor != "postgresql", reason="the PostgreSQL backup: set DATABASE_URL=postgres://…")
def test_a_postgres_backup_restores_into_a_scratch_database(answered, media, tmp_path):
    if shutil.which("pg_restore") is None:
        pytest.skip("pg_restore is not installed (Debian package postgresql-client)")
    folder, printed = _backup(tmp_path / "backups")
    assert "db.dump" in printed
    settings_dict = connection.settings_dict
    scratch = f"restore_{uuid.uuid4().hex[:12]}"
    with connection.cursor() as cursor:
        cursor.execute(f'CREATE DATABASE "{scratch}"')
    try:
        command = ["pg_restore", "--no-owner", "--no-password", f"--dbname={scratch}", str(folder / "db.dump")]
        for option, key in (("--host", "HOST"), ("--port", "PORT"), ("--username", "USER")):
            if settings_dict.get(key):
                command.append(f"{option}={settings_dict[key]}")
        env = dict(os.environ, PGPASSWORD=str(settings_dict.get("PASSWORD") or ""))
        result = subprocess.run(command, env=env, capture_output=True, text=True)
        assert result.returncode == 0, result.stderr
        import psycopg

        keys = {"host": "HOST", "port": "PORT", "user": "USER", "password": "PASSWORD"}
        params = {name: settings_dict[key] for name, key in keys.items() if settings_dict.get(key)}
        with psycopg.connect(dbname=scratch, **params) as restored:
            rows = restored.execute(ANSWER_SQL, ["learner"]).fetchall()
        assert [(slug, float(score)) for slug, score in rows] == [("backed-up-question", 1.0)]
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{scratch}"')


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the PostgreSQL backup: set DATABASE_URL=postgres://…")
def test_without_pg_dump_the_backup_says_what_to_install(db, media, tmp_path, monkeypatch):
    monkeypatch.setattr("ops.backup.shutil.which", lambda name: None)
    with pytest.raises(CommandError, match="pg_dump is not installed"):
        call_command("backup", output=str(tmp_path / "b"), stdout=io.StringIO())


def test_without_pg_dump_a_postgres_backup_is_a_clear_error(tmp_path, monkeypatch):
    monkeypatch.setattr("ops.backup.shutil.which", lambda name: None)
    with pytest.raises(BackupError, match="pg_dump is not installed"):
        postgres_dump(settings_dict={"NAME": "x"}, target=tmp_path / "db.dump")
