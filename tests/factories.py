from decimal import Decimal

import factory
from django.contrib.auth.models import User

from calcinosis.models import CalcinosisType, Differential, Section
from cases.models import Hypothesis
from quizzes.versions import version_for


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"learner{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    password = factory.django.Password("correct horse battery staple")


class SectionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Section

    slug = factory.Sequence(lambda n: f"test-section-{n}")
    title = factory.Sequence(lambda n: f"Test section {n}")
    order = 100
    summary = "A section made by a test."
    body = "## Heading\n\nSome text about calcium."
    sources = "- A test reference"


class QuestionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "quizzes.Question"

    slug = factory.Sequence(lambda n: f"test-question-{n}")
    kind = "single"
    topic = "type"
    stem = "A test stem: which type?"
    teaching_point = "A test teaching point."


class ChoiceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "quizzes.Choice"

    question = factory.SubFactory(QuestionFactory)
    order = factory.Sequence(lambda n: n)
    text = factory.Sequence(lambda n: f"Option {n}")
    is_correct = False
    explanation = "Because."


def question_with_choices(correct: int = 1, wrong: int = 3, **kwargs):
    """A published question with `correct` right and `wrong` wrong options, right ones first."""
    question = QuestionFactory(**kwargs)
    for i in range(correct + wrong):
        ChoiceFactory(question=question, is_correct=i < correct, order=i)
    return question


class AttemptFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "quizzes.Attempt"

    learner = factory.SubFactory(UserFactory)
    mode = "tutor"
    topics = factory.LazyFunction(lambda: ["type"])


class CaseFactory(factory.django.DjangoModelFactory):
    """A published case with no stages yet; add them with StageFactory(case=...)."""

    class Meta:
        model = "cases.Case"

    slug = factory.Sequence(lambda n: f"test-case-{n}")
    title = factory.Sequence(lambda n: f"Hard lumps on a test patient {n}")
    presentation = "A 52-year-old woman with **tight skin** on her hands."
    objectives = "- Type the calcinosis"
    debrief = "Normal labs plus connective tissue disease: dystrophic."
    is_published = True


def _type(slug: str) -> CalcinosisType:
    return CalcinosisType.objects.get(slug=slug)


class StageFactory(factory.django.DjangoModelFactory):
    """A stage without a decision; `StageFactory(type_decision=True)` or `(differential=True)` ends it in one,
    with dystrophic as the expert's answer."""

    class Meta:
        model = "cases.Stage"

    case = factory.SubFactory(CaseFactory)
    order = factory.Sequence(lambda n: n + 1)
    kind = "history"
    title = factory.Sequence(lambda n: f"Stage {n}")
    body = "Findings."

    class Params:
        type_decision = factory.Trait(
            decision="type",
            decision_prompt="Which type?",
            expert_type=factory.LazyFunction(lambda: _type("dystrophic")),
            expert_reasoning="Normal labs.",
        )
        differential = factory.Trait(
            decision="differential",
            decision_prompt="Rank your top three.",
            expert_type=factory.LazyFunction(lambda: _type("dystrophic")),
            expert_reasoning="Tissue damage from a connective tissue disease.",
        )


class CaseProgressFactory(factory.django.DjangoModelFactory):
    """A learner's place in a case, without the quiz attempt services.progress_start makes for its questions."""

    class Meta:
        model = "cases.CaseProgress"

    learner = factory.SubFactory(UserFactory)
    case = factory.SubFactory(CaseFactory)
    revealed = 0


class CommitmentFactory(factory.django.DjangoModelFactory):
    """A commitment at a type decision; `ranking=[...]` names its hypotheses (default: the expert's answer)."""

    class Meta:
        model = "cases.Commitment"
        skip_postgeneration_save = True

    progress = factory.SubFactory(CaseProgressFactory)
    stage = factory.SubFactory(StageFactory, case=factory.SelfAttribute("..progress.case"), type_decision=True)
    certainty = "sure"
    score = Decimal(1)

    @factory.post_generation
    def ranking(self, create, extracted, **kwargs):
        for rank, slug in enumerate(extracted or [self.stage.expert_answer], 1):
            ctype = CalcinosisType.objects.filter(slug=slug).first()
            mimic = None if ctype else Differential.objects.get(slug=slug)
            Hypothesis.objects.create(commitment=self, rank=rank, ctype=ctype, mimic=mimic)


class ResponseFactory(factory.django.DjangoModelFactory):
    """A scored answer, recorded against the question's current version as the engine records one."""

    class Meta:
        model = "quizzes.Response"
        skip_postgeneration_save = True

    attempt = factory.SubFactory(AttemptFactory)
    question = factory.SubFactory(QuestionFactory)
    version = factory.LazyAttribute(lambda r: version_for(r.question, list(r.question.choices.all())))
    certainty = "sure"
    is_correct = True
    score = factory.LazyAttribute(lambda r: Decimal(1) if r.is_correct else Decimal(0))

    @factory.post_generation
    def choices(self, create, extracted, **kwargs):
        """`choices=[...]`: the options the learner chose."""
        if extracted:
            self.choices.set(extracted)
