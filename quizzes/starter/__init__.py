"""Loads the starter question bank (questions.json) into a fresh database; see README.md for the format.

Used by `import_questions` (rows checked first by `quizzes.exchange.validate_rows`) and by the browser tests, which
reload the starter content into a flushed database; the data migrations run a frozen copy of it
(quizzes/migrations/_starter_v1.py), so editing this changes no migration. A question is created only when its
slug is absent, so loading again duplicates nothing and overwrites no edit. Rows may also say
`"is_published": false`, a case question's `"case"` (slug) and `"stage"` (order), as `export_questions` writes
them, an option's `"fraction"`: its partial credit in percent, as Moodle grades it, and a numeric question's
`"answer_feedback"` and `"numeric_answers"` (Moodle's several answers, their grades in percent too). A row's `"images"`
({"name", "data": base64}, the files its Markdown shows as `![alt](@@PLUGINFILE@@/name)`) are saved under
MEDIA_ROOT/questions/ and the links pointed at them.
"""

import json
import re
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

from django.core.files.base import ContentFile

from quizzes import images
from quizzes.exchange.markup import image_link, plugin_image_link, plugin_images, replace_plugin_images
from quizzes.exchange.rows import numeric_extras

BANK = Path(__file__).resolve().parent / "questions.json"
KNOWLEDGE = {"types": "CalcinosisType", "conditions": "Condition", "sites": "BodySite", "differentials": "Differential"}


def read_bank(path: Path = BANK) -> list[dict]:
    return json.loads(Path(path).read_text(encoding="utf-8"))["questions"]


def load(apps, rows: list[dict] | None = None, extra_fields: Callable[[dict], dict] | None = None) -> tuple[int, int]:
    """Create the questions whose slug is new; returns (created, skipped).

    `extra_fields(row)` adds fields the engine does not know how to fill: the cases app's import puts a case question
    exported with its case's slug and stage's order back into that case."""
    rows = read_bank() if rows is None else rows
    Question = apps.get_model("quizzes", "Question")
    Choice = apps.get_model("quizzes", "Choice")
    Section = apps.get_model("calcinosis", "Section")
    BodySite = apps.get_model("calcinosis", "BodySite")
    CalcinosisType = apps.get_model("calcinosis", "CalcinosisType")
    sections = {s.slug: s for s in Section.objects.all()}
    sites = {s.slug: s for s in BodySite.objects.order_by("order")}
    types = {t.slug: t for t in CalcinosisType.objects.all()}
    created = skipped = 0
    for row in rows:
        if Question.objects.filter(slug=row["slug"]).exists():
            skipped += 1
            continue
        question = Question.objects.create(
            slug=row["slug"],
            kind=row["kind"],
            topic=row["topic"],
            stem=row["stem"],
            teaching_point=row.get("teaching_point", ""),
            section=sections.get(row.get("section")),
            anchor=row.get("anchor") or "",
            answer=row.get("answer"),
            tolerance=row.get("tolerance"),
            unit=row.get("unit", ""),
            formula=row.get("formula", ""),
            variables=row.get("variables", {}),
            is_published=row.get("is_published", True),
            **numeric_extras(row.get("answer_feedback", ""), row.get("numeric_answers", []), scale=0.01),
            **(extra_fields(row) if extra_fields else {}),
        )
        for field, model_name in KNOWLEDGE.items():
            slugs = row.get("about", {}).get(field, [])
            if slugs:
                model = apps.get_model("calcinosis", model_name)
                getattr(question, field).set(model.objects.filter(slug__in=slugs))
        Choice.objects.bulk_create(_choices(Choice, question, row, sites, types))
        if row.get("images"):
            _save_images(apps.get_model("quizzes", "QuestionImage"), question, row["images"])
        created += 1
    return created, skipped


def _save_images(QuestionImage, question, files: list[dict]) -> None:
    """Each file saved (its extension the one of what it really is, quizzes.images) and the question's Markdown
    pointed at its URL. Rows are checked before loading (exchange.validate_rows), so a bad file here is a bug."""
    described = dict(reversed(plugin_images(f"{question.stem}\n{question.teaching_point}")))  # each name's first alt
    urls = {}
    for file in files:
        data = images.decoded(file["data"], file["name"])
        image = QuestionImage(question=question, name=file["name"], alt=described.get(file["name"], "")[:300])
        image.image.save(f"{_file_stem(file['name'])}.{images.extension_of(data, file['name'])}", ContentFile(data))
        urls[file["name"]] = image.image.url
    for field in ("stem", "teaching_point"):
        text = replace_plugin_images(getattr(question, field), lambda name, alt: _link(name, alt, urls))
        setattr(question, field, text)
    question.save()


def _link(name: str, alt: str, urls: dict[str, str]) -> str:
    return image_link(alt, urls[name]) if name in urls else plugin_image_link(name, alt)


def _file_stem(name: str) -> str:
    """A plain name for the stored file: what the bank called it, without its folder and extension."""
    return re.sub(r"[^A-Za-z0-9_-]+", "-", Path(name.rpartition("/")[2]).stem).strip("-")[:60] or "image"


def _choices(Choice, question, row: dict, sites: dict, types: dict) -> list:
    if row["kind"] == "bodymap":
        spec = row["sites"]
        return [
            Choice(
                question=question,
                order=i,
                text=site.name,
                is_correct=slug in spec["correct"],
                explanation=spec.get("explanations", {}).get(slug, ""),
                site=site,
                **_neutral(Choice, slug in spec.get("recognised", [])),
            )
            for i, (slug, site) in enumerate(sites.items(), 1)
        ]
    return [
        Choice(
            question=question,
            order=i,
            text=c["text"],
            is_correct=c["correct"],
            explanation=c.get("explanation", ""),
            ctype=types.get(c.get("type")),
            **_fraction(Choice, c.get("fraction")),
        )
        for i, c in enumerate(row.get("choices", []), 1)
    ]


def _fraction(Choice, percent) -> dict:
    """An option's partial credit, given in percent as Moodle writes it (50, -33.33333), stored as a fraction of the
    mark (0.5, -0.3333333), where the schema has the column; no value: scored as usual."""
    if percent is None or not any(f.name == "fraction" for f in Choice._meta.get_fields()):
        return {}
    return {"fraction": (Decimal(str(percent)) / 100).quantize(Decimal("0.0000001"))}


def _neutral(Choice, value: bool) -> dict:
    """Set `is_neutral` where the schema has it; the migrations that load before it exist leave it to a later one."""
    return {"is_neutral": value} if any(f.name == "is_neutral" for f in Choice._meta.get_fields()) else {}
