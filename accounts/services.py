"""Writes on a learner's account."""

from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction


@transaction.atomic
def account_delete(*, user: AbstractBaseUser) -> None:
    """Delete the account and everything that is only the learner's.

    The database does the rest by its foreign keys: attempts and their responses, flags, notes, review cards, case
    progress with its commitments, and problem reports all cascade with the user; a report an instructor resolved
    keeps nothing of theirs. Answers leave the item statistics with them, since a response belongs to an attempt
    and an attempt to its learner (no anonymous owner exists in the schema). django-axes' records of the account's
    logins (username, address, browser) go too."""
    username = user.get_username()
    AccessAttempt.objects.filter(username=username).delete()
    AccessLog.objects.filter(username=username).delete()
    AccessFailureLog.objects.filter(username=username).delete()
    user.delete()
