"""Writes of the LTI tool: the account and cohort a launch puts someone in, what a link opens, the scores owed to a
platform's gradebook and sending them, and a course's roster."""

import logging
from dataclasses import dataclass
from decimal import Decimal

import requests
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import IntegrityError, transaction
from django.db.models import F, Q, Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from pylti1p3.assignments_grades import AssignmentsGradesService
from pylti1p3.exception import LtiException, LtiServiceException
from pylti1p3.grade import Grade
from pylti1p3.names_roles import NamesRolesProvisioningService
from pylti1p3.service_connector import ServiceConnector

from calcinosis.authoring import GROUP as INSTRUCTORS
from cases.models import Case, CaseProgress
from cases.selectors import reasoning_percent
from lti import targets
from lti.claims import SCORE_SCOPE, LaunchClaims, is_instructor_role
from lti.http import platform_session
from lti.models import Course, Identity, Passback, Platform
from lti.toolconf import registration_for
from quizzes import services as quiz_services
from quizzes.models import Attempt, Response
from teach.models import Cohort

log = logging.getLogger(__name__)
User = get_user_model()


class LaunchError(Exception):
    """A launch that cannot go on; the message is for the person launching (a 400 page)."""


# --- who: accounts and courses -------------------------------------------------------------------------------------


class AccountClosed(LaunchError):
    pass


@transaction.atomic
def account_for(*, platform: Platform, claims: LaunchClaims):
    """The account linked to this platform user, made on their first launch with the name and email the platform
    sends. Never found by email: two people may share one, and a platform's word on it proves nothing here."""
    if not claims.subject:
        raise LaunchError("The platform did not say who is launching (no user id); ask it to send one.")
    identity = Identity.objects.select_related("user").filter(platform=platform, subject=claims.subject).first()
    if identity is None:
        return _account_create(platform=platform, claims=claims)
    if not identity.user.is_active:
        raise AccountClosed("This account is closed here; ask the course's instructor.")
    return identity.user


def _account_create(*, platform: Platform, claims: LaunchClaims, tries: int = 3):
    given = claims.given_name or claims.name.partition(" ")[0]
    family = claims.family_name or claims.name.partition(" ")[2]
    user = User(
        username=_free_username(claims.email.partition("@")[0] or f"{given} {family}".strip() or claims.subject[:30]),
        first_name=given[:150],
        last_name=family[:150],
        email=claims.email[:254],
    )
    user.set_unusable_password()  # they sign in through their LMS, never with a password here
    try:
        with transaction.atomic():
            user.save()
            Identity.objects.create(platform=platform, subject=claims.subject, user=user)
    except IntegrityError:
        # The same person's second launch a moment ago made the link first: use that account. Or someone else took
        # the username in that moment: try the next free one.
        identity = Identity.objects.select_related("user").filter(platform=platform, subject=claims.subject).first()
        if identity is not None:
            return identity.user
        if tries <= 1:
            raise
        return _account_create(platform=platform, claims=claims, tries=tries - 1)
    return user


def _free_username(wanted: str) -> str:
    base = (slugify(wanted).replace("-", ".") or "lti.user")[:140]
    taken = set(User.objects.filter(username__startswith=base).values_list("username", flat=True))
    if base not in taken:
        return base
    return next(f"{base}.{n}" for n in range(2, len(taken) + 3) if f"{base}.{n}" not in taken)


def instructor_make(user) -> None:
    """An instructor of a trusted platform's course is one here: staff in the Instructors group, who author the bank
    and cases (calcinosis.authoring). Only a launch does this, never the roster: the person has shown up."""
    if not user.is_staff:
        user.is_staff = True
        user.save(update_fields=["is_staff"])
    user.groups.add(Group.objects.get_or_create(name=INSTRUCTORS)[0])


@transaction.atomic
def course_for(*, platform: Platform, claims: LaunchClaims) -> Course | None:
    """The course's cohort, made on the first launch from it; None for a launch outside any course."""
    if not claims.context_id:
        return None
    course = Course.objects.select_for_update().filter(platform=platform, context_id=claims.context_id).first()
    if course is None:
        title = claims.context_title or f"Course {claims.context_id}"
        cohort = Cohort.objects.create(name=f"{title} ({platform.name})"[:120], is_open=False)
        try:
            with transaction.atomic():
                course = Course.objects.create(
                    platform=platform, context_id=claims.context_id, title=title[:255], cohort=cohort
                )
        except IntegrityError:
            cohort.delete()
            course = Course.objects.get(platform=platform, context_id=claims.context_id)
    if claims.memberships_url and claims.memberships_url != course.memberships_url:
        course.memberships_url = claims.memberships_url
        course.save(update_fields=["memberships_url"])
    return course


def course_enrol(*, course: Course, user, instructor: bool) -> None:
    if instructor:
        course.cohort.instructors.add(user)
    else:
        course.cohort.learners.add(user)


# --- what: opening a link's target ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Opened:
    url: str
    passback: Passback | None = None


