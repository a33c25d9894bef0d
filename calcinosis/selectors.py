"""Reads for the reference pages: the graded distributions drawn as body figures and listed as tables."""

from dataclasses import dataclass, field

from calcinosis.models import CalcinosisType, Condition, Grade, SiteGrade


@dataclass
class Distribution:
    """Where one condition or type puts its deposits: each graded site with the reference that grades it."""

    subject: Condition | CalcinosisType
    grades: list[SiteGrade] = field(default_factory=list)

    @property
    def key(self) -> str:
        """Unique among conditions and types together: a form value and a page anchor."""
        prefix = "type" if isinstance(self.subject, CalcinosisType) else "condition"
        return f"{prefix}-{self.subject.slug}"

    @property
    def marks(self) -> dict[str, str]:
        return {g.site.region: g.grade for g in self.grades}

    @property
    def typical(self) -> list[SiteGrade]:
        return [g for g in self.grades if g.grade == Grade.TYPICAL]

    @property
    def recognised(self) -> list[SiteGrade]:
        return [g for g in self.grades if g.grade == Grade.RECOGNISED]

    @property
    def references(self) -> list[str]:
        return sorted({g.reference.short for g in self.grades})


def _graded() -> list[SiteGrade]:
    return list(SiteGrade.objects.select_related("site", "reference").order_by("site__order"))


def distributions() -> list[Distribution]:
    """Every type, then every condition, that has graded sites, in teaching order (three queries)."""
    by_subject: dict[tuple[str, int], list[SiteGrade]] = {}
    for grade in _graded():
        subject = ("type", grade.ctype_id) if grade.ctype_id else ("condition", grade.condition_id)
        by_subject.setdefault(subject, []).append(grade)
    types = CalcinosisType.objects.order_by("order").select_related("section")
    conditions = Condition.objects.order_by("name").select_related("section")
    return [Distribution(t, by_subject[("type", t.pk)]) for t in types if ("type", t.pk) in by_subject] + [
        Distribution(c, by_subject[("condition", c.pk)]) for c in conditions if ("condition", c.pk) in by_subject
    ]


def distribution_of(ctype: CalcinosisType) -> Distribution:
    grades = SiteGrade.objects.filter(ctype=ctype).select_related("site", "reference").order_by("site__order")
    return Distribution(ctype, list(grades))


def condition_distributions(section) -> list[Distribution]:
    """The graded conditions taught on one reference page, each with its figure's data (one query)."""
    grades = SiteGrade.objects.filter(condition__section=section).select_related("site", "reference", "condition")
    by_condition: dict[int, Distribution] = {}
    for grade in grades.order_by("condition__name", "site__order"):
        by_condition.setdefault(grade.condition_id, Distribution(grade.condition)).grades.append(grade)
    return list(by_condition.values())
