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