@transaction.atomic
def target_open(*, target: targets.Target, user, platform: Platform, claims: LaunchClaims) -> Opened:
    """Where the launch goes, with the passback that will carry its score when the link is graded.

    A quiz link opens the learner's unfinished attempt from the same gradebook column if there is one (a second
    launch resumes), else a new attempt. A case link opens the case; its score is owed for the take finished next."""
    graded = claims.can_post_scores and target.is_gradable and not claims.is_instructor
    if target.kind == "review":
        return Opened(reverse("quizzes:review"))
    if target.kind == "case":
        case = Case.objects.published().filter(slug=target.case).first()
        if case is None:
            raise LaunchError("The case this link opens is not available; ask the course's instructor.")
        passback = _case_passback(platform=platform, user=user, case=case, claims=claims) if graded else None
        return Opened(case.get_absolute_url(), passback)
    return _quiz_open(target=target, user=user, platform=platform, claims=claims, graded=graded)


def _case_passback(*, platform, user, case, claims) -> Passback:
    """The score owed for the learner's next completed take of the case from this link; launching again waits for
    the same take (two launches at once included: a constraint allows one)."""
    waiting = dict(platform=platform, user=user, lineitem=claims.lineitem, case=case, status=Passback.Status.WAITING)
    found = Passback.objects.filter(**waiting, progress__isnull=True).first()
    if found is not None:
        return found
    try:
        with transaction.atomic():
            return Passback.objects.create(**waiting, subject=claims.subject, scopes=claims.scopes)
    except IntegrityError:
        return Passback.objects.get(**waiting, progress__isnull=True)


def _quiz_open(*, target, user, platform, claims, graded: bool) -> Opened:
    if graded:
        waiting = (
            Passback.objects.filter(
                platform=platform, user=user, lineitem=claims.lineitem, status=Passback.Status.WAITING
            )
            .filter(attempt__finished__isnull=True, attempt__isnull=False)
            .select_related("attempt")
            .first()
        )
        if waiting is not None:
            return Opened(reverse("quizzes:attempt", args=[waiting.attempt_id]), waiting)
    try:
        attempt = quiz_services.attempt_start(
            learner=user, topics=list(target.topics), size=target.size, mode=target.mode
        )
    except quiz_services.QuizError as error:
        raise LaunchError(str(error)) from None
    passback = None
    if graded:
        passback = Passback.objects.create(
            platform=platform,
            user=user,
            subject=claims.subject,
            lineitem=claims.lineitem,
            scopes=claims.scopes,
            attempt=attempt,
        )
    return Opened(reverse("quizzes:attempt", args=[attempt.pk]), passback)


# --- scores: filled in when the learner finishes, sent to the platform -----------------------------------------------


def quiz_score(attempt: Attempt) -> Decimal:
    """The attempt's mark from 0 to 1: the sum of its answers' scores over its number of questions (unanswered
    ones count 0), as the results page shows it."""
    n = attempt.slots.count()
    total = Response.objects.filter(attempt=attempt).aggregate(total=Sum("score"))["total"] or Decimal(0)
    return (total / n).quantize(Decimal("0.0001")) if n else Decimal(0)


def case_score(progress: CaseProgress) -> Decimal:
    """A take's mark from 0 to 1: its reasoning score (the mean of its decisions against the expert's, as the grade
    report shows); a case without decision points is marked on its questions; a case with neither, on finishing."""
    reasoning = reasoning_percent(progress)
    if reasoning is not None:
        return Decimal(reasoning) / 100
    if progress.attempt_id:
        return quiz_score(progress.attempt)
    return Decimal(1)


def passback_on_attempt_finished(attempt) -> None:
    """quizzes.hooks.attempt_finished: a finished quiz launched from a graded link owes its score now."""
    passbacks = Passback.objects.filter(attempt=attempt, status=Passback.Status.WAITING)
    if passbacks.exists():
        passbacks.update(score=quiz_score(attempt), finished=attempt.finished, status=Passback.Status.READY)
        passbacks_send(Passback.objects.owed().filter(attempt=attempt))


def passback_on_case_completed(progress: CaseProgress) -> None:
    """cases.services.case_completed: the take finished owes its score to the links that opened the case."""
    waiting = Passback.objects.filter(
        user_id=progress.learner_id, case_id=progress.case_id, status=Passback.Status.WAITING
    )
    waiting = waiting.filter(Q(progress__isnull=True) | Q(progress=progress))
    ids = list(waiting.values_list("pk", flat=True))
    if ids:
        Passback.objects.filter(pk__in=ids).update(
            progress=progress, score=case_score(progress), finished=progress.completed, status=Passback.Status.READY
        )
        passbacks_send(Passback.objects.owed().filter(pk__in=ids))


def passbacks_send(passbacks) -> tuple[int, int]:
    """Send each owed score; (sent, failed). One that fails stays owed for the next try (`manage.py lti_scores`)."""
    sent = failed = 0
    for passback in passbacks.select_related("platform"):
        if passback_send(passback):
            sent += 1
        else:
            failed += 1
    return sent, failed


