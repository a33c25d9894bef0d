from datetime import UTC, datetime
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from ops.backup import BackupError, media_archive, postgres_dump, sqlite_copy


class Command(BaseCommand):
    help = "Write a consistent copy of the database and a tar.gz of the uploaded media into a timestamped folder."

    def add_arguments(self, parser):
        parser.add_argument(
            "--output", default="backups", help="The folder to write the backup folder into (default: backups)."
        )

    def handle(self, *args, output: str, **options):
        folder = self._new_folder(Path(output))
        try:
            database = self._database(folder)
            media = media_archive(media_root=Path(settings.MEDIA_ROOT), target=folder / "media.tar.gz")
        except BackupError as error:
            raise CommandError(str(error)) from None
        for path in (database, media):
            path.chmod(0o600)
        self.stdout.write(f"Backup written to {folder}:")
        for path in (database, media):
            self.stdout.write(f"  {path.name}  {path.stat().st_size:,} bytes")

    def _new_folder(self, output: Path) -> Path:
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
        output.mkdir(parents=True, exist_ok=True)
        for n in range(100):  # two backups in one second get their own folders
            folder = output / (f"backup-{stamp}" if n == 0 else f"backup-{stamp}-{n}")
            try:
                folder.mkdir(mode=0o700)  # it holds every learner's answers and the password hashes
            except FileExistsError:
                continue
            return folder
        raise CommandError(f"Could not make a new folder in {output}.")

    def _database(self, folder: Path) -> Path:
        if connection.vendor == "sqlite":
            connection.ensure_connection()
            return sqlite_copy(source=connection.connection, target=folder / "db.sqlite3")
        if connection.vendor == "postgresql":
            return postgres_dump(settings_dict=connection.settings_dict, target=folder / "db.dump")
        raise CommandError(f"Backups support SQLite and PostgreSQL, not {connection.vendor}.")
