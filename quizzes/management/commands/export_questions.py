from django.core.management.base import BaseCommand
from django.db.models import Prefetch, QuerySet

from quizzes import exchange
from quizzes.models import Choice, Question, Topic


class Command(BaseCommand):
    help = "Write the question bank to stdout as JSON (the import format), Moodle XML or GIFT."

    def add_arguments(self, parser):
        parser.add_argument("--format", choices=list(exchange.WRITERS), default="json")
        parser.add_argument("--topic", choices=Topic.values, help="Only the questions on this topic.")
        parser.add_argument(
            "--include-case-questions",
            action="store_true",
            help="Also the questions asked inside cases (by default only the quiz bank).",
        )

    def handle(self, *args, **options):
        questions = exportable(topic=options["topic"], include_cases=options["include_case_questions"])
        self.stdout.write(exchange.WRITERS[options["format"]](questions), ending="")


def exportable(*, topic: str | None, include_cases: bool) -> QuerySet:
    """The questions with everything the writers read, in a fixed number of queries whatever the bank's size."""
    questions = Question.objects.select_related("section", "case", "stage").prefetch_related(
        Prefetch("choices", queryset=Choice.objects.select_related("site", "ctype")),
        *exchange.ABOUT,
        "images",
    )
    if not include_cases:
        questions = questions.filter(case__isnull=True)
    if topic:
        questions = questions.filter(topic=topic)
    return questions.order_by("topic", "slug")
