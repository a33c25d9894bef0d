"""What the apps above teach add to its pages, registered in their AppConfig.ready(); teach never imports them.

Panels on a cohort's card in the dashboard: each takes the request and the cohort and returns None or
{"template": ..., "context": {...}} (the lti app's "LMS course: sync the roster").
"""

from collections.abc import Callable

CohortPanel = Callable[[object, object], dict | None]
cohort_panels: list[CohortPanel] = []
