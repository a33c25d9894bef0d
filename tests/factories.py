import factory
from django.contrib.auth.models import User

from calcinosis.models import Section


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
