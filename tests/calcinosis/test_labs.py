"""The lab values panel: the ranges and their conversions (no database), the /reference/labs/ page, and the lab tools
on a question page (the table and the Ca x P result both come from the reference's own views)."""

import html
import re
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

import pytest
from django.template.loader import render_to_string
from django.utils.html import escape

from calcinosis import calculator, labs
from calcinosis.calculator import Unit
from calcinosis.models import RESERVED_SLUGS
from quizzes import services
from tests.factories import question_with_choices

# the conversions: SI = conventional / factor, one rule for every analyte


@pytest.mark.parametrize(
    "conversion, conventional, si",
    [
        (labs.CREATININE, "1.00", "88"),  # 1 mg/dL x 88.4 = 88.4 µmol/L, printed whole
        (labs.CREATININE, "1.21", "107"),  # 106.964
        (labs.CREATININE, "0.51", "45"),  # 45.084
        (labs.VITAMIN_D, "20", "50"),  # 49.92 nmol/L
        (labs.VITAMIN_D, "12", "30"),  # 29.952
        (labs.VITAMIN_D, "50", "125"),  # 124.8
        (labs.PTH, "65", "65"),  # pg/mL = ng/L
        (labs.ALBUMIN, "3.4", "34"),  # g/dL x 10
        # The conversion itself; the panel shows Merck's printed 2.60, not this (see the tests of printed limits).
        (labs.CALCIUM, "10.4", "2.59"),  # 10.4 / 4.008 = 2.5948
        (labs.CALCIUM, "5.2", "1.30"),  # 1.2974
        (labs.PHOSPHATE, "4.5", "1.45"),  # 4.5 / 3.097 = 1.4530
    ],
)
def test_each_conversion_gives_the_laboratorys_figure(conversion, conventional, si):
    assert conversion.to_si(Decimal(conventional)) == Decimal(si)


def test_the_factors_are_the_textbook_ones():
    assert 1 / labs.CREATININE.factor == Fraction("88.4")
    assert 1 / labs.VITAMIN_D.factor == Fraction("2.496")
    assert labs.PTH.factor == 1
    assert 1 / labs.ALBUMIN.factor == 10
    assert labs.CALCIUM.factor == Fraction(calculator.CALCIUM_MG_DL_PER_MMOL_L) == Fraction("4.008")
    assert labs.PHOSPHATE.factor == Fraction(calculator.PHOSPHATE_MG_DL_PER_MMOL_L) == Fraction("3.097")


def test_the_conversion_is_exact_before_it_is_rounded():
    # 88.4 x 1.21 = 106.964 exactly: a float factor would carry error into a limit that sits near a rounding edge.
    unrounded = labs.Conversion("mg/dL", "µmol/L", labs.si_per_conventional("88.4"), 2, 3)
    assert unrounded.to_si(Decimal("1.21")) == Decimal("106.964")


@pytest.mark.parametrize(
    "conversion, rule",
    [
        (labs.CALCIUM, "mg/dL ÷ 4.008 = mmol/L"),
        (labs.PHOSPHATE, "mg/dL ÷ 3.097 = mmol/L"),
        (labs.CREATININE, "mg/dL × 88.4 = µmol/L"),
        (labs.VITAMIN_D, "ng/mL × 2.496 = nmol/L"),
        (labs.PTH, "1 pg/mL = 1 ng/L"),
        (labs.ALBUMIN, "g/dL × 10 = g/L"),
    ],
)
def test_each_conversion_states_its_rule(conversion, rule):
    assert conversion.rule == rule


# the ranges, each in both unit systems, as their sources print them

EXPECTED = [
    ("Calcium, total (serum)", "adults", "8.8–10.4 mg/dL", "2.20–2.60 mmol/L"),
    ("Calcium, ionized", "adults", "4.7–5.2 mg/dL", "1.17–1.30 mmol/L"),
    ("Phosphate (reported as phosphorus)", "adults", "2.5–4.5 mg/dL", "0.81–1.46 mmol/L"),
    ("Albumin", "serum", "3.4–5.4 g/dL", "34–54 g/L"),
    ("Parathyroid hormone (PTH), intact", "adults", "15–65 pg/mL", "15–65 ng/L"),
    ("25-hydroxyvitamin D", "at risk of deficiency", "< 12 ng/mL", "< 30 nmol/L"),
    ("25-hydroxyvitamin D", "some potentially at risk of inadequacy", "12 to < 20 ng/mL", "30 to < 50 nmol/L"),
    ("25-hydroxyvitamin D", "sufficient for practically everyone", "20–50 ng/mL", "50–125 nmol/L"),
    ("25-hydroxyvitamin D", "may be reason for concern", "> 50 ng/mL", "> 125 nmol/L"),
    ("Creatinine (serum)", "adult men", "0.61–1.21 mg/dL", "54–107 µmol/L"),
    ("Creatinine (serum)", "adult women", "0.51–1.11 mg/dL", "45–98 µmol/L"),
]


