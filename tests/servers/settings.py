"""The app's own settings for the two-server test's gunicorns, with the suite's test speedups and nothing else.

Static files are served unhashed, as in tests/conftest.py, so no collectstatic is needed before the servers start;
what the test checks (sessions, the cache and lockouts shared through PostgreSQL and Redis) is untouched.
"""

from config.settings import *  # noqa: F403
from config.settings import STORAGES

STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
