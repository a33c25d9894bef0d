import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from calcinosis.search import passage

pytestmark = pytest.mark.django_db


def test_a_search_finds_the_passage_and_marks_the_word(client):
    body = client.get("/reference/search/", {"q": "dermatomyositis"}).content.decode()
    assert "<mark>" in body.lower()
    assert 'href="/reference/associated-diseases/"' in body


def test_all_words_must_match(client):
    body = client.get("/reference/search/", {"q": "dialysis zzzzqqq"}).content.decode()
    assert "0 sections mention" in body


def test_an_empty_search_asks_for_a_word(client):
    body = client.get("/reference/search/", {"q": "   "}).content.decode()
    assert "Type a word or two" in body


def test_a_too_long_search_says_so(client):
    response = client.get("/reference/search/", {"q": "x" * 500})
    assert response.status_code == 200
    assert "Keep the search under 100 characters" in response.content.decode()


@pytest.mark.parametrize("query", ["%", "_", "<script>alert(1)</script>", "' OR 1=1 --", "\\", "70%"])
def test_odd_queries_are_safe(client, query):
    response = client.get("/reference/search/", {"q": query})
    assert response.status_code == 200
    assert "<script>alert(1)" not in response.content.decode()


def test_the_search_box_is_on_every_reference_page(client):
    for path in ["/reference/", "/reference/overview/", "/reference/calculator/", "/reference/search/"]:
        assert 'action="/reference/search/"' in client.get(path).content.decode()


def test_search_rejects_post(client):
    assert client.post("/reference/search/").status_code == 405


def test_the_passage_is_escaped_and_marked():
    html = passage("Salts <b>and</b> calcium & phosphate in skin", ["calcium"])
    assert html == "Salts &lt;b&gt;and&lt;/b&gt; <mark>calcium</mark> &amp; phosphate in skin"


@settings(max_examples=200)
@given(text=st.text(max_size=600), words=st.lists(st.text(min_size=1, max_size=12), max_size=4))
def test_the_passage_never_leaks_markup(text, words):
    html = passage(text, words)
    stripped = html.replace("<mark>", "").replace("</mark>", "")
    assert "<" not in stripped and ">" not in stripped


def test_plain_text_keeps_table_cells_and_blocks_apart():
    from calcinosis.search import plain_text

    html = "<table><tr><td>Adult dermatomyositis</td><td>About 30%</td></tr></table><p>Next &amp; last</p>"
    assert plain_text(html) == "Adult dermatomyositis; About 30%; Next & last"