def test_each_range_in_both_units():
    assert [(r.test, r.who, r.conventional, r.si) for r in labs.PANEL] == EXPECTED


def _row(test: str, who: str = "adults") -> labs.Range:
    return next(r for r in labs.PANEL if r.test == test and r.who == who)


@pytest.mark.parametrize(
    "test, who, source",
    [
        ("Calcium, total (serum)", "adults", labs.MERCK),
        ("Calcium, ionized", "adults", labs.MERCK),
        ("Phosphate (reported as phosphorus)", "adults", labs.MERCK),
        ("Albumin", "serum", labs.MEDLINEPLUS_ALBUMIN),
        ("Parathyroid hormone (PTH), intact", "adults", labs.DAVIS),
        ("Creatinine (serum)", "adult women", labs.DAVIS),
        ("25-hydroxyvitamin D", "at risk of deficiency", labs.IOM),
    ],
)
def test_each_row_names_the_source_its_figures_come_from(test, who, source):
    assert _row(test, who).source is source


def test_the_si_limits_are_the_ones_the_sources_print_not_conversions():
    """Merck: hypercalcemia > 10.4 mg/dL (> 2.60 mmol/L); 10.4 / 4.008 would print 2.59."""
    total = _row("Calcium, total (serum)")
    assert total.si_printed and total.si_values == (Decimal("2.20"), Decimal("2.60"))
    assert total.converted_si == (Decimal("2.20"), Decimal("2.59"))
    assert _row("Phosphate (reported as phosphorus)").si_values == (Decimal("0.81"), Decimal("1.46"))
    assert _row("Calcium, ionized").si_values == (Decimal("1.17"), Decimal("1.30"))
    assert all(r.si_printed for r in labs.PANEL)


def test_every_printed_si_limit_agrees_with_its_conversion_within_rounding():
    """A typo in a printed limit (2.06 for 2.60) would not survive this: printed and converted differ by under 1%."""
    for row in labs.PANEL:
        for conventional, printed in zip((row.low, row.high), row.si_values, strict=True):
            assert (conventional is None) == (printed is None), row
            if conventional is None:
                continue
            exact = Fraction(conventional) / row.conversion.factor
            assert abs(Fraction(printed) - exact) / exact < Fraction(1, 100), (row, printed)


def test_a_row_whose_source_prints_no_si_figure_shows_the_converted_one():
    row = labs.Range("Test", "adults", Decimal("10.4"), Decimal("1"), labs.CALCIUM, labs.MERCK)
    assert not row.si_printed
    assert row.si == "2.59–0.25 mmol/L"


def _band(row: labs.Range, value: Decimal) -> bool:
    if row.low is None:
        return value < row.high
    if row.high is None:
        return value > row.low
    if row.below_high:
        return row.low <= value < row.high
    return row.low <= value <= row.high


def test_the_vitamin_d_bands_neither_overlap_nor_leave_gaps():
    """IOM 2011: < 12 at risk of deficiency; 12 to < 20 some at risk of inadequacy; 20 and over sufficient for
    practically all; above 50 reason for concern. So 12 and 20 each fall in one band only."""
    bands = [r for r in labs.PANEL if r.test == "25-hydroxyvitamin D"]
    assert len(bands) == 4
    for tenths in range(1, 1000):
        value = Decimal(tenths) / 10
        assert sum(_band(band, value) for band in bands) == 1, value
    assert [band.who for band in bands if _band(band, Decimal(20))] == ["sufficient for practically everyone"]
    assert [band.who for band in bands if _band(band, Decimal(12))] == ["some potentially at risk of inadequacy"]


def test_the_caption_says_what_kind_of_figures_the_vitamin_d_rows_are():
    assert labs.CAPTION == "Adult reference ranges; for 25-hydroxyvitamin D, IOM 2011 status cut-offs"