def passback_send(passback: Passback) -> bool:
    """Post one score to its line item, once: a server claims it first (ready, or sending long enough ago that its
    sender must have stopped, becomes sending), so two servers, or a retry racing a finish, never both post it."""
    now = timezone.now()
    claimable = Passback.objects.owed(now).filter(pk=passback.pk)
    if not claimable.update(status=Passback.Status.SENDING, claimed=now, tries=F("tries") + 1, last_error=""):
        return False
    passback.refresh_from_db()
    try:
        grade = (
            Grade()
            .set_score_given(float(passback.score or 0) * 100)
            .set_score_maximum(100)
            .set_timestamp((passback.finished or now).isoformat())  # the platform keeps the latest by this time
            .set_activity_progress("Completed")
            .set_grading_progress("FullyGraded")
            .set_user_id(passback.subject)
        )
        _ags(passback).put_grade(grade)
    except Exception as error:  # noqa: BLE001 (whatever the platform or the library does, the score stays owed)
        refused = (
            isinstance(error, LtiServiceException)
            and 400 <= _status_of(error) < 500
            and _status_of(error)
            not in (
                401,
                408,
                429,
            )
        )
        status = Passback.Status.FAILED if refused or passback.tries >= Passback.MAX_TRIES else Passback.Status.READY
        log.warning("LTI score %s for %s not sent (%s): %s", passback.pk, passback.lineitem, status, error)
        Passback.objects.filter(pk=passback.pk).update(status=status, last_error=str(error)[:500] or repr(error))
        return False
    Passback.objects.filter(pk=passback.pk).update(status=Passback.Status.SENT, sent=timezone.now(), last_error="")
    return True


def _status_of(error: LtiServiceException) -> int:
    response = getattr(error, "response", None)
    return getattr(response, "status_code", 0) or 0


def _ags(passback: Passback) -> AssignmentsGradesService:
    connector = ServiceConnector(registration_for(passback.platform), requests_session=platform_session())
    scopes = passback.scopes if SCORE_SCOPE in passback.scopes else [*passback.scopes, SCORE_SCOPE]
    return AssignmentsGradesService(connector, {"scope": scopes, "lineitem": passback.lineitem})


# --- the roster (Names and Role Provisioning Services) ----------------------------------------------------------------


@dataclass(frozen=True)
class RosterSync:
    learners: int
    instructors: int
    left: int  # members the platform lists as no longer active, taken out of the cohort
    closed: int = 0  # members whose account here is closed, left as they are


NRPS_SCOPE = "https://purl.imsglobal.org/spec/lti-nrps/scope/contextmembership.readonly"


def roster_sync(*, course: Course) -> RosterSync:
    """Bring the course's members into its cohort: each gets the account linked to their platform user id (made if
    new, as a first launch would), learners as learners, instructors as the cohort's instructors (never more: a
    trusted platform's instructor becomes one of this site only by launching). Reading the roster happens before any
    write, so a platform that fails halfway changes nothing."""
    if not course.memberships_url:
        raise LaunchError("This course has not offered its roster yet: launch the tool from the course once.")
    connector = ServiceConnector(registration_for(course.platform), requests_session=platform_session())
    service = NamesRolesProvisioningService(
        connector, {"context_memberships_url": course.memberships_url, "service_versions": ["2.0"]}
    )
    try:
        members = service.get_members()
    except (LtiException, LtiServiceException, requests.RequestException, ValueError) as error:
        raise LaunchError(f"The course's roster could not be read: {error}") from None
    return _roster_apply(course, members)


@transaction.atomic
def _roster_apply(course: Course, members: list[dict]) -> RosterSync:
    learners = instructors = left = closed = 0
    cohort = course.cohort
    for member in members:
        subject = str(member.get("user_id") or "")
        if not subject:
            continue
        roles = [str(role) for role in member.get("roles") or []]
        if str(member.get("status") or "Active").lower() != "active":
            gone = User.objects.filter(lti_identities__platform=course.platform, lti_identities__subject=subject)
            cohort.learners.remove(*gone)
            cohort.instructors.remove(*gone)
            left += 1
            continue
        claims = LaunchClaims(
            subject=subject,
            message_type="",
            deployment_id="",
            roles=roles,
            name=str(member.get("name") or ""),
            given_name=str(member.get("given_name") or ""),
            family_name=str(member.get("family_name") or ""),
            email=str(member.get("email") or ""),
        )
        try:
            user = account_for(platform=course.platform, claims=claims)
        except AccountClosed:
            closed += 1
            continue
        instructor = is_instructor_role(roles)
        course_enrol(course=course, user=user, instructor=instructor)
        instructors += instructor
        learners += not instructor
    course.roster_synced = timezone.now()
    course.save(update_fields=["roster_synced"])
    return RosterSync(learners=learners, instructors=instructors, left=left, closed=closed)
