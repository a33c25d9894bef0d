"""An instructor authors a case question with its options from the case's page, and previews it as a learner."""

from django.contrib.auth.models import Group
from playwright.sync_api import expect

from cases.models import Case
from quizzes.models import Attempt, Question, Response
from tests.browser.conftest import DESKTOP, PHONE, layout_problems, log_in, screenshot
from tests.factories import UserFactory


def test_an_instructor_adds_a_case_question_with_its_options_and_previews_it(page):
    UserFactory(username="author", is_staff=True).groups.add(Group.objects.get(name="Instructors"))
    case = Case.objects.get(slug="pianist-fingertip-lumps")
    log_in(page, "author")
    page.goto(f"/admin/cases/case/{case.pk}/change/")
    page.get_by_role("link", name="Add a question to this case, with its options").click()
    page.get_by_label("Topic:").select_option("management")  # before the slug, which the topic prefills
    page.get_by_label("Slug:").fill("pianist-new-question")
    page.get_by_label("Stem:").fill("Which first step protects her fingertips?")
    page.get_by_label("Teaching point:").fill("Protect the fingers from cold and trauma.")
    page.get_by_label("Stage:").select_option(label="2. " + case.stages.get(order=2).title)
    for i, (text, right) in enumerate(
        [("Protection from cold and trauma", True), ("Amputation", False), ("High-dose vitamin D", False)]
    ):
        page.locator(f"#id_choices-{i}-text").fill(text)
        page.locator(f"#id_choices-{i}-explanation").fill("Because." if right else "No.")
        if right:
            page.locator(f"#id_choices-{i}-is_correct").check()
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_text("saved with its options")).to_be_visible()
    assert page.url.endswith(f"/admin/cases/case/{case.pk}/change/")
    question = Question.objects.get(slug="pianist-new-question")
    assert question.case == case and question.choices.count() == 3

    with page.context.expect_page() as opened:
        page.get_by_role("link", name="Preview as a learner").last.click()
    preview = opened.value
    preview.wait_for_load_state()
    expect(preview.get_by_text("Nothing is recorded.")).to_be_visible()
    failures = {}
    for size_name, size in (("phone", PHONE), ("desktop", DESKTOP)):
        preview.set_viewport_size(size)
        if problems := layout_problems(preview, size["width"]):
            failures[f"question {size_name}"] = problems
    preview.get_by_role("radio", name="Protection from cold and trauma").check()
    preview.get_by_role("button", name="Check the answer").click()
    expect(preview.locator(".feedback-headline")).to_contain_text("Correct")
    expect(preview.get_by_text("Protect the fingers from cold and trauma.")).to_be_visible()
    screenshot(preview, "preview-question-answered")
    if problems := layout_problems(preview, DESKTOP["width"]):
        failures["answered"] = problems
    preview.goto(f"/cases/{case.slug}/preview/")
    expect(preview.get_by_text("Which first step protects her fingertips?")).to_be_visible()
    for size_name, size in (("phone", PHONE), ("desktop", DESKTOP)):
        preview.set_viewport_size(size)
        if problems := layout_problems(preview, size["width"]):
            failures[f"case {size_name}"] = problems
    assert failures == {}, failures
    assert not Attempt.objects.exists() and not Response.objects.exists()


