"""Case vignettes in a real browser: a learner works through a case; an instructor authors one in admin."""

import re

from django.contrib.auth.models import Group
from playwright.sync_api import expect

from cases.models import Case, CaseProgress, Commitment
from quizzes.models import Response
from tests.browser.conftest import PHONE, axe_violations, commit_decision, layout_problems, log_in, screenshot
from tests.every_page import case_pages
from tests.factories import UserFactory


def test_a_learner_works_through_a_case(page):
    UserFactory(username="learner")
    log_in(page, "learner")
    case = Case.objects.published().filter(questions__isnull=False, stages__decision__gt="").distinct().first()
    page.goto("/cases/")
    page.get_by_role("link", name=case.title).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(case.title)
    assert not CaseProgress.objects.exists()  # opening the case starts nothing
    assert axe_violations(page) == []
    url = page.url
    stages = list(case.stages.all())
    committed = False
    for stage in stages:
        # The first stage comes with the start ("Start: reveal the history"), in one click.
        page.get_by_role("button", name=re.compile("^(Start: r|R)eveal the")).click()
        expect(page.locator(".case-stage")).to_have_count(stage.order)
        heading = page.locator(f"#stage-{stage.order}-heading")
        expect(heading).to_contain_text(stage.title)
        expect(heading).to_be_focused()
        assert page.url == url  # swapped in place
        if stage.decision:
            expect(page.get_by_role("button", name=re.compile("^Reveal the"))).to_have_count(0)
            commit_decision(page)
            expect(page.locator(f"#stage-{stage.order}")).to_contain_text("You committed to:")
            committed = True
        if committed and stage.order >= 2:
            break
    screenshot(page, "case-in-progress")
    assert CaseProgress.objects.count() == 1
    assert Commitment.objects.count() >= 1 and CaseProgress.objects.get().revealed >= 2
    # A case question on its own page (the link beside the inline form, as without script): answer it, come back.
    reveal = page.get_by_role("button", name=re.compile("^Reveal the"))
    while not page.locator(".case-answer-form").count():
        if page.locator(".decision-form").count():
            commit_decision(page)
            continue
        shown = page.locator(".case-stage").count()
        reveal.click()
        expect(page.locator(".case-stage")).to_have_count(shown + 1)
    page.get_by_role("link", name=re.compile("^Open it on its own page")).first.click()
    if page.locator(".answer-form input[name=value]").count():
        page.locator(".answer-form input[name=value]").fill("70")
    else:
        page.locator(".answer-form input[name=choice]").first.check()
    page.get_by_role("button", name="Submit answer").click()
    expect(page.locator(".feedback-headline")).to_contain_text(re.compile("Correct|Incorrect|Partly correct"))
    assert Response.objects.count() == 1
    page.get_by_role("link", name="Back to the case").click()
    expect(page.get_by_text(re.compile("^Answered:"))).to_be_visible()
    assert page.csp_errors == []


def test_an_instructor_authors_a_case_that_a_learner_completes(page, browser, live_server):
    instructor = UserFactory(username="teacher", is_staff=True)
    instructor.groups.add(Group.objects.get(name="Instructors"))
    log_in(page, "teacher")
    page.goto("/admin/cases/case/add/")
    page.locator("#id_title").fill("Lumps after a drip")
    page.locator("#id_presentation").fill("A man noticed **hard lumps** where his drip had been.")
    page.locator("#id_objectives").fill("- Recognise an iatrogenic cause")
    page.locator("#id_debrief").fill("Calcium leaked from the drip: iatrogenic.")
    for n in range(2):
        page.get_by_role("button", name="Add another Stage").click()
        stage = page.locator(f"#stages-{n}")
        stage.get_by_label("Order:").fill(str(n + 1))
        stage.get_by_label("Kind:").select_option("history" if n == 0 else "outcome")
        stage.get_by_label("Title:").fill(["The drip", "Follow-up"][n])
        stage.get_by_label("Body:").fill(["Intravenous calcium gluconate leaked.", "The lumps faded."][n])
    first = page.locator("#stages-0")
    first.get_by_label("Decision:").select_option("type")
    first.get_by_label("Expert's answer: a type:").select_option(label="Iatrogenic")
    first.get_by_label("Decision prompt:").fill("Which type?")
    first.get_by_label("Expert reasoning:").fill("An agent containing calcium was given.")
    page.get_by_role("button", name="Save and continue editing").click()
    expect(page.locator(".messagelist")).to_contain_text("was added successfully")
    case = Case.objects.get(title="Lumps after a drip")
    # The question, with its options, on its own admin page, tied to the case.
    page.goto("/admin/quizzes/question/add/")
    page.locator("#id_slug").fill("drip-question")
    page.locator("#id_topic").select_option("type")
    page.locator("#id_stem").fill("Which type of calcinosis is this?")
    page.locator("#id_teaching_point").fill("Calcium given into tissue can precipitate there.")
    for n, (text, right) in enumerate([("Iatrogenic", True), ("Metastatic", False)]):
        page.get_by_role("button", name="Add another Choice").click()
        row = page.locator(f"#choices-{n}")
        row.locator(f"input[name='choices-{n}-text']").fill(text)
        if right:
            row.locator(f"input[name='choices-{n}-is_correct']").check()
    page.locator("#id_case").select_option(str(case.pk))
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(".messagelist")).to_contain_text("saved with its options")  # and back on the case's page
    assert page.url.endswith(f"/admin/cases/case/{case.pk}/change/")
    page.locator("#id_is_published").check()
    page.get_by_role("button", name="Save and continue editing").click()
    expect(page.locator(".messagelist")).to_contain_text("was changed successfully")
    screenshot(page, "admin-case")

    learner_context = browser.new_context(base_url=live_server.url)
    learner_page = learner_context.new_page()
    UserFactory(username="student")
    log_in(learner_page, "student")
    learner_page.goto("/cases/")
    learner_page.get_by_role("link", name="Lumps after a drip").click()
    learner_page.get_by_role("button", name="Start: reveal the history").click()
    learner_page.locator(".decision-form").get_by_label("Iatrogenic").check()
    learner_page.get_by_role("button", name="Commit").click()
    learner_page.get_by_role("button", name="Reveal the outcome").click()
    expect(learner_page.get_by_role("heading", name="Debrief")).to_be_visible()
    expect(learner_page.get_by_text("Your reasoning score: 100%")).to_be_visible()
    screenshot(learner_page, "case-debrief")
    learner_context.close()


def test_a_case_starts_without_javascript(browser, live_server):
    UserFactory(username="learner")
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    page = context.new_page()
    log_in(page, "learner")
    case = Case.objects.published().first()
    page.goto(case.get_absolute_url())
    page.get_by_role("button", name=re.compile("^Start: reveal the")).click()
    expect(page.locator("#stage-1")).to_be_visible()
    assert page.url.endswith(f"{case.get_absolute_url()}#stage-1") and CaseProgress.objects.count() == 1
    context.close()


def test_case_pages_pass_axe_on_a_phone(page):
    learner = UserFactory(username="learner")
    log_in(page, "learner")
    page.set_viewport_size(PHONE)
    failures = {}
    for path in case_pages(learner):
        page.goto(path)
        violations = layout_problems(page, PHONE["width"])
        if violations:
            failures[path] = violations
        screenshot(page, f"phone-{path.strip('/').replace('/', '-')}")
    assert failures == {}, failures
