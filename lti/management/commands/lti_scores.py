from django.core.management.base import BaseCommand

from lti.models import Passback
from lti.services import passbacks_send


class Command(BaseCommand):
    help = (
        "Send the scores still owed to LMS gradebooks (a platform that was down when the learner finished). Run it "
        "from cron, e.g. every ten minutes; a score already sent is never sent again."
    )

    def handle(self, *args, **options):
        owed = Passback.objects.owed()
        if not owed.exists():
            self.stdout.write("No scores owed.")
            return
        sent, failed = passbacks_send(owed)
        self.stdout.write(f"{sent} sent, {failed} failed (still owed: run again later).")