def test_stages_are_reordered_on_the_page_or_by_typing_their_place(page):
    UserFactory(username="author", is_staff=True).groups.add(Group.objects.get(name="Instructors"))
    case = Case.objects.get(slug="pianist-fingertip-lumps")
    titles = list(case.stages.order_by("order").values_list("title", flat=True))
    log_in(page, "author")
    page.goto(f"/admin/cases/case/{case.pk}/change/")
    orders = page.locator("#stages-group .has_original input._reorder_")
    expect(orders.first).to_be_visible()  # the number stays, for the keyboard
    assert orders.count() == len(titles)  # one place per stage
    # The package's drag (SortableJS on each stage's bar) and its "move to first position" share one renumbering;
    # this test presses the button, the next one drags with the mouse.
    page.locator("#stages-group .has_original").nth(1).locator("i.move-begin").click()
    values = [orders.nth(i).input_value() for i in range(len(titles))]
    screenshot(page, "stages-dragged")
    page.get_by_role("button", name="Save and continue editing").click()
    expect(page.get_by_text("was changed successfully")).to_be_visible()
    moved = list(case.stages.order_by("order").values_list("title", flat=True))
    assert moved[:2] == [titles[1], titles[0]], (values, moved)
    # By keyboard: type the places instead.
    orders.nth(0).fill(str(len(titles) + 1))
    page.get_by_role("button", name="Save and continue editing").click()
    expect(page.get_by_text("was changed successfully")).to_be_visible()
    assert list(case.stages.order_by("order").values_list("title", flat=True))[-1] == moved[0]


def test_a_stage_is_dragged_with_the_mouse_to_a_new_place(page):
    UserFactory(username="author", is_staff=True).groups.add(Group.objects.get(name="Instructors"))
    case = Case.objects.get(slug="pianist-fingertip-lumps")
    titles = list(case.stages.order_by("order").values_list("title", flat=True))
    log_in(page, "author")
    page.goto(f"/admin/cases/case/{case.pk}/change/")
    page.set_viewport_size({"width": 1280, "height": 7000})  # both bars in view: each stage is a long form
    bars = page.locator("#stages-group .has_original > h3")
    source, target = bars.nth(2).bounding_box(), bars.nth(0).bounding_box()
    # A person's drag: press on the third stage's bar, carry it up over the top of the first, let go.
    page.mouse.move(source["x"] + 60, source["y"] + source["height"] / 2)
    page.mouse.down()
    page.mouse.move(source["x"] + 60, target["y"] + 2, steps=60)
    page.wait_for_timeout(100)
    page.mouse.up()
    expect(bars.nth(0)).to_contain_text(titles[2])
    page.get_by_role("button", name="Save and continue editing").click()
    expect(page.get_by_text("was changed successfully")).to_be_visible()
    assert list(case.stages.order_by("order").values_list("title", flat=True)) == [titles[2], *titles[:2], *titles[3:]]


def test_an_instructor_imports_a_moodle_bank_after_seeing_what_it_would_do(page, tmp_path):
    UserFactory(username="author", is_staff=True).groups.add(Group.objects.get(name="Instructors"))
    bank = tmp_path / "derm-bank.gift"
    bank.write_text(
        "::Site:: Where does metastatic calcinosis cutis most often deposit? {\n"
        "=Around large joints#Periarticular tissue.\n~In a scar#That is dystrophic.\n"
        "####Metastatic deposits favour periarticular tissue.\n}\n\n"
        "::Essay:: Describe calcinosis cutis. {}\n",
        encoding="utf-8",
    )
    before = Question.objects.count()
    log_in(page, "author")
    page.goto("/admin/quizzes/question/")
    page.get_by_role("link", name="Import questions").click()
    page.get_by_label("File:").set_input_files(str(bank))
    page.get_by_label("Topic:").select_option("distribution")
    page.get_by_role("button", name="Preview the import").click()
    expect(page.get_by_role("alert")).to_contain_text("Essay")  # refused whole: it names the essay question
    page.get_by_label("File:").set_input_files(str(bank))
    page.get_by_label("Skip unsupported questions").check()
    page.get_by_role("button", name="Preview the import").click()
    expect(page.get_by_role("heading", name="1 to create")).to_be_visible()
    expect(page.get_by_role("heading", name="1 not supported, not imported")).to_be_visible()
    screenshot(page, "import-preview")
    assert Question.objects.count() == before
    page.get_by_role("button", name="Import 1 question").click()
    expect(page.get_by_text("derm-bank.gift: 1 created, 0 skipped")).to_be_visible()
    assert Question.objects.count() == before + 1
