from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Exists, OuterRef
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.template.defaultfilters import pluralize
from django.urls import reverse
from django.utils.html import strip_tags
from django.utils.text import Truncator
from django.views.decorators.http import require_GET, require_POST

from quizzes import bodymap, hooks, selectors, services
from quizzes.forms import AnswerForm, NoteForm, QuizBuilderForm
from quizzes.models import Attempt, AttemptQuestion, Flag, Note, Question, ReviewCard
from quizzes.reports import back_to, report_file, report_form_context

REVIEW_SESSION_SIZE = 20


def _attempt_for(request: HttpRequest, pk: int) -> Attempt:
    """The learner's own attempt, or 404: another learner's attempt is not even acknowledged to exist."""
    return get_object_or_404(Attempt, pk=pk, learner=request.user)


def _slot_for(attempt: Attempt, position: int) -> AttemptQuestion:
    slot = selectors.slot_at(attempt, position)
    if slot is None:
        raise Http404("No such question in this quiz.")
    policy = hooks.policy_for(attempt)
    if policy and not policy.question_is_open(attempt, slot.question_id):
        # A case question stays closed until the case reaches it, so its answer cannot be seen early by URL.
        raise Http404("This question opens later.")
    return slot


def _owned_elsewhere(attempt: Attempt) -> HttpResponse | None:
    """An attempt another app owns (a case's) is taken and resumed from its page, never finished or marked here."""
    home = selectors.attempt_home(attempt)
    return redirect(home.url) if home else None


# quizzes


@login_required
@require_GET
def index(request: HttpRequest) -> HttpResponse:
    context = {
        "form": QuizBuilderForm(initial=selectors.last_quiz_choices(request.user)),
        "unfinished": selectors.unfinished_quizzes(request.user),
        "bank": selectors.bank_counts(),
    }
    return render(request, "quizzes/index.html", context)


@login_required
@require_POST
def start(request: HttpRequest) -> HttpResponse:
    form = QuizBuilderForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            attempt = services.attempt_start(
                learner=request.user,
                topics=data["topics"],
                size=data["size"],
                pool=data["pool"],
                mode=data["mode"],
                time_limit_minutes=data["time_limit"] if data["mode"] == Attempt.Mode.EXAM else None,
            )
        except services.QuizError as error:
            form.add_error(None, error.message)
        else:
            drawn = attempt.slots.count()
            if drawn < data["size"]:
                messages.info(request, f"Only {drawn} question{pluralize(drawn)} matched, so this quiz has {drawn}.")
            return redirect(reverse("quizzes:question", args=[attempt.pk, 1]))
    context = {"form": form, "unfinished": [], "bank": selectors.bank_counts()}
    return render(request, "quizzes/index.html", context, status=400)


@login_required
@require_GET
def attempt_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """Resume: the first unanswered question, or the results once everything is answered or finished."""
    attempt = _attempt_for(request, pk)
    if elsewhere := _owned_elsewhere(attempt):
        return elsewhere
    services.attempt_close_if_overdue(attempt=attempt)
    if attempt.is_finished:
        return redirect("quizzes:results", pk=attempt.pk)
    return redirect("quizzes:question", pk=attempt.pk, position=selectors.resume_position(attempt))


def _question_page(request, attempt, slot, response, *, chosen=None, form=None, error=None) -> dict:
    """The question page's context: the selector's reads, plus the forms this request shows."""
    context = selectors.question_page(
        attempt=attempt, slot=slot, learner=request.user, response=response, chosen=chosen
    )
    question = slot.question
    form = form or AnswerForm(question=question)
    # What the learner ticked before a refused answer, so the page shows it again.
    form_chosen = {int(v) for v in form.data.getlist("choice") if v.isdigit()} if form.is_bound else set()
    bodymap_page = question.kind == "bodymap"
    return context | {
        "form": form,
        "form_chosen": form_chosen,
        "error": error,
        "regions": bodymap.regions(context["options"], context["chosen"] or form_chosen, context["show_feedback"])
        if bodymap_page
        else [],
        "figure": bodymap.figure() if bodymap_page else None,
        "note_form": NoteForm(initial={"text": context["note"]}),
        "report": report_form_context(
            action=reverse("quizzes:question-report", args=[question.pk]), dom_id=f"report-question-{question.pk}"
        )["report"],
    }


@login_required
@require_GET
def question(request: HttpRequest, pk: int, position: int) -> HttpResponse:
    attempt = _attempt_for(request, pk)
    if services.attempt_close_if_overdue(attempt=attempt):
        messages.info(request, "Time is up: the quiz has been finished and marked.")
        return redirect("quizzes:results", pk=attempt.pk)
    slot = _slot_for(attempt, position)
    response = selectors.response_to(attempt, slot.question)
    return render(request, "quizzes/question.html", _question_page(request, attempt, slot, response))


