"""The reference pages: index, sections, cross-links, sources, access and cost."""

import re

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils.html import escape

from calcinosis.models import BodySite, CalcinosisType, Condition, Differential, Section
from tests.factories import SectionFactory

pytestmark = pytest.mark.django_db
LINK = re.compile(r'href="(/reference/[^"#]*)(?:#([^"]*))?"')


def test_the_index_lists_every_published_section(client):
    body = client.get("/reference/").content.decode()
    for section in Section.objects.published():
        assert f'href="{section.get_absolute_url()}"' in body


def test_there_are_at_least_twelve_sections_and_the_core_knowledge():
    assert Section.objects.published().count() >= 12
    assert set(CalcinosisType.objects.values_list("slug", flat=True)) == {
        "dystrophic",
        "metastatic",
        "iatrogenic",
        "idiopathic",
        "calciphylaxis",
    }
    assert Differential.objects.count() >= 5
    assert BodySite.objects.count() >= 12


def test_an_unknown_section_is_404(client):
    assert client.get("/reference/no-such-page/").status_code == 404


def test_an_unpublished_section_is_hidden(client):
    section = SectionFactory(is_published=False)
    assert client.get(section.get_absolute_url()).status_code == 404
    assert section.get_absolute_url() not in client.get("/reference/").content.decode()


def test_a_section_rejects_post(client):
    assert client.post("/reference/overview/").status_code == 405


def test_every_page_names_its_source(client):
    for section in Section.objects.published():
        body = client.get(section.get_absolute_url()).content.decode()
        assert "Sources" in body and "medtigo" in body, section.slug


def test_a_type_page_links_its_conditions_sites_and_differentials(client):
    for ctype in CalcinosisType.objects.all():
        body = client.get(ctype.get_absolute_url()).content.decode()
        assert f"{ctype.name} at a glance" in body
        for condition in ctype.conditions.all():
            assert f'href="{condition.get_absolute_url()}"' in body, (ctype.slug, condition.slug)
        for grade in ctype.site_grades.select_related("site", "reference"):
            cells = [escape(c) for c in (grade.site.name, grade.get_grade_display(), grade.reference.short)]
            row = "<tr>" + "".join(f"<td>{cell}</td>" for cell in cells) + "</tr>"
            assert row in body, (ctype.slug, grade.site.slug)
        for differential in Differential.objects.all():
            assert f'href="{differential.get_absolute_url()}"' in body


def test_every_type_has_causes_or_is_idiopathic():
    for ctype in CalcinosisType.objects.exclude(slug="idiopathic"):
        assert ctype.conditions.exists(), ctype.slug


def test_every_link_between_pages_lands_on_a_page_and_a_heading(client):
    """Cross-links in the Markdown and in the at-a-glance boxes all resolve, anchors included."""
    pages = {}

    def page(path):
        if path not in pages:
            pages[path] = client.get(path)
        return pages[path]

    for section in Section.objects.published():
        body = page(section.get_absolute_url()).content.decode()
        for path, anchor in LINK.findall(body):
            target = page(path)
            assert target.status_code == 200, (section.slug, path)
            if anchor:
                assert f'id="{anchor}"' in target.content.decode(), (section.slug, path, anchor)


def test_every_condition_and_differential_has_its_heading(client):
    for row in [*Condition.objects.select_related("section"), *Differential.objects.select_related("section")]:
        assert row.section is not None, row.slug
        body = client.get(row.section.get_absolute_url()).content.decode()
        assert f'id="{row.slug}"' in body, row.slug


def test_authored_markdown_cannot_carry_script(client):
    section = SectionFactory(body="Hi <script>alert(1)</script> [x](javascript:alert(2)) <img src=x onerror=alert(3)>")
    body = client.get(section.get_absolute_url()).content.decode()
    assert "alert(1)" not in body and "javascript:" not in body and "onerror" not in body


def test_a_section_page_costs_a_constant_number_of_queries(client):
    """What building a page costs (a visitor's is then served from the cache, tests/calcinosis/test_caching.py)."""
    client.get("/reference/dystrophic/")  # warm up (content types)
    for url, pinned in [
        ("/reference/dystrophic/", 8),
        ("/reference/management/", 4),
        ("/reference/associated-diseases/", 4),
    ]:
        cache.clear()
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        assert len(queries) == pinned, [q["sql"] for q in queries]


def test_the_distribution_page_draws_every_graded_condition(client):
    body = client.get("/reference/distribution/").content.decode()
    for condition in Condition.objects.filter(site_grades__isnull=False).distinct():
        assert f'id="condition-{condition.slug}"' in body, condition.slug
    assert body.count('role="img"') >= Condition.objects.filter(site_grades__isnull=False).distinct().count()


def test_the_distribution_page_compares_two_conditions(client):
    query = "?first=condition-systemic-sclerosis&second=condition-juvenile-dermatomyositis"
    body = client.get(f"/reference/distribution/{query}").content.decode()
    compare = body.split('id="compare-heading"')[1].split('id="gallery-heading"')[0]
    assert "Systemic sclerosis" in compare and "Juvenile dermatomyositis" in compare
    assert compare.count('role="img"') == 2


def test_a_bad_comparison_is_a_form_error_not_a_500(client):
    response = client.get("/reference/distribution/?first=nonsense&second=")
    assert response.status_code == 200
    assert "Choose a condition from the list." in response.content.decode()


def test_a_page_that_teaches_conditions_draws_each_graded_one(client):
    body = client.get("/reference/associated-diseases/").content.decode()
    graded = Condition.objects.filter(section__slug="associated-diseases", site_grades__isnull=False).distinct()
    assert graded.exists()
    for condition in graded:
        assert f'id="condition-{condition.slug}"' in body and f'href="#{condition.slug}"' in body
    assert body.count('role="img"') == graded.count()