def test_calcium_and_phosphate_are_the_calculators_own_ranges():
    """Not restated: the panel reads the calculator's tables, so the two pages can never disagree."""
    total, phosphate = _row("Calcium, total (serum)"), _row("Phosphate (reported as phosphorus)")
    for row, analyte in ((total, "calcium"), (phosphate, "phosphate")):
        assert (row.low, row.high) == calculator.REFERENCE_MG_DL[analyte]
        assert row.si_values == calculator.REFERENCE_MMOL_L[analyte]
        assert row.conventional == calculator.reference_text(analyte, Unit.MG_DL)
        assert row.si == calculator.reference_text(analyte, Unit.MMOL_L)


def _cited() -> list[labs.Source]:
    """Every source in the order the page first cites it: the table, then the notes."""
    seen = [r.source for r in labs.PANEL] + [s for note in labs.NOTES for c in note.sentences for s in c.sources]
    return list(dict.fromkeys(seen))


def test_every_source_is_cited_and_numbered_in_the_order_the_page_first_cites_it():
    assert _cited() == list(labs.SOURCES)
    assert [s.number for s in labs.SOURCES] == list(range(1, len(labs.SOURCES) + 1))
    assert all(r.low is not None or r.high is not None for r in labs.PANEL)
    assert all(r.low is None or r.high is None or r.low < r.high for r in labs.PANEL)


# the notes: each corrected sentence, pinned with its sources


def _sentences(topic: str) -> list[tuple[str, set[labs.Source]]]:
    note = next(n for n in labs.NOTES if n.topic == topic)
    return [(c.text, set(c.sources)) for c in note.sentences]


def test_the_threshold_is_worded_once_as_a_rule_of_thumb_with_its_limits():
    assert labs.NOTES[0] is labs.CA_P_THRESHOLD
    assert _sentences("Calcium × phosphate") == [
        (
            "The classic threshold is a product above about 70 mg²/dL² (about 5.6 mmol²/L²),",
            {labs.SOURCE_ARTICLE, labs.MEDSCAPE_CALCINOSIS},
        ),
        ("a rule of thumb rather than a cut-off: above it metastatic calcification is more likely.", set()),
        ("In chronic kidney disease calcification is seen from about 55 mg²/dL² (4.4 mmol²/L²);", {labs.MERCK}),
        (
            "current KDIGO guidance bases decisions on serial calcium, phosphate and PTH considered together, not on "
            "their product;",
            {labs.KDIGO_MBD},
        ),
        ("and calciphylaxis can occur with calcium and phosphate within their reference ranges.", {labs.NIGWEKAR}),
    ]
    for word in ("expected", "precipitate", "favours"):
        assert word not in labs.CA_P_THRESHOLD.text


def test_the_albumin_note_gives_the_correction_and_its_limits():
    assert _sentences("Calcium and albumin") == [
        ("A low albumin lowers the total calcium but not the ionized calcium.", set()),
        (
            "Corrected calcium (mg/dL) = measured calcium + 0.8 × (4.0 − albumin in g/dL); in SI, corrected calcium "
            "(mmol/L) = measured calcium + 0.02 × (40 − albumin in g/L). It is an approximation, unreliable in "
            "chronic kidney disease",
            {labs.MEDSCAPE_CORRECTION, labs.KDIGO_MBD},
        ),
        ("and in critical illness, where ionized calcium is preferred.", {labs.CRITICAL_ILLNESS}),
    ]


def test_the_ionized_calcium_note():
    assert _sentences("Ionized calcium") == [
        ("It depends on pH and rises in acidosis;", {labs.CURRENT_NEPHROLOGY}),
        ("it needs an anaerobic sample, analysed promptly;", {labs.IFCC}),
        ("it is usually reported in mmol/L.", set()),
    ]


def test_the_phosphate_note_says_what_the_test_measures():
    (same_test, _), (children, sources) = _sentences("Phosphate")
    assert same_test.startswith("Serum “phosphorus” and “phosphate” are the same test: inorganic phosphate")
    assert "1 mmol/L = 3.097 mg/dL (about 3.1;" in same_test
    assert "Do not convert with the mass of the whole PO₄ ion." in same_test
    assert children == "Children’s values are higher than these adult ones." and sources == {labs.STATPEARLS_PHOSPHATE}


def test_the_pth_note():
    sentences = _sentences("PTH")
    assert sentences[0] == (
        "Interpret it together with a calcium measured at the same time; its range depends on the assay, so "
        "use the measuring laboratory’s.",
        {labs.SOUBERBIELLE},
    )
    assert sentences[-1] == (
        "In patients on dialysis KDIGO suggests keeping intact PTH at about 2 to 9 times the upper limit of normal "
        "for the assay.",
        {labs.KDIGO_MBD},
    )


