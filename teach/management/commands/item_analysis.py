from django.core.management.base import BaseCommand

from teach.services import item_analysis_calculate


class Command(BaseCommand):
    help = "Calculate the quiz bank's item analysis now (run it from cron so /teach/items/ never waits for it)."

    def handle(self, *args, **options) -> None:
        analysis = item_analysis_calculate()
        self.stdout.write(f"Item analysis calculated: {analysis.items} items, {analysis.concerns} worth a look.")
