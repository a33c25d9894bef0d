"""The LTI 1.3 endpoints a platform calls (keys, OIDC login, launch) and the pages an instructor reaches from them
(choosing what a new course link opens, syncing a course's roster)."""

from urllib.parse import urlsplit

from django.contrib import messages
from django.contrib.auth import login
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from pylti1p3.contrib.django import DjangoMessageLaunch, DjangoOIDCLogin
from pylti1p3.deep_link_resource import DeepLinkResource
from pylti1p3.exception import LtiException, OIDCException
from pylti1p3.lineitem import LineItem

from calcinosis.authoring import TEACHES_SESSION_KEY
from lti import claims as lti_claims
from lti import services, targets
from lti.cookies import LtiCookieService
from lti.forms import DeepLinkForm
from lti.keys import jwks as tool_jwks
from lti.models import Course
from lti.toolconf import DatabaseToolConf, OneTimeNonceSession, message_launch, platform_for
from teach.access import teacher_required
from teach.models import Cohort

SESSION_KEY = "lti"  # {"platform": pk, "origins": [...]}: this session began with a launch (lti.middleware)


def _refused(request: HttpRequest, message: str, status: int = 400) -> HttpResponse:
    return render(request, "lti/refused.html", {"message": message}, status=status)


@require_GET
def jwks(request: HttpRequest) -> JsonResponse:
    return JsonResponse(tool_jwks())


@csrf_exempt  # the platform's page posts here, with no token of ours: the OIDC state and nonce protect the flow
@require_http_methods(["GET", "POST"])
def oidc_login(request: HttpRequest) -> HttpResponse:
    """Step 1 of a launch (OIDC third-party initiated login): send the browser back to the platform to authenticate,
    with a state kept in a cookie and a nonce kept in the session."""
    session = OneTimeNonceSession(request)
    login_flow = DjangoOIDCLogin(
        request, DatabaseToolConf(), session_service=session, cookie_service=LtiCookieService(request)
    )
    try:
        return login_flow.redirect(request.build_absolute_uri(reverse("lti:launch")))
    except (OIDCException, LtiException) as error:
        return _refused(request, f"The LMS's sign-in request could not be used: {error}.")


@csrf_exempt  # the platform posts the id_token here; its signature, state and nonce are what is checked
@require_POST
def launch(request: HttpRequest) -> HttpResponse:
    """Step 2: check the platform's signed id_token, sign the person in, put them in the course's cohort, and open
    what the link names (or, for an instructor adding a link, the page to choose it)."""
    flow = message_launch(request, cookie_service=LtiCookieService(request))
    try:
        body = flow.get_launch_data()
    except LtiException as error:
        return _refused(request, f"The launch could not be checked: {error}.")
    except (AttributeError, TypeError, KeyError, ValueError):  # a token whose body is not a JSON object, say
        return _refused(request, "The launch could not be checked: its token is not an LTI message.")
    claims = lti_claims.read(dict(body))
    platform = platform_for(flow.get_iss(), flow.get_client_id())
    if platform is None:
        return _refused(request, "This platform is no longer registered here.")
    if problem := lti_claims.problem(claims):
        return _refused(request, problem)
    if claims.is_deep_linking and not claims.is_instructor:
        return _refused(request, "Only the course's instructors add links to this tool.", status=403)
    try:
        user = services.account_for(platform=platform, claims=claims)
    except services.LaunchError as error:
        return _refused(request, str(error), status=403)
    if claims.is_instructor and platform.trust_instructors:
        services.instructor_make(user)
    login(request, user, backend="django.contrib.auth.backends.ModelBackend")
    request.session[SESSION_KEY] = {"platform": platform.pk, "origins": sorted(platform.origins())}
    if claims.is_instructor:
        request.session[TEACHES_SESSION_KEY] = True  # the navigation offers the teaching dashboard
    course = services.course_for(platform=platform, claims=claims)
    if course is not None:
        services.course_enrol(course=course, user=user, instructor=claims.is_instructor)
    if claims.is_deep_linking:
        launch_id = flow.get_launch_id()
        request.session[launch_id] = dict(body)  # logging in may have made a new session: keep the launch in it
        return redirect("lti:deep-link", launch_id=launch_id)
    try:
        target = targets.parse(claims.target)
        if claims.is_instructor and course is not None:
            return _instructor_home(request, target, course)
        opened = services.target_open(target=target, user=user, platform=platform, claims=claims)
    except (targets.TargetError, services.LaunchError) as error:
        return _refused(request, str(error))
    return redirect(opened.url)