def test_the_vitamin_d_note_says_there_is_no_single_range():
    (bands, bands_sources), (others, others_sources), (now, now_sources) = _sentences("Vitamin D")
    assert bands.startswith("25-hydroxyvitamin D has no single reference range") and bands_sources == {labs.IOM}
    assert "Endocrine Society’s 2011 guideline defined deficiency as below 20 ng/mL" in others
    assert "intoxication with hypercalcemia as usually seen only above about 150 ng/mL (375 nmol/L)" in others
    assert others_sources == {labs.ENDOCRINE_SOCIETY}
    assert now == "its 2024 guideline no longer sets thresholds." and now_sources == {labs.ENDOCRINE_SOCIETY_2024}


def test_the_creatinine_note_points_to_egfr():
    (depends, _), (egfr, sources) = _sentences("Creatinine")
    assert depends == "It depends on muscle mass, age and sex, and ranges vary between laboratories."
    assert "CKD-EPI 2021" in egfr and "not by creatinine alone" in egfr and labs.CKD_EPI_2021 in sources


def test_the_tumoral_calcinosis_note_names_the_hyperphosphatemic_exception():
    (article, article_sources), (exception, exception_sources) = _sentences("Tumoral calcinosis")
    assert article_sources == {labs.SOURCE_ARTICLE}
    assert "a high phosphate with normal calcium and PTH" in exception and exception_sources == {labs.OMIM_HFTC}


def test_merck_is_cited_with_the_revision_date_it_prints_for_each_page():
    assert "“Hypercalcemia”, “Hypophosphatemia” and “Hyperphosphatemia” (each reviewed/revised September 2023)" in (
        labs.MERCK.text
    )
    assert labs.MERCK.text.endswith("and “Hypocalcemia”.")


# the page


def _cells(body: str) -> list[str]:
    """The table's text, cell by cell, without markup."""
    cells = re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", body, flags=re.S)
    return [" ".join(html.unescape(re.sub(r"<[^>]+>", " ", cell)).split()) for cell in cells]


def test_the_page_shows_every_range_in_both_units(client, db):
    response = client.get("/reference/labs/")
    assert response.status_code == 200
    cells = _cells(response.content.decode())
    for test, who, conventional, si in EXPECTED:
        row = cells.index(next(c for c in cells if c.startswith(test) and c.endswith(who)))
        assert cells[row + 1] == conventional
        assert cells[row + 2].startswith(si)


def _text(body: str) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", body)).split())


def test_the_page_cites_its_sources_and_says_ranges_vary(client, db):
    body = client.get("/reference/labs/").content.decode()
    assert "Ranges vary between laboratories; use your laboratory’s." in body
    for source in labs.SOURCES:
        assert escape(source.text) in body
    assert "Merck Manual Professional Version" in body and "Davis’s Lab &amp; Diagnostic Tests" in body
    assert "Institute of Medicine" in body
    assert body.count("<h1") == 1
    assert 'href="/reference/calculator/"' in body


def test_the_page_shows_the_caption_and_every_note(client, db):
    body = client.get("/reference/labs/").content.decode()
    assert f'<caption class="caption-top small">{labs.CAPTION}</caption>' in body
    text = _text(body)
    for note in labs.NOTES:
        assert f"{note.topic}." in text
        for sentence in note.sentences:
            assert sentence.text in text
    assert "Each SI figure is the one its source prints" in text
    assert "(converted)" not in text
    for gone in ("Phosphate is measured as phosphorus", "favours", "precipitate"):
        assert gone not in text


def test_each_cited_sentence_carries_its_source_numbers(client, db):
    body = client.get("/reference/labs/").content.decode()
    assert '55 mg²/dL² (4.4 mmol²/L²);<sup><span class="visually-hidden"> source </span>1</sup>' in body
    assert 'about 5.6 mmol²/L²),<sup><span class="visually-hidden"> sources </span>5, 6</sup>' in body


def test_a_converted_si_figure_is_marked_on_the_page():
    converted = labs.Range("Test", "adults", Decimal("8.8"), Decimal("10.4"), labs.CALCIUM, labs.MERCK)
    context = {"ranges": [converted], "caption": "c", "notes": [], "sources": [labs.MERCK]}
    cells = _cells(render_to_string("reference/labs.html#table", context))
    assert cells[-1] == "2.20–2.59 mmol/L (converted) mg/dL ÷ 4.008 = mmol/L"


