"""Who an instructor is, and the Instructors group: exactly the permissions needed to author the reference,
questions and cases.

Each app's migration grants its own models, through this helper, so the group grows with the apps.
"""

from django.contrib.auth.management import create_permissions
from django.db.models import Q

GROUP = "Instructors"
ACTIONS = ("add", "change", "delete", "view")


def grant_to_instructors(apps, app_label: str, model_names: list[str], actions=ACTIONS) -> None:
    # Permissions are normally made after all migrations have run; make this app's now so the group can hold them.
    app_config = apps.get_app_config(app_label)
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name=GROUP)
    codenames = [f"{action}_{model}" for model in model_names for action in actions]
    group.permissions.add(*Permission.objects.filter(content_type__app_label=app_label, codename__in=codenames))


# Set in the session of someone who teaches a cohort without being an instructor of the site (an LMS course's
# instructor, lti.views.launch), so the navigation offers them the teaching dashboard without a query on every page.
TEACHES_SESSION_KEY = "teaches"


def is_instructor(user) -> bool:
    """The one definition of an instructor, used by every check: an active staff account in the Instructors group
    (a superuser counts as one). Learners are never staff, so they cost no query; the answer is kept on the user
    object for the rest of the request."""
    if not (user.is_authenticated and user.is_active and user.is_staff):
        return False
    if user.is_superuser:
        return True
    if not hasattr(user, "_is_instructor"):
        user._is_instructor = user.groups.filter(name=GROUP).exists()
    return user._is_instructor


def instructors_q() -> Q:
    """The same definition as a filter on users, e.g. to leave instructors out of a cohort."""
    return Q(is_active=True, is_staff=True) & (Q(is_superuser=True) | Q(groups__name=GROUP))
