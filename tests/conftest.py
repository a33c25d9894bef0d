"""Personas and test-only settings shared by every test."""

import pytest
from django.contrib.auth.models import Group
from django.core.cache import cache
from hypothesis import settings as hypothesis_settings

from tests.factories import UserFactory

PASSWORD = "correct horse battery staple"

# Property tests that render pages can take longer than Hypothesis's 200 ms deadline on a busy 2-core machine;
# they check behaviour, not speed (bench/ measures speed).
hypothesis_settings.register_profile("suite", deadline=None)
hypothesis_settings.load_profile("suite")


@pytest.fixture(autouse=True)
def _fast_tests(settings):
    # Test speedups live here, not in the settings file.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    # Each test starts with an empty cache, so no page built for one test's database is served in another's.
    cache.clear()


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix, tmp_path_factory):
    """On SQLite, test in a file as production does, not in Django's shared in-memory database: that one answers
    a second writer with "database table is locked" at once instead of waiting (tests/quizzes/test_concurrency.py)."""
    from django.conf import settings

    database = settings.DATABASES["default"]
    if database["ENGINE"].endswith("sqlite3"):
        database.setdefault("TEST", {})["NAME"] = str(tmp_path_factory.mktemp("sqlite") / "test.sqlite3")


@pytest.fixture
def learner(db):
    return UserFactory(username="learner")


@pytest.fixture
def other_learner(db):
    return UserFactory(username="other")


@pytest.fixture
def instructor(db):
    user = UserFactory(username="instructor", is_staff=True)
    user.groups.add(Group.objects.get(name="Instructors"))
    return user


@pytest.fixture
def anonymous(client):
    return client


@pytest.fixture
def learner_client(client, learner):
    client.force_login(learner)
    return client


@pytest.fixture
def instructor_client(client, instructor):
    client.force_login(instructor)
    return client


def load_starter_content() -> None:
    """Load the starter content again (idempotent): for tests in real transactions, whose data is flushed after each
    test, so that one does not depend on what ran before it on the same database."""
    from django.apps import apps

    from calcinosis import starter as reference
    from calcinosis.authoring import grant_to_instructors
    from cases import starter as cases
    from quizzes import starter as bank

    reference.load(apps)
    bank.load(apps)
    cases.load(apps)
    models = ["section", "calcinosistype", "extent", "condition", "bodysite", "differential", "treatment"]
    grant_to_instructors(apps, "calcinosis", [*models, "reference", "sitegrade"])
    grant_to_instructors(apps, "quizzes", ["question", "choice"])
    grant_to_instructors(apps, "quizzes", ["problemreport"], actions=("change", "view"))
    grant_to_instructors(apps, "quizzes", ["questionversion"], actions=("view",))
    grant_to_instructors(apps, "cases", ["case", "stage"])
