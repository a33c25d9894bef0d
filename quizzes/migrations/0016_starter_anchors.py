"""The starter questions' anchors: each "Read more" lands on the heading of its page that teaches it.

Set only where a question still has no anchor and still points at the page the starter bank gives it, so an
instructor's choice is kept; a heading the page no longer has is left out (the link falls back to the page's top).
Five questions move to the page that really teaches them (a blind review found their key fact missing from the page
they pointed at), where they still point at the page they had."""

import json
import re
from pathlib import Path

from django.db import migrations

HERE = Path(__file__).resolve().parent.parent.parent
HEADING_ID = re.compile(r'<h[2-4] id="([^"]+)">')
# slug -> the page it pointed at before this migration
MOVED = {
    "type-adult-dm-si-units": "dystrophic",
    "differential-calciphylaxis-vs-vasculitis-clinical": "differential-diagnosis",
    "laboratory-case-nurse-antibody": "associated-diseases",
    "history-case-baby-heel-clue": "clinical-history",
    "management-case-liver-anticoagulation": "management",
}


def _rows() -> list[dict]:
    bank = json.loads((HERE / "quizzes" / "starter" / "questions.json").read_text(encoding="utf-8"))["questions"]
    cases = json.loads((HERE / "cases" / "starter" / "cases.json").read_text(encoding="utf-8"))["cases"]
    in_cases = [q for case in cases for stage in case["stages"] for q in stage.get("questions", [])]
    return bank + in_cases


def set_anchors(apps, schema_editor):
    Question = apps.get_model("quizzes", "Question")
    Section = apps.get_model("calcinosis", "Section")
    wanted = {row["slug"]: row for row in _rows() if row.get("anchor")}
    for question in Question.objects.filter(slug__in=wanted, anchor="").select_related("section"):
        row = wanted[question.slug]
        section = question.section
        if section is not None and MOVED.get(question.slug) == section.slug:
            section = Section.objects.filter(slug=row["section"]).first()
            if section is None:
                continue
            question.section = section
            question.save(update_fields=["section"])
        if section is None or section.slug != row.get("section"):
            continue
        if row["anchor"] in HEADING_ID.findall(section.body_html):
            question.anchor = row["anchor"]
            question.save(update_fields=["anchor"])


class Migration(migrations.Migration):
    dependencies = [("quizzes", "0015_question_anchor"), ("cases", "0008_progress_takes")]

    operations = [migrations.RunPython(set_anchors, migrations.RunPython.noop)]
