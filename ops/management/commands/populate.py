from django.core.management.base import BaseCommand, CommandError

from ops.population import PopulationError, check_sizes, population_accounts, population_build, population_delete

BAR = 30


class Command(BaseCommand):
    help = (
        "Build a realistic population for load and scale testing: learners (pop-learner-NNNN), instructors, "
        "quizzes, exams, case progress, review cards, flags and notes. Idempotent; --reset rebuilds it."
    )

    def add_arguments(self, parser):
        parser.add_argument("--learners", type=int, default=0, help="How many learner accounts.")
        parser.add_argument("--responses", type=int, default=0, help="How many answers in all, spread unevenly.")
        parser.add_argument("--reset", action="store_true", help="Delete what populate made before, then build anew.")
        parser.add_argument("--seed", type=int, default=1, help="Random seed (default 1): same seed, same population.")
        parser.add_argument("--password", help="A password for every account made (default: unusable passwords).")

    def handle(self, *args, learners: int, responses: int, reset: bool, seed: int, password: str | None, **options):
        try:
            check_sizes(learners, responses)
        except PopulationError as error:
            raise CommandError(str(error)) from None
        if reset:
            self.stdout.write(f"Deleted {population_delete()} accounts made by populate, with all they did.")
        existing = population_accounts().count()
        if existing:
            self.stdout.write(
                f"A population exists already ({existing} accounts made by populate): nothing added. "
                "Use --reset to rebuild it."
            )
            return
        try:
            built = population_build(
                learners=learners, responses=responses, seed=seed, password=password, progress=self._bar
            )
        except PopulationError as error:
            raise CommandError(str(error)) from None
        self.stdout.write("")
        self.stdout.write(
            f"Made {built.learners} learners, {len(built.instructors)} instructors "
            f"({', '.join(built.instructors)}) and {built.responses} answers."
        )
        if built.heavy:
            self.stdout.write(f"Heaviest learner: {built.heavy} with {built.heavy_answers} answers.")

    def _bar(self, done: int, total: int) -> None:
        share = done / total if total else 1
        filled = round(BAR * share)
        bar = "#" * filled + " " * (BAR - filled)
        self.stdout.write(f"\r[{bar}] {share:4.0%} {done:,}/{total:,} answers", ending="")
        self.stdout.flush()