def test_the_reference_index_links_to_it(client, db):
    assert 'href="/reference/labs/"' in client.get("/reference/").content.decode()


def test_htmx_gets_only_the_table(client, db):
    response = client.get("/reference/labs/", HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert "<table" in body and "<h1" not in body and "<html" not in body
    assert "Ranges vary between laboratories" in body
    assert "HX-Request" in response["Vary"]


def test_the_fragment_never_reaches_the_visitors_page_cache(client, db):
    client.get("/reference/labs/", HTTP_HX_REQUEST="true")
    page = client.get("/reference/labs/").content.decode()
    assert "<h1" in page
    client.get("/reference/labs/")  # now cached
    assert "<h1" not in client.get("/reference/labs/", HTTP_HX_REQUEST="true").content.decode()


def test_it_rejects_post(client, db):
    assert client.post("/reference/labs/").status_code == 405


def test_no_section_can_take_its_address():
    assert "labs" in RESERVED_SLUGS


# the tools on a question page


@pytest.fixture
def question_page(learner_client, learner):
    question = question_with_choices(slug="labs-question")
    attempt = services.attempt_start(learner=learner, topics=[], size=1, question_ids=[question.pk])
    return learner_client.get(f"/quizzes/attempts/{attempt.pk}/1/").content.decode()


def test_a_question_page_links_to_both_tools_without_script(question_page):
    for href, name in (("/reference/labs/", "Lab values"), ("/reference/calculator/", "Ca × P calculator")):
        assert re.search(rf'<a [^>]*href="{href}"[^>]*data-lab-fallback>{name}</a>', question_page)


def test_a_question_page_has_both_dialogs_and_their_script(question_page):
    for dialog in ("lab-values-dialog", "lab-calc-dialog"):
        assert f'<dialog class="lab-dialog" id="{dialog}"' in question_page
        assert f'data-lab-open="{dialog}"' in question_page
    assert 'data-hx-get="/reference/labs/"' in question_page
    assert 'data-hx-get="/reference/calculator/" data-hx-target="#lab-calc-result"' in question_page
    assert re.search(r'<script src="/static/js/labs\.js" defer></script>', question_page)
    assert "<script>" not in question_page and " style=" not in question_page


def test_the_calculator_dialog_points_to_albumin_and_calls_the_threshold_a_rule_of_thumb(question_page):
    text = _text(question_page)
    assert "Correct a total calcium for albumin, or measure an ionized calcium, before judging it." in text
    assert "The threshold of 70 mg²/dL² (about 5.6 mmol²/L²) is a rule of thumb, not a cut-off." in text


@pytest.mark.parametrize(
    "params",
    [
        {"calcium": "11", "phosphate": "7", "unit": "mg/dL"},
        {"calcium": "2.4", "phosphate": "1.1", "unit": "mmol/L"},
        {"calcium": "9.5", "phosphate": "3.5", "unit": "mg/dL"},
    ],
)
def test_the_dialogs_result_is_the_calculators_own(client, db, params):
    """The dialog asks the calculator view for its fragment: the same product, from calculator.assess, as the page."""
    fragment = client.get("/reference/calculator/", params, HTTP_HX_REQUEST="true").content.decode()
    page = client.get("/reference/calculator/", params).content.decode()
    result = calculator.assess(
        calcium=Decimal(params["calcium"]), phosphate=Decimal(params["phosphate"]), unit=Unit(params["unit"])
    )
    # The page prints as Django's floatformat does, rounding half up (9.5 x 3.5 = 33.25 reads 33.3).
    mg = result.product.mg2_dl2.quantize(Decimal("0.1"), ROUND_HALF_UP)
    mmol = result.product.mmol2_l2.quantize(Decimal("0.01"), ROUND_HALF_UP)
    product = f"Ca × P = {mg} mg²/dL²"
    assert product in fragment and product in page
    assert f"({mmol} mmol²/L²)" in fragment
    assert "<h1" not in fragment


def test_the_dialogs_example_reads_77_and_above_70(client, db):
    fragment = client.get(
        "/reference/calculator/", {"calcium": "11", "phosphate": "7", "unit": "mg/dL"}, HTTP_HX_REQUEST="true"
    ).content.decode()
    assert "Ca × P = 77.0 mg²/dL²" in fragment
    assert "Above the threshold of 70 mg²/dL²" in fragment
