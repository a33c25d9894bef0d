"""How a committed hypothesis is scored against the expert's at the same point: plain rules, no Django."""

from decimal import Decimal


def decision_score(kind: str, ranking: list[str], expert: str) -> Decimal:
    """A type decision is right or wrong; a ranked top three earns full credit for the expert's answer
    first and half for it second or third."""
    if not ranking:
        return Decimal(0)
    if ranking[0] == expert:
        return Decimal(1)
    if kind == "differential" and expert in ranking[1:3]:
        return Decimal("0.5")
    return Decimal(0)


def path_summary(steps: list[tuple[str, str]]) -> str:
    """Describe how the learner's leading hypothesis moved, given (learner's first choice, expert's) per step."""
    if not steps:
        return "There were no decision points in this case."
    matched = [mine == expert for mine, expert in steps]
    if all(matched):
        return "Your leading hypothesis matched the expert's at every step."
    if matched[-1]:
        return "You reached the expert's conclusion by the end, after weighing other ideas on the way."
    if any(matched):
        return "You were with the expert at some steps but ended on a different conclusion: review the last findings."
    return "Your hypotheses differed from the expert's throughout: compare the reasoning at each step below."
