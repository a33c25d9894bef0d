from calcinosis.markup import render_markdown


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
