from django.utils.html import escape

from calcinosis.models import CalcinosisType, Section


def test_it_links_every_type_and_published_section(client, db):
    content = client.get("/").content.decode()
    for ctype in CalcinosisType.objects.select_related("section"):
        assert escape(ctype.name) in content
    for section in Section.objects.published():
        assert f'href="{section.get_absolute_url()}"' in content


def test_it_rejects_post(client, db):
    assert client.post("/").status_code == 405
