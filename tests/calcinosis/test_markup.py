import io

import markdown
import pytest
from django.core.management import call_command

from calcinosis.markup import render_markdown
from calcinosis.models import Section
from cases.models import Stage
from quizzes import services
from quizzes.models import Question
from tests.factories import QuestionFactory, UserFactory, question_with_choices


def test_headings_get_ids_for_links():
    assert '<h2 id="juvenile-dermatomyositis">' in render_markdown("## Juvenile dermatomyositis")


def test_script_and_handlers_are_removed():
    html = render_markdown('<script>alert(1)</script><a href="javascript:alert(2)" onclick="x()">a</a>')
    assert "<script" not in html and "javascript:" not in html and "onclick" not in html


def test_inline_styles_are_removed_so_the_csp_holds():
    assert "style=" not in render_markdown('<p style="color:red">red</p>\n\n|a|\n|:-:|\n|1|')


def test_tables_get_bootstrap_classes():
    assert '<table class="table' in render_markdown("|a|b|\n|-|-|\n|1|2|")


def test_authored_text_cannot_take_the_pages_own_ids():
    html = render_markdown('## Main\n\n<h2 id="quiz-status">x</h2>\n\n## Dermatomyositis')
    assert 'id="main"' not in html and 'id="quiz-status"' not in html
    assert 'id="dermatomyositis"' in html
    cards = render_markdown('<h2 id="question-card-2">x</h2>\n\n<h2 id="feedback-1">y</h2>\n\n## Feedback loops')
    assert 'id="question-card-2"' not in cards and 'id="feedback-1"' not in cards
    assert 'id="feedback-loops"' in cards


# Rendered once, when saved: pages serve the stored HTML and never run the renderer.


@pytest.mark.django_db
def test_saving_renders_the_markdown_and_pages_serve_the_stored_html(client, monkeypatch):
    section = Section.objects.get(slug="dystrophic")
    section.body = "## Changed\n\nNow with **bold** text."
    section.save(update_fields=["body"])
    section.refresh_from_db()
    assert "<strong>bold</strong>" in section.body_html
    question = QuestionFactory(stem="Which *type*?")
    assert Question.objects.get(pk=question.pk).stem_html == "<p>Which <em>type</em>?</p>"

    # An answered question's feedback too: its version shares the live text, so it reuses the stored HTML.
    learner = UserFactory()
    answered = question_with_choices(topic="management", slug="stored-html")
    attempt = services.attempt_start(learner=learner, topics=[], size=1, question_ids=[answered.pk])
    right = answered.choices.get(is_correct=True)
    services.response_record(attempt=attempt, question=answered, choice_ids=[right.pk], value=None, certainty="sure")

    def no_rendering(*args, **kwargs):
        raise AssertionError("Markdown rendered during a request")

    monkeypatch.setattr(markdown, "markdown", no_rendering)
    assert "<strong>bold</strong>" in client.get(section.get_absolute_url()).content.decode()
    client.force_login(learner)
    assert client.get(f"/quizzes/attempts/{attempt.pk}/1/").status_code == 200
    assert client.get(f"/quizzes/attempts/{attempt.pk}/").status_code == 302


@pytest.mark.django_db
def test_the_command_renders_every_stored_row_again():
    Section.objects.filter(slug="dystrophic").update(body_html="stale")
    out = io.StringIO()
    call_command("render_markdown", stdout=out)
    assert Section.objects.get(slug="dystrophic").body_html.startswith("<")
    assert "calcinosis.Section:" in out.getvalue() and "quizzes.Question:" in out.getvalue()


@pytest.mark.django_db
def test_a_fresh_database_holds_rendered_starter_content():
    """The migration that added the stored HTML filled it for every starter row, cases' questions included."""
    assert not Section.objects.filter(body_html="").exists()
    assert not Question.objects.filter(stem_html="").exists()
    assert not Stage.objects.filter(body_html="").exists()
