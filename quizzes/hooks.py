"""What the apps above the engine add to its reports, registered in their AppConfig.ready().

The engine never imports those apps (calcinosis <- quizzes <- cases <- teach); they hand it functions instead.
"""

from collections.abc import Callable, Iterable

# Each source returns (right type id, chosen type id, count) for one learner, or for everyone when learner is None:
# e.g. the cases app's type decisions, so the type confusion matrix counts what learners committed to in cases too.
TypeConfusionSource = Callable[[object | None], Iterable[tuple[int, int, int]]]
type_confusion_sources: list[TypeConfusionSource] = []