@login_required
@require_POST
def answer(request: HttpRequest, pk: int, position: int) -> HttpResponse:
    attempt = _attempt_for(request, pk)
    slot = _slot_for(attempt, position)
    form = AnswerForm(request.POST, question=slot.question)
    error, status = None, 400
    if not form.is_valid() and services.attempt_close_if_overdue(attempt=attempt):
        error, status = services.TIME_UP, 409  # time ran out: that says more than a badly typed answer would
    elif form.is_valid():
        try:
            recorded = services.response_record(
                attempt=attempt,
                question=slot.question,
                choice_ids=form.choice_ids(),
                value=form.cleaned_data.get("value"),
                certainty=form.cleaned_data["certainty"],
            )
        except services.QuizError as failure:
            if failure.field:
                form.add_error(failure.field, failure.message)
            else:
                error = failure.message
            status = failure.status
        else:
            if recorded.time_up:
                error, status = services.TIME_UP, 409
                attempt.refresh_from_db(fields=["finished"])
            elif not request.htmx:
                return redirect("quizzes:question", pk=attempt.pk, position=position)
            else:
                # Rendered from what the service returned: the answer is not read back.
                context = _question_page(request, attempt, slot, recorded.response, chosen=recorded.chosen)
                return render(request, "quizzes/question.html#card", context)
    response = selectors.response_to(attempt, slot.question)
    context = _question_page(request, attempt, slot, response, form=form, error=error)
    template = "quizzes/question.html#card" if request.htmx else "quizzes/question.html"
    return render(request, template, context, status=status)


@login_required
@require_POST
def finish(request: HttpRequest, pk: int) -> HttpResponse:
    attempt = _attempt_for(request, pk)
    if elsewhere := _owned_elsewhere(attempt):
        return elsewhere
    services.attempt_finish(attempt=attempt)
    return redirect("quizzes:results", pk=attempt.pk)


@login_required
@require_GET
def results(request: HttpRequest, pk: int) -> HttpResponse:
    attempt = _attempt_for(request, pk)
    if elsewhere := _owned_elsewhere(attempt):
        return elsewhere
    services.attempt_close_if_overdue(attempt=attempt)
    if not attempt.is_finished:
        messages.info(request, "Finish the quiz to see its results.")
        return redirect("quizzes:attempt", pk=attempt.pk)
    return render(request, "quizzes/results.html", selectors.attempt_results(attempt))


# flags and notes


def _question_for(pk: int) -> Question:
    return get_object_or_404(Question.objects.published(), pk=pk)


@login_required
@require_POST
def flag(request: HttpRequest, pk: int) -> HttpResponse:
    question = _question_for(pk)
    wanted = request.POST.get("flagged")
    if wanted not in ("0", "1"):
        return HttpResponseBadRequest("Say whether to flag the question (flagged=1) or not (flagged=0).")
    # The form says the state it wants, not "toggle", so a double click or a resubmission lands in one state.
    flagged = wanted == "1"
    if flagged:
        Flag.objects.get_or_create(learner=request.user, question=question)
    else:
        Flag.objects.filter(learner=request.user, question=question).delete()
    if request.htmx:
        return render(request, "quizzes/_flag.html", {"question": question, "flagged": flagged, "next": ""})
    return back_to(request, reverse("quizzes:index"))


@login_required
@require_POST
def note(request: HttpRequest, pk: int) -> HttpResponse:
    question = _question_for(pk)
    form = NoteForm(request.POST)
    saved = form.is_valid()
    if saved:
        text = form.cleaned_data["text"].strip()
        if text:
            Note.objects.update_or_create(learner=request.user, question=question, defaults={"text": text})
        else:
            Note.objects.filter(learner=request.user, question=question).delete()
    status = 200 if saved else 400
    if request.htmx:
        context = {"question": question, "note_form": form, "saved": saved}
        return render(request, "quizzes/_note.html", context, status=status)
    if not saved:
        return HttpResponse(" ".join(form.errors["text"]), status=400, content_type="text/plain; charset=utf-8")
    return back_to(request, reverse("quizzes:index"))


# problem reports


@login_required
@require_POST
def question_report(request: HttpRequest, pk: int) -> HttpResponse:
    """Report a problem on a question the learner has met in one of their quizzes or cases."""
    seen = AttemptQuestion.objects.filter(question=OuterRef("pk"), attempt__learner=request.user)
    question = get_object_or_404(Question.objects.published().filter(Exists(seen)), pk=pk)
    action = reverse("quizzes:question-report", args=[question.pk])
    # What the learner saw, not the slug: the start of the stem, and its topic.
    label = f"{question.get_topic_display()} question: “{Truncator(strip_tags(question.stem_html)).words(10)}”"
    dom_id = f"report-question-{question.pk}"
    return report_file(
        request, target=question, label=label, action=action, dom_id=dom_id, fallback=reverse("quizzes:progress")
    )


# progress and review


@login_required
@require_GET
def progress(request: HttpRequest) -> HttpResponse:
    return render(request, "quizzes/progress.html", selectors.learner_progress(request.user))


@login_required
@require_GET
def review(request: HttpRequest) -> HttpResponse:
    context = selectors.review_queue(request.user) | {
        "session_size": REVIEW_SESSION_SIZE,
        "weakest": selectors.weakest_topic(request.user),  # what to do when nothing is due (read always: one cost)
    }
    return render(request, "quizzes/review.html", context)


@login_required
@require_POST
def review_start(request: HttpRequest) -> HttpResponse:
    due_ids = list(
        ReviewCard.objects.due(request.user)
        .filter(question__is_published=True)
        .values_list("question_id", flat=True)[:REVIEW_SESSION_SIZE]
    )
    try:
        attempt = services.attempt_start(
            learner=request.user, topics=[], size=REVIEW_SESSION_SIZE, mode=Attempt.Mode.REVIEW, question_ids=due_ids
        )
    except services.QuizError:
        messages.info(request, "Nothing is due for review right now.")
        return redirect("quizzes:review")
    return redirect("quizzes:question", pk=attempt.pk, position=1)
