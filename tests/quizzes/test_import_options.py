"""import_questions --topic and --skip-unsupported: a Moodle bank from elsewhere imports what this app supports."""

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from quizzes.models import Question

pytestmark = pytest.mark.django_db

MOODLE = """<?xml version="1.0" encoding="UTF-8"?>
<quiz>
  <question type="category"><category><text>$course$/top/Week 3 revision</text></category></question>
  <question type="multichoice">
    <name><text>Chalky nodules</text></name>
    <questiontext format="html"><text><![CDATA[<p>Which type is most common?</p>]]></text></questiontext>
    <generalfeedback format="html"><text>Dystrophic is the commonest.</text></generalfeedback>
    <single>true</single>
    <answer fraction="100"><text>Dystrophic</text><feedback><text>Yes.</text></feedback></answer>
    <answer fraction="0"><text>Metastatic</text><feedback><text>No.</text></feedback></answer>
    <answer fraction="0"><text>Iatrogenic</text><feedback><text>No.</text></feedback></answer>
  </question>
  <question type="shortanswer">
    <name><text>Capital</text></name>
    <questiontext format="html"><text>The capital of France is ...</text></questiontext>
    <answer fraction="100"><text>Paris</text></answer>
  </question>
  <question type="essay">
    <name><text>Reflect</text></name>
    <questiontext format="html"><text>Write about it.</text></questiontext>
  </question>
</quiz>
"""

GIFT = """$CATEGORY: $course$/Imported

::Most common:: Which type is most common? {=Dystrophic ~Metastatic ~Iatrogenic ####Dystrophic is the commonest.}

::Capital:: The capital of France is {=Paris}.

::Pairs:: Match them. {=a -> 1 =b -> 2 =c -> 3}
"""


def _run(path, *args) -> str:
    out = io.StringIO()
    call_command("import_questions", str(path), *args, stdout=out)
    return out.getvalue()


@pytest.mark.parametrize(
    ("name", "content", "kinds"),
    [("bank.xml", MOODLE, ("shortanswer", "essay")), ("bank.gift", GIFT, ("short-answer", "matching"))],
)
def test_without_the_flag_every_unsupported_question_is_named_and_nothing_changes(tmp_path, name, content, kinds):
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    before = Question.objects.count()
    with pytest.raises(CommandError) as refused:
        _run(path, "--topic", "type")
    message = str(refused.value)
    assert "2 questions cannot be imported (pass --skip-unsupported" in message
    assert all(f"({kind})" in message for kind in kinds)
    assert Question.objects.count() == before


@pytest.mark.parametrize(("name", "content"), [("bank.xml", MOODLE), ("bank.gift", GIFT)])
def test_with_both_flags_the_supported_ones_land_and_the_rest_are_listed(tmp_path, name, content):
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    out = _run(path, "--topic", "type", "--skip-unsupported")
    assert "1 created, 0 skipped" in out and "2 not supported, not imported:" in out
    question = Question.objects.get(stem__startswith="Which type is most common?")
    assert question.topic == "type"
    assert [(c.text, c.is_correct) for c in question.choices.order_by("order")] == [
        ("Dystrophic", True), ("Metastatic", False), ("Iatrogenic", False),
    ]  # fmt: skip


def test_a_category_that_is_not_a_topic_asks_for_one(tmp_path):
    path = tmp_path / "bank.xml"
    path.write_text(MOODLE, encoding="utf-8")
    with pytest.raises(CommandError) as refused:
        _run(path, "--skip-unsupported")
    assert "unknown topic 'week 3 revision'" in str(refused.value).lower() and "--topic" in str(refused.value)


def test_an_unknown_topic_is_refused_by_the_option_itself(tmp_path):
    path = tmp_path / "bank.xml"
    path.write_text(MOODLE, encoding="utf-8")
    with pytest.raises(CommandError, match="invalid choice"):
        _run(path, "--topic", "nonsense")
