import json
import random
from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.template.defaultfilters import pluralize
from django.urls import reverse
from django.utils.html import strip_tags
from django.utils.text import Truncator
from django.views.decorators.http import require_GET, require_POST
from django_htmx.http import HttpResponseClientRedirect

from calcinosis.authoring import is_instructor
from calcinosis.models import Section
from quizzes import bodymap, calculated, hooks, selectors, services, versions
from quizzes.forms import AnswerForm, NoteForm, QuizBuilderForm
from quizzes.models import Attempt, AttemptQuestion, Flag, Kind, Note, Question, Response, ReviewCard
from quizzes.reports import back_to, report_file, report_form_context

REVIEW_SESSION_SIZE = 20
TIME_UP_NOTICE = "Time is up: your exam was submitted with the answers saved before the deadline, and marked."


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


def _closed(request: HttpRequest, attempt: Attempt) -> bool:
    """Whether the attempt is finished, closing it first (and saying so) if its time ran out."""
    if services.attempt_close_if_overdue(attempt=attempt):
        messages.warning(request, TIME_UP_NOTICE)
    return attempt.is_finished


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


SECTION_QUIZ_SIZE = 10


@login_required
@require_POST
def start_section(request: HttpRequest, slug: str) -> HttpResponse:
    """ "Quiz me on this section": a tutor quiz of up to 10 questions from one reference section, at random."""
    section = get_object_or_404(Section.objects.published(), slug=slug)
    ids = list(Question.objects.for_quizzes().filter(section=section).values_list("pk", flat=True))
    random.shuffle(ids)
    try:
        attempt = services.attempt_start(
            learner=request.user, topics=[], size=SECTION_QUIZ_SIZE, question_ids=ids[:SECTION_QUIZ_SIZE]
        )
    except services.QuizError:
        messages.info(request, f"There are no quiz questions on {section.title.lower()} yet.")
        return redirect(section.get_absolute_url())
    return redirect("quizzes:question", pk=attempt.pk, position=1)


RETRY_CHOICES = {"incorrect": "not fully right", "flagged": "flagged"}


@login_required
@require_POST
def retry(request: HttpRequest, pk: int) -> HttpResponse:
    """A new tutor quiz of a finished quiz's questions that were not fully right (unanswered included), or of those
    the learner has flagged, in the same order."""
    attempt = _attempt_for(request, pk)
    if elsewhere := _owned_elsewhere(attempt):
        return elsewhere
    if not attempt.is_finished:  # a running exam must not become a tutor quiz with its answers shown
        messages.info(request, "Finish the quiz first; then its questions can be retried.")
        return redirect("quizzes:attempt", pk=attempt.pk)
    which = request.POST.get("which")
    if which not in RETRY_CHOICES:
        return HttpResponseBadRequest("Say which questions to retry: incorrect or flagged.")
    ids = selectors.retry_questions(attempt, which)
    if not ids:
        messages.info(request, f"No questions of that quiz are {RETRY_CHOICES[which]}.")
        return redirect("quizzes:results", pk=attempt.pk)
    new = services.attempt_start(learner=request.user, topics=[], size=len(ids), question_ids=ids)
    return redirect("quizzes:question", pk=new.pk, position=1)


@login_required
@require_GET
def attempt_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """Resume: the first unanswered question, or the results once everything is answered or finished."""
    attempt = _attempt_for(request, pk)
    if elsewhere := _owned_elsewhere(attempt):
        return elsewhere
    if _closed(request, attempt):
        return redirect("quizzes:results", pk=attempt.pk)
    return redirect("quizzes:question", pk=attempt.pk, position=selectors.resume_position(attempt))


