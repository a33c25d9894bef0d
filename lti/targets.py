"""What an LMS link opens here, written as one short string in the link's custom parameter `target`.

- ``case:<slug>``: a case;
- ``quiz:topics=type,distribution;size=10;mode=tutor``: a new quiz of those topics, size and mode;
- ``review``: the learner's review queue.

Deep linking writes these strings into the content items it returns, and a launch reads them back, so the two
never disagree on the format.
"""

from dataclasses import dataclass, field

from quizzes.forms import QUIZ_MODES
from quizzes.models import Attempt, Topic

MAX_SIZE = 100
MODES = tuple(value for value, _ in QUIZ_MODES)


class TargetError(ValueError):
    """The link names nothing this tool can open; the message says what is wrong, for the person launching."""


@dataclass(frozen=True)
class Target:
    kind: str  # "case", "quiz" or "review"
    case: str = ""
    topics: tuple[str, ...] = field(default_factory=tuple)
    size: int = 10
    mode: str = Attempt.Mode.TUTOR.value

    def __str__(self) -> str:
        if self.kind == "case":
            return f"case:{self.case}"
        if self.kind == "quiz":
            return f"quiz:topics={','.join(self.topics)};size={self.size};mode={self.mode}"
        return "review"

    @property
    def label(self) -> str:
        """For people: what the link opens."""
        if self.kind == "case":
            return f"the case “{self.case}”"
        if self.kind == "quiz":
            mode = "an exam" if self.mode == "exam" else "a tutor quiz"
            return f"{mode} of {self.size} questions on {', '.join(self.topics)}"
        return "their review queue"

    @property
    def is_gradable(self) -> bool:
        """A quiz and a case end with a score; the review queue never ends."""
        return self.kind in ("case", "quiz")


def parse(text: str) -> Target:
    text = (text or "").strip()
    if text == "review":
        return Target("review")
    kind, _, rest = text.partition(":")
    if kind == "case" and rest:
        return Target("case", case=rest)
    if kind == "quiz":
        return _quiz(rest)
    raise TargetError(f"This link names nothing to open here ({text!r}); ask the course's instructor to set it again.")


def _quiz(rest: str) -> Target:
    params = {}
    for part in filter(None, rest.split(";")):
        key, sep, value = part.partition("=")
        if not sep:
            raise TargetError(f"The quiz link's setting {part!r} has no value.")
        params[key.strip()] = value.strip()
    topics = tuple(t for t in params.get("topics", "").split(",") if t)
    unknown = [t for t in topics if t not in Topic.values]
    if not topics or unknown:
        raise TargetError(f"The quiz link names no topic or an unknown one ({', '.join(unknown) or 'none'}).")
    try:
        size = int(params.get("size", "10"))
    except ValueError:
        raise TargetError("The quiz link's size is not a number.") from None
    if not 1 <= size <= MAX_SIZE:
        raise TargetError(f"The quiz link's size must be from 1 to {MAX_SIZE}.")
    mode = params.get("mode", Attempt.Mode.TUTOR.value)
    if mode not in MODES:
        raise TargetError(f"The quiz link's mode must be one of {', '.join(MODES)}.")
    return Target("quiz", topics=topics, size=size, mode=mode)
