"""Writes on a learner's account."""

from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction

from quizzes.services import answers_anonymise


@transaction.atomic
def account_delete(*, user: AbstractBaseUser) -> None:
    """Delete the account and everything that is only the learner's.

    The database does the rest by its foreign keys: attempts and their responses, flags, notes, review cards, case
    progress with its commitments, and problem reports all cascade with the user; a report an instructor resolved
    keeps nothing of theirs. So the learner leaves the cohort reports; what the item statistics need of their answers
    (how many, the marks, the options chosen, per question version) is first added to anonymous tallies that name
    nobody. django-axes' records of the account's logins (username, address, browser) go too."""
    username = user.get_username()
    answers_anonymise(learner=user)
    AccessAttempt.objects.filter(username=username).delete()
    AccessLog.objects.filter(username=username).delete()
    AccessFailureLog.objects.filter(username=username).delete()
    user.delete()