def _question_page(request, attempt, slot, response, *, chosen=None, card=None, form=None, error=None) -> dict:
    """The question page's context: the selector's reads, plus the forms this request shows."""
    context = selectors.question_page(
        attempt=attempt, slot=slot, learner=request.user, response=response, chosen=chosen, card=card
    )
    question = slot.question
    editable = context["editable"] and response is not None
    initial = {"certainty": response.certainty, "value": response.value} if editable else None
    form = form or AnswerForm(question=question, initial=initial)
    # What the learner ticked before a refused answer, or the exam answer they may still change, shown again.
    if form.is_bound:
        form_chosen = {int(v) for v in form.data.getlist("choice") if v.isdigit()}
    else:
        form_chosen = set(context["chosen"]) if editable else set()
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
        messages.warning(request, TIME_UP_NOTICE)
        return redirect("quizzes:results", pk=attempt.pk)
    slot = _slot_for(attempt, position)
    services.slot_values(slot, slot.question)  # a calculated question's values, drawn now if the slot has none
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
                if not request.htmx:  # the whole page goes to the results, with the notice in view
                    messages.warning(request, TIME_UP_NOTICE)
                    return redirect("quizzes:results", pk=attempt.pk)
                error, status = services.TIME_UP, 409
                attempt.refresh_from_db(fields=["finished"])
            elif attempt.mode == Attempt.Mode.EXAM and not (recorded.created or recorded.changed):
                # Submitted in another tab meanwhile: nothing was saved, and the learner is told so.
                messages.warning(request, "This exam has been submitted, so its answers can no longer change.")
                url = reverse("quizzes:results", args=[attempt.pk])
                return HttpResponseClientRedirect(url) if request.htmx else redirect(url)
            elif attempt.mode == Attempt.Mode.EXAM:
                return _after_exam_save(request, attempt, position, changed=recorded.changed)
            elif not request.htmx:
                return redirect("quizzes:question", pk=attempt.pk, position=position)
            else:
                # Rendered from what the service returned: the answer is not read back.
                context = _question_page(
                    request, attempt, slot, recorded.response, chosen=recorded.chosen, card=recorded.card
                )
                return render(request, "quizzes/question.html#card", context)
    response = selectors.response_to(attempt, slot.question)
    context = _question_page(request, attempt, slot, response, form=form, error=error)
    template = "quizzes/question.html#card" if request.htmx else "quizzes/question.html"
    return render(request, template, context, status=status)


def _after_exam_save(request: HttpRequest, attempt: Attempt, position: int, *, changed: bool) -> HttpResponse:
    """Where "Save and next", "Save" and "Save and review" go once an exam answer is stored."""
    messages.success(request, f"Answer to question {position} {'changed' if changed else 'saved'}.")
    go = request.POST.get("go")
    if go == "next" and AttemptQuestion.objects.filter(attempt=attempt, position=position + 1).exists():
        url = reverse("quizzes:question", args=[attempt.pk, position + 1])
    elif go in ("next", "submit"):
        url = reverse("quizzes:submit", args=[attempt.pk])
    else:
        url = reverse("quizzes:question", args=[attempt.pk, position])
    return HttpResponseClientRedirect(url) if request.htmx else redirect(url)


@login_required
@require_POST
def mark(request: HttpRequest, pk: int, position: int) -> HttpResponse:
    """Mark a question for review before submitting (or unmark it); the form says the state it wants."""
    attempt = _attempt_for(request, pk)
    if elsewhere := _owned_elsewhere(attempt):
        return elsewhere
    wanted = request.POST.get("marked")
    if wanted not in ("0", "1"):
        return HttpResponseBadRequest("Say whether to mark the question (marked=1) or not (marked=0).")
    try:
        slot = services.slot_mark(attempt=attempt, position=position, marked=wanted == "1")
    except services.QuizError as failure:
        return HttpResponse(failure.message, status=failure.status, content_type="text/plain; charset=utf-8")
    if request.htmx:
        context = {"attempt": attempt, "slot": slot, "navigator": selectors.attempt_navigator(attempt), "oob": True}
        return render(request, "quizzes/_mark.html", context)
    return redirect("quizzes:question", pk=attempt.pk, position=position)


@login_required
@require_GET
def submit(request: HttpRequest, pk: int) -> HttpResponse:
    """Before finishing: how many are answered, which are not and which are marked, and a button to confirm."""
    attempt = _attempt_for(request, pk)
    if elsewhere := _owned_elsewhere(attempt):
        return elsewhere
    if _closed(request, attempt):
        return redirect("quizzes:results", pk=attempt.pk)
    return render(request, "quizzes/submit.html", selectors.attempt_summary(attempt))


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
    context = selectors.attempt_results(attempt)
    show = request.GET.get("show", "all")
    context["show"] = show if show in ("all", "incorrect") else "all"
    context["missed"] = [item for item in context["items"] if not item["response"] or item["response"].score < 1]
    if context["show"] == "incorrect":
        context["shown_items"] = context["missed"]
    else:
        context["shown_items"] = context["items"]
    return render(request, "quizzes/results.html", context)


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
    panels = [panel for source in hooks.progress_panels if (panel := source(request))]
    return render(request, "quizzes/progress.html", selectors.learner_progress(request.user) | {"panels": panels})


