"""Personas and test-only settings shared by every test."""

import pytest
from django.contrib.auth.models import Group
from hypothesis import settings as hypothesis_settings

from tests.factories import UserFactory

PASSWORD = "correct horse battery staple"

# Property tests that render pages can take longer than Hypothesis's 200 ms deadline on a busy 2-core machine;
# they check behaviour, not speed (scripts/bench.py measures speed).
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
