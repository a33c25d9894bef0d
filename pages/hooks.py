"""The panels other apps put on a logged-in learner's home page.

The site shell stands on calcinosis alone: it imports neither the quiz engine nor the cases, and they do not import it
(tests/test_architecture.py). So the panels are found through Django's app registry instead of an import: an app
whose AppConfig has a `home_panels` attribute (set in its ready()) offers those functions. Each takes the request and
returns None (nothing to say) or a dict with the fields of HomePanel below, from which the home view builds the panel.
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from django.apps import apps
from django.http import HttpRequest

PanelSource = Callable[[HttpRequest], Mapping | None]


@dataclass(frozen=True)
class HomePanel:
    """One block of the learner's home: a template included with `p` set to `context`, placed by `order`.

    A `starter` panel is a suggestion for someone with nothing under way (take a quiz, try a case): when every panel
    is one, the learner is new and the home page frames them as first steps."""

    template: str
    context: dict = field(default_factory=dict)
    order: int = 100
    starter: bool = False


def home_panels() -> list[PanelSource]:
    """Every installed app's panel functions, in INSTALLED_APPS order."""
    return [source for config in apps.get_app_configs() for source in getattr(config, "home_panels", ())]


def panels_for(request: HttpRequest) -> list[HomePanel]:
    """The panels to show this learner, in order; a misspelt field in a source's dict fails loudly (TypeError)."""
    found = (source(request) for source in home_panels())
    return sorted((HomePanel(**panel) for panel in found if panel is not None), key=lambda panel: panel.order)