@login_required
@require_GET
def review(request: HttpRequest) -> HttpResponse:
    context = selectors.review_queue(request.user) | {
        "forecast": selectors.review_forecast(request.user),
        "session_size": REVIEW_SESSION_SIZE,
        "weakest": selectors.weakest_topic(request.user),  # what to do when nothing is due (read always: one cost)
    }
    return render(request, "quizzes/review.html", context)


@login_required
@require_POST
def review_rate(request: HttpRequest, pk: int) -> HttpResponse:
    """Rate the review an answer made otherwise: Again, Hard, Good or Easy, as on Anki's buttons."""
    answer = get_object_or_404(Response.objects.select_related("attempt"), pk=pk, attempt__learner=request.user)
    try:
        rating = int(request.POST.get("rating", ""))
    except ValueError:
        rating = 0
    try:
        card = services.review_rerate(learner=request.user, response=answer, rating=rating)
    except services.QuizError as failure:
        return HttpResponse(failure.message, status=failure.status, content_type="text/plain; charset=utf-8")
    if request.htmx:
        context = {"review": selectors.review_choice(request.user, answer, card), "next": request.POST.get("next", "")}
        return render(request, "quizzes/_rating.html", context)
    return back_to(request, reverse("quizzes:review"))


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


# an instructor's preview


@login_required
def question_preview(request: HttpRequest, pk: int) -> HttpResponse:
    """An instructor answers a question as a learner would, and sees its feedback; nothing is recorded."""
    if not is_instructor(request.user):
        raise PermissionDenied("Instructors only.")
    if request.method not in ("GET", "POST"):
        return HttpResponse(status=405, headers={"Allow": "GET, POST"})
    question = get_object_or_404(Question.objects.select_related("section").prefetch_related("choices"), pk=pk)
    values = _preview_values(request, question)
    options = versions.in_display_order(
        [c for c in question.choices.all() if not c.is_retired], kind=question.kind, seed=f"preview:{question.pk}"
    )
    form = AnswerForm(request.POST if request.method == "POST" else None, question=question)
    result = None
    if form.is_bound and form.is_valid():
        try:
            result = services.answer_preview(
                question=question, choice_ids=form.choice_ids(), value=form.cleaned_data.get("value"), values=values
            )
        except services.QuizError as failure:
            form.add_error(failure.field, failure.message)
    chosen = {int(v) for v in request.POST.getlist("choice") if v.isdigit()}
    context = {
        "question": question,
        "options": options,
        "form": form,
        "result": result,
        "values": values,
        "values_json": json.dumps(values) if values else "",
        "form_chosen": chosen,
        "regions": bodymap.regions(options, chosen, False) if question.kind == Kind.BODYMAP else [],
        "figure": bodymap.figure() if question.kind == Kind.BODYMAP else None,
        "stem_html": calculated.fill(question.stem_html, values) if values else question.stem_html,
        "working": f"{calculated.working(question.formula, values)} = {result.answer}" if result and values else "",
    }
    return render(request, "quizzes/preview.html", context, status=400 if form.errors else 200)


def _preview_values(request: HttpRequest, question: Question) -> dict | None:
    """A calculated question's values for a preview: those drawn when it opened (sent back with the answer), checked
    to be numbers the formula needs, else drawn now."""
    if question.kind != Kind.CALCULATED:
        return None
    try:
        sent = json.loads(request.POST.get("values", ""))
        if calculated.complete(question.formula, sent) and all(Decimal(str(sent[n])).is_finite() for n in sent):
            return {name: str(value) for name, value in sent.items()}
    except (ValueError, TypeError, ArithmeticError, AttributeError):
        pass
    return calculated.draw(question.variables, formula=question.formula)
