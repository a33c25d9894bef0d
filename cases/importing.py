"""Importing a question bank (JSON, Moodle XML, GIFT): read the file, plan what it would create, then create it.

Two doors share it: `manage.py import_questions` and the admin's "Import questions" page, which shows the plan
before anything is created. It lives with the cases app because a question may belong to a case, so both the engine
(quizzes) and the cases are needed to check a file.
"""

import codecs
import re
from dataclasses import dataclass, field
from functools import reduce
from operator import or_

from django.apps import apps
from django.db import transaction
from django.db.models import Q

from calcinosis.models import BodySite, CalcinosisType, Condition, Differential, Section
from cases.models import Case, Stage
from quizzes import exchange, starter
from quizzes.management.commands.export_questions import exportable
from quizzes.models import Question

# A bank of thousands of questions is a few megabytes; a file larger than this is refused before it is read.
MAX_BYTES = 20 * 1024 * 1024
# Byte-order marks that say how a file is encoded; without one, a file must be UTF-8.
_BOMS = [
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
]
_ENCODING_DECLARATION_RE = re.compile(r"""^(\s*<\?xml[^>]*?)\s+encoding=["'][^"']*["']""")


class ImportRefused(Exception):
    """The file is not imported and nothing was changed; the message says why, naming each problem."""


@dataclass
class ImportPlan:
    """What importing a file would do, before it does it."""

    rows: list[dict]  # checked rows, in the file's order
    new: set[str]  # slugs of the questions it would create
    renamed: list[tuple[str, str]] = field(default_factory=list)  # (name, new slug): a different question had it
    notes: list[dict] = field(default_factory=list)  # imported with something left out: {name, kind, reason}
    unsupported: list[dict] = field(default_factory=list)  # not imported: {name, kind, reason}

    @property
    def to_create(self) -> list[dict]:
        return [row for row in self.rows if row["slug"] in self.new]

    @property
    def already_there(self) -> list[dict]:
        return [row for row in self.rows if row["slug"] not in self.new]

    @property
    def without_teaching_point(self) -> list[str]:
        return [row["slug"] for row in self.to_create if not str(row.get("teaching_point", "")).strip()]

    @property
    def renamed_new(self) -> list[tuple[str, str]]:
        return [(old, slug) for old, slug in self.renamed if slug in self.new]


def format_for(filename: str) -> str | None:
    """The format a file's extension names, or None."""
    suffix = "." + filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    return exchange.EXTENSIONS.get(suffix)


def decode(data: bytes, source: str) -> str:
    """The file as text: UTF-8 (a byte-order mark allowed), or UTF-16 or UTF-32 with their byte-order mark; refused
    when holding a NUL character, which PostgreSQL cannot store."""
    if len(data) > MAX_BYTES:
        raise ImportRefused(too_big(source, len(data)))
    encoding = next((name for bom, name in _BOMS if data.startswith(bom)), "utf-8")
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as error:
        which = "UTF-8" if encoding == "utf-8" else encoding.upper().removesuffix("-SIG")
        raise ImportRefused(
            f"Cannot read {source}: it is not valid {which} (byte 0x{data[error.start]:02x} at offset {error.start}); "
            "save it as UTF-8."
        ) from None
    text = text.lstrip("\ufeff")
    if "\x00" in text:
        line = text.count("\n", 0, text.index("\x00")) + 1
        raise ImportRefused(
            f"{source} holds a NUL character (line {line}), which the database cannot store; nothing was imported. "
            "Remove it (it is usually the sign of a file saved in another encoding)."
        )
    # The text is decoded now: an XML declaration naming the file's encoding (UTF-16, say) no longer applies.
    return _ENCODING_DECLARATION_RE.sub(r"\1", text, count=1)


def too_big(source: str, size: int) -> str:
    return (
        f"{source} is {size / 1024 / 1024:.1f} MB; files over {MAX_BYTES // 1024 // 1024} MB are not imported "
        "(split the bank into several files)."
    )


# How each door names its options in a refusal: the command's flags, the admin page's fields.
COMMAND_HINTS = {"skip": "pass --skip-unsupported", "topic": "--topic names one"}


def plan(
    text: str,
    fmt: str,
    *,
    source: str,
    topic: str | None = None,
    skip_unsupported: bool = False,
    hints: dict[str, str] = COMMAND_HINTS,
) -> ImportPlan:
    """Read and check the file against this database; ImportRefused names every problem, and nothing is changed."""
    reading = exchange.Reading()
    try:
        rows = exchange.READERS[fmt](text, reading=reading)
    except ValueError as error:
        raise ImportRefused(f"{source}: {error}") from None
    if reading.skipped and not skip_unsupported:
        count = len(reading.skipped)
        raise ImportRefused(
            f"{source} was not imported; nothing was changed. {count} question{'s' if count != 1 else ''} cannot be "
            f"imported ({hints['skip']} to import the others):\n{listed(reading.skipped)}"
        )
    if topic:
        rows = [
            {**row, "topic": topic} if isinstance(row, dict) and row.get("topic") not in exchange.TOPICS else row
            for row in rows
        ]
    rows, renamed = _apart(rows, reading.named)
    problems = exchange.validate_rows(rows, known())
    if problems:
        hint = "" if topic else f" ({hints['topic']} for questions from another category)"
        lines = "\n".join(f"- {problem}" for problem in problems)
        raise ImportRefused(f"{source} was not imported; nothing was changed{hint}. Problems:\n{lines}")
    slugs = [row["slug"] for row in rows]
    new = set(slugs) - set(Question.objects.filter(slug__in=slugs).values_list("slug", flat=True))
    return ImportPlan(rows=rows, new=new, renamed=renamed, notes=reading.notes, unsupported=reading.skipped)


@transaction.atomic
def plan_apply(the_plan: ImportPlan) -> tuple[int, int]:
    """Create what the plan says; (created, skipped). A question made in the meantime under one of its slugs is
    skipped, never overwritten."""
    return starter.load(apps, the_plan.rows, extra_fields=case_fields)


def listed(items: list[dict]) -> str:
    return "\n".join(f"- {item['name']}{_kind(item)}: {item['reason']}" for item in items)


def _kind(item: dict) -> str:
    return f" ({item['kind']})" if item.get("kind") else ""


def _apart(rows: list, named: set[str]) -> tuple[list, list[tuple[str, str]]]:
    """Rows whose slug came from a name (not an explicit id) and is held by a different question, in the bank or
    earlier in the file, take the next free name-2, name-3...; a repeat of the same question keeps the slug it is
    held under (and is then skipped). Returns the rows and the (old, new) slugs renamed."""
    named_rows = [row for row in rows if isinstance(row, dict) and row.get("slug") in named]
    if not named_rows:
        return rows, []
    similar = reduce(or_, (Q(slug=r["slug"]) | Q(slug__startswith=f"{r['slug'][:70]}-") for r in named_rows))
    taken = {
        question.slug: exchange.as_row(question)
        for question in exportable(topic=None, include_cases=True).filter(similar)
    }
    result, renamed, seen = [], [], set()
    for row in rows:
        if isinstance(row, dict) and row.get("slug") in named:
            slug = exchange.free_slug(row, taken)
            if slug in seen:
                continue  # the same question twice in the file: once is enough
            if slug != row["slug"]:
                renamed.append((row["slug"], slug))
                row = {**row, "slug": slug}
            taken.setdefault(slug, row)
        if isinstance(row, dict) and isinstance(row.get("slug"), str):
            seen.add(row["slug"])
        result.append(row)
    return result, renamed


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