def _instructor_home(request: HttpRequest, target: targets.Target, course: Course) -> HttpResponse:
    """An instructor following a course link lands on the course's cohort, with what the link opens for learners."""
    messages.info(
        request, f"You opened a link of {course.title} as its instructor. For learners it opens {target.label}."
    )
    return redirect(f"{reverse('teach:dashboard')}?cohort={course.cohort_id}")


def _deep_link_flow(request: HttpRequest, launch_id: str):
    """The instructor's own deep-linking launch, from this session; None for anyone else's or an expired one."""
    body = request.session.get(launch_id) if launch_id.startswith("lti1p3-launch-") else None
    if not isinstance(body, dict):
        return None
    try:
        flow = DjangoMessageLaunch.from_cache(
            launch_id,
            request,
            DatabaseToolConf(),
            session_service=OneTimeNonceSession(request),
            cookie_service=LtiCookieService(request),
        )
    except LtiException:
        return None
    return flow if flow.is_deep_link_launch() else None


@require_http_methods(["GET", "POST"])
@teacher_required
def deep_link(request: HttpRequest, launch_id: str) -> HttpResponse:
    """Choose what the course's new link opens (a case, a quiz of chosen topics, size and mode, or review), then
    return it to the platform as a content item, with a gradebook column when it is graded."""
    flow = _deep_link_flow(request, launch_id)
    if flow is None:
        return _refused(request, "This choice has expired: add the link again from your course.", status=404)
    form = DeepLinkForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        target, title, graded = form.target(), form.cleaned_data["title"], form.cleaned_data["graded"]
        resource = (
            DeepLinkResource()
            .set_url(request.build_absolute_uri(reverse("lti:launch")))
            .set_title(title)
            .set_custom_params({"target": str(target)})
        )
        if graded and target.is_gradable:
            resource.set_lineitem(
                LineItem().set_score_maximum(100).set_label(title).set_resource_id(str(target)).set_tag("calcinosis")
            )
        return_url = lti_claims.read(flow.get_launch_data()).deep_link_return_url  # checked at the launch
        jwt = flow.get_deep_link().get_response_jwt([resource])
        request.session.pop(launch_id, None)
        response = render(request, "lti/deep_link_return.html", {"return_url": return_url, "jwt": jwt})
        response._csp_update = {"form-action": [_origin(return_url)]}
        return response
    return render(request, "lti/deep_link.html", {"form": form, "launch_id": launch_id})


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


@require_POST
@teacher_required
def roster_sync(request: HttpRequest, pk: int) -> HttpResponse:
    """Bring an LMS course's roster into its cohort (Names and Role Provisioning Services)."""
    course = get_object_or_404(Course.objects.select_related("platform", "cohort"), pk=pk)
    get_object_or_404(Cohort.objects.taught_by(request.user), pk=course.cohort_id)
    try:
        result = services.roster_sync(course=course)
    except services.LaunchError as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request,
            f"Roster synced: {result.learners} learner{'s' if result.learners != 1 else ''} and "
            f"{result.instructors} instructor{'s' if result.instructors != 1 else ''}"
            + (f"; {result.left} no longer active, taken out" if result.left else "")
            + (f"; {result.closed} with a closed account here, left out" if result.closed else "")
            + ".",
        )
    return redirect(f"{reverse('teach:dashboard')}?cohort={course.cohort_id}#cohort-heading")
