"""The starter bank's calculated questions: created where the bank was loaded before they existed, and given their
formula and ranges (the frozen loader of 0002 creates a calculated row but knows neither field)."""

from django.db import migrations

from calcinosis.migrations._markup_v1 import render_markdown
from quizzes.migrations import _starter_v1


def load_calculated(apps, schema_editor):
    rows = [row for row in _starter_v1.read_bank() if row["kind"] == "calculated"]
    _starter_v1.load_rows(apps, rows)  # only those whose slug is absent
    Question = apps.get_model("quizzes", "Question")
    for row in rows:
        question = Question.objects.filter(slug=row["slug"], formula="").first()
        if question is None:
            continue  # already complete, or edited since: left as it is
        question.formula = row["formula"]
        question.variables = row["variables"]
        question.stem_html = render_markdown(question.stem)
        question.teaching_point_html = render_markdown(question.teaching_point)
        question.save(update_fields=["formula", "variables", "stem_html", "teaching_point_html"])


class Migration(migrations.Migration):
    dependencies = [("quizzes", "0013_calculated_questions")]

    operations = [migrations.RunPython(load_calculated, migrations.RunPython.noop)]
