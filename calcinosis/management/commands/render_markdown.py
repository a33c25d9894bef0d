from django.apps import apps
from django.core.management.base import BaseCommand
from django.db import transaction

from calcinosis.caching import content_changed
from calcinosis.markup import RendersMarkdown


class Command(BaseCommand):
    help = (
        "Render every stored Markdown field to HTML again, with today's rules (after a change to "
        "calcinosis/markup.py). Pages never render Markdown per request: each row's HTML is stored when it is saved."
    )

    def handle(self, *args, **options):
        for model in apps.get_models():
            if not issubclass(model, RendersMarkdown):
                continue
            fields = [f"{name}_html" for name in model.markdown_fields]
            with transaction.atomic():
                rows = list(model.objects.all())
                for row in rows:
                    row.render_markdown_fields()
                model.objects.bulk_update(rows, fields, batch_size=200)
            self.stdout.write(f"{model._meta.label}: {len(rows)} rendered")
        content_changed()  # bulk writes send no signal: visitors' cached pages are stale now
