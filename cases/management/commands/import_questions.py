"""Import questions into the bank (cases/importing.py does the work; the admin's "Import questions" page is the
other door to it)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from cases import importing
from quizzes import exchange


class Command(BaseCommand):
    help = (
        "Import questions from a JSON, Moodle XML or GIFT file. A question whose slug (or Moodle ID number) exists is "
        "skipped, never overwritten, so importing a file again changes nothing; one that only shares its name with a "
        "different question is imported as name-2. A file with any problem is refused whole."
    )

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument(
            "--format",
            choices=list(exchange.READERS),
            help="Default: from the extension (.json; .xml for Moodle XML; .gift or .txt for GIFT).",
        )
        parser.add_argument(
            "--topic",
            choices=list(exchange.TOPICS),
            help="The topic of questions whose Moodle category is not one of this app's topics.",
        )
        parser.add_argument(
            "--skip-unsupported",
            action="store_true",
            help="Import the questions this app supports and list the others (by name and kind) as skipped. Without "
            "it, a file with any question of another kind is refused whole, naming each one.",
        )

    def handle(self, *args, **options):
        path = Path(options["file"])
        fmt = options["format"] or format_of(path)
        try:
            text = importing.decode(read_bytes(path), str(path))
            the_plan = importing.plan(
                text, fmt, source=str(path), topic=options["topic"], skip_unsupported=options["skip_unsupported"]
            )
        except importing.ImportRefused as refusal:
            raise CommandError(str(refusal)) from None
        created, skipped = importing.plan_apply(the_plan)
        self._report(created, skipped, the_plan)

    def _report(self, created: int, skipped: int, the_plan: importing.ImportPlan) -> None:
        self.stdout.write(f"{created} created, {skipped} skipped")
        for old, slug in the_plan.renamed_new:
            self.stdout.write(f"- {old!r} differs from the question that already has that slug: imported as {slug!r}")
        if bare := the_plan.without_teaching_point:
            self.stdout.write(
                f"{len(bare)} arrived without a teaching point (listed in admin under “needs a teaching point”): "
                f"{', '.join(bare)}"
            )
        if the_plan.notes:
            self.stdout.write(
                f"{len(the_plan.notes)} imported with something left out:\n{importing.listed(the_plan.notes)}"
            )
        if the_plan.unsupported:
            self.stdout.write(
                f"{len(the_plan.unsupported)} not supported, not imported:\n{importing.listed(the_plan.unsupported)}"
            )


def format_of(path: Path) -> str:
    fmt = importing.format_for(path.name)
    if fmt is None:
        choices = ", ".join(exchange.READERS)
        raise CommandError(f"Cannot tell the format of {path} from its extension; pass --format ({choices}).")
    return fmt


def read_bytes(path: Path) -> bytes:
    """The file's bytes; refused before reading when larger than importing.MAX_BYTES."""
    try:
        size = path.stat().st_size
        if size > importing.MAX_BYTES:
            raise CommandError(importing.too_big(str(path), size))
        return path.read_bytes()
    except FileNotFoundError:
        raise CommandError(f"No such file: {path}") from None
    except OSError as error:
        raise CommandError(f"Cannot read {path}: {error.strerror or error}") from None
