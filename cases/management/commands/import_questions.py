"""Import questions into the bank. It lives with the cases app because a question may belong to a case, so both the
engine (quizzes) and the cases are needed to check a file; export_questions needs only the engine."""

from pathlib import Path

from django.apps import apps
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from calcinosis.models import BodySite, CalcinosisType, Condition, Differential, Section
from cases.models import Case, Stage
from quizzes import exchange, starter


class Command(BaseCommand):
    help = (
        "Import questions from a JSON, Moodle XML or GIFT file. A question whose slug exists is skipped, never "
        "overwritten, so importing a file again changes nothing; a file with any problem is refused whole."
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
        unsupported: list[dict] = []
        rows = read_rows(path, options["format"] or format_of(path), unsupported)
        if unsupported and not options["skip_unsupported"]:
            raise CommandError(
                f"{path} was not imported; nothing was changed. {len(unsupported)} question"
                f"{'s' if len(unsupported) != 1 else ''} cannot be imported (pass --skip-unsupported to import the "
                f"others):\n{_listed(unsupported)}"
            )
        if options["topic"]:
            rows = [
                {**row, "topic": options["topic"]} if isinstance(row, dict) and row.get("topic") not in exchange.TOPICS
                else row
                for row in rows
            ]  # fmt: skip
        problems = exchange.validate_rows(rows, known())
        if problems:
            listed = "\n".join(f"- {problem}" for problem in problems)
            hint = "" if options["topic"] else " (--topic names one for questions from another category)"
            raise CommandError(f"{path} was not imported; nothing was changed{hint}. Problems:\n{listed}")
        with transaction.atomic():
            created, skipped = starter.load(apps, rows, extra_fields=case_fields)
        self.stdout.write(f"{created} created, {skipped} skipped")
        if unsupported:
            self.stdout.write(f"{len(unsupported)} not supported, not imported:\n{_listed(unsupported)}")


def _listed(unsupported: list[dict]) -> str:
    return "\n".join(f"- {item['name']} ({item['kind']}): {item['reason']}" for item in unsupported)


def format_of(path: Path) -> str:
    try:
        return exchange.EXTENSIONS[path.suffix.lower()]
    except KeyError:
        choices = ", ".join(exchange.READERS)
        raise CommandError(f"Cannot tell the format of {path} from its extension; pass --format ({choices}).") from None


def read_rows(path: Path, fmt: str, unsupported: list[dict] | None = None) -> list:
    """The file's rows; Moodle XML and GIFT questions of kinds this app lacks go to `unsupported` when it is given."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise CommandError(f"No such file: {path}") from None
    except (OSError, UnicodeDecodeError) as error:
        raise CommandError(f"Cannot read {path}: {error}") from None
    try:
        if fmt == "json" or unsupported is None:
            return exchange.READERS[fmt](text)
        return exchange.READERS[fmt](text, skipped=unsupported)
    except ValueError as error:
        raise CommandError(f"{path}: {error}") from None


def case_fields(row: dict) -> dict:
    """A case question exported with its case's slug and its stage's order goes back into that case."""
    if not row.get("case"):
        return {}
    case = Case.objects.get(slug=row["case"])
    return {"case": case, "stage": Stage.objects.filter(case=case, order=row.get("stage")).first()}


def known() -> exchange.Knowledge:
    """The slugs in this database, which a question may point at."""

    def slugs(model) -> frozenset[str]:
        return frozenset(model.objects.values_list("slug", flat=True))

    return exchange.Knowledge(
        sections=slugs(Section),
        headings={section.slug: frozenset(section.headings()) for section in Section.objects.only("slug", "body_html")},
        types=slugs(CalcinosisType),
        conditions=slugs(Condition),
        sites=slugs(BodySite),
        differentials=slugs(Differential),
        cases=slugs(Case),
    )
