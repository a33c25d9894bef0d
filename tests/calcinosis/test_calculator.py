"""The Ca x P calculator: the arithmetic (no database) and the page (plain form and htmx)."""

import html
import inspect
import re
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from calcinosis import calculator, labs
from calcinosis.calculator import (
    CALCIUM_MG_DL_PER_MMOL_L,
    PHOSPHATE_MG_DL_PER_MMOL_L,
    REFERENCE_MG_DL,
    REFERENCE_MMOL_L,
    THRESHOLD_MG2_DL2,
    THRESHOLD_MMOL2_L2,
    Level,
    Unit,
    assess,
    ca_p_product,
    judge,
    reference_range,
    unit_mixup,
)

_texts = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=40)
values = st.decimals(min_value=Decimal("0.01"), max_value=Decimal("30"), places=2)


def test_the_textbook_example():
    result = ca_p_product(calcium=Decimal("10"), phosphate=Decimal("8"), unit=Unit.MG_DL)
    assert result.mg2_dl2 == 80
    assert result.above_threshold


def test_exactly_seventy_is_not_above_the_threshold():
    result = ca_p_product(calcium=Decimal("10"), phosphate=Decimal("7"), unit=Unit.MG_DL)
    assert result.mg2_dl2 == 70
    assert not result.above_threshold


def test_the_threshold_in_si_units_is_about_5_64():
    assert round(THRESHOLD_MMOL2_L2, 2) == Decimal("5.64")


@pytest.mark.parametrize("calcium, phosphate", [(0, 1), (1, 0), (-2, 3)])
def test_it_refuses_values_that_are_not_positive(calcium, phosphate):
    with pytest.raises(ValueError):
        ca_p_product(calcium=Decimal(calcium), phosphate=Decimal(phosphate), unit=Unit.MG_DL)


@given(calcium=values, phosphate=values)
def test_both_unit_systems_give_the_same_answer(calcium, phosphate):
    conventional = ca_p_product(calcium=calcium, phosphate=phosphate, unit=Unit.MG_DL)
    si = ca_p_product(
        calcium=calcium / CALCIUM_MG_DL_PER_MMOL_L, phosphate=phosphate / PHOSPHATE_MG_DL_PER_MMOL_L, unit=Unit.MMOL_L
    )
    assert abs(conventional.mg2_dl2 - si.mg2_dl2) < Decimal("1e-9")
    assert abs(conventional.mmol2_l2 - si.mmol2_l2) < Decimal("1e-9")
    assert conventional.above_threshold == (conventional.mmol2_l2 > THRESHOLD_MMOL2_L2)


@given(calcium=values, phosphate=values)
def test_the_product_is_symmetric_and_positive(calcium, phosphate):
    forward = ca_p_product(calcium=calcium, phosphate=phosphate, unit=Unit.MG_DL)
    backward = ca_p_product(calcium=phosphate, phosphate=calcium, unit=Unit.MG_DL)
    assert forward.mg2_dl2 == backward.mg2_dl2 == calcium * phosphate > 0


@given(calcium=values, phosphate=values, more=st.decimals(min_value=Decimal("0.01"), max_value=10, places=2))
def test_more_calcium_never_lowers_the_product(calcium, phosphate, more):
    low = ca_p_product(calcium=calcium, phosphate=phosphate, unit=Unit.MG_DL)
    high = ca_p_product(calcium=calcium + more, phosphate=phosphate, unit=Unit.MG_DL)
    assert high.mg2_dl2 > low.mg2_dl2
    assert not (low.above_threshold and not high.above_threshold)


# each value against its reference range

analytes = st.sampled_from(["calcium", "phosphate"])
units = st.sampled_from(list(Unit))
_FACTOR = {"calcium": CALCIUM_MG_DL_PER_MMOL_L, "phosphate": PHOSPHATE_MG_DL_PER_MMOL_L}


def test_a_calcium_of_14_mg_dl_is_high_and_says_against_what():
    judgement = judge("calcium", Decimal("14"), Unit.MG_DL)
    assert judgement.level is Level.HIGH
    assert str(judgement) == "calcium is high (14.0 mg/dL; reference 8.8–10.4 mg/dL)"


@pytest.mark.parametrize(
    "analyte, unit, low, high",
    [
        ("calcium", Unit.MG_DL, "8.8", "10.4"),
        ("calcium", Unit.MMOL_L, "2.20", "2.60"),
        ("phosphate", Unit.MG_DL, "2.5", "4.5"),
        ("phosphate", Unit.MMOL_L, "0.81", "1.46"),
    ],
)
def test_the_reference_ranges_in_both_unit_systems(analyte, unit, low, high):
    """Merck's limits as it prints them in each unit, not the mg/dL limits converted (10.4 / 4.008 = 2.595)."""
    assert reference_range(analyte, unit) == (Decimal(low), Decimal(high))


@pytest.mark.parametrize(
    "analyte, value, unit, level",
    [
        # Merck: hypercalcemia is > 10.4 mg/dL (> 2.60 mmol/L), hypocalcemia < 8.8 mg/dL (< 2.20 mmol/L).
        ("calcium", "2.60", Unit.MMOL_L, Level.IN_RANGE),
        ("calcium", "2.61", Unit.MMOL_L, Level.HIGH),
        ("calcium", "2.20", Unit.MMOL_L, Level.IN_RANGE),
        ("calcium", "2.19", Unit.MMOL_L, Level.LOW),
        ("calcium", "10.4", Unit.MG_DL, Level.IN_RANGE),
        ("calcium", "8.8", Unit.MG_DL, Level.IN_RANGE),
        # Merck: hyperphosphatemia is > 4.5 mg/dL (> 1.46 mmol/L), hypophosphatemia < 2.5 mg/dL (0.81 mmol/L).
        ("phosphate", "1.46", Unit.MMOL_L, Level.IN_RANGE),
        ("phosphate", "1.47", Unit.MMOL_L, Level.HIGH),
        ("phosphate", "0.81", Unit.MMOL_L, Level.IN_RANGE),
        ("phosphate", "0.80", Unit.MMOL_L, Level.LOW),
        ("phosphate", "4.5", Unit.MG_DL, Level.IN_RANGE),
        ("phosphate", "2.5", Unit.MG_DL, Level.IN_RANGE),
    ],
)
def test_a_value_exactly_at_a_printed_limit_is_judged_as_merck_defines_it(analyte, value, unit, level):
    assert judge(analyte, Decimal(value), unit).level is level


@pytest.mark.parametrize("analyte", ["calcium", "phosphate"])
@pytest.mark.parametrize("unit", list(Unit))
def test_the_limits_themselves_are_within_range_and_just_past_them_is_not(analyte, unit):
    low, high = reference_range(analyte, unit)
    step = Decimal("0.01")
    assert judge(analyte, low, unit).level is judge(analyte, high, unit).level is Level.IN_RANGE
    assert judge(analyte, low - step, unit).level is Level.LOW
    assert judge(analyte, high + step, unit).level is Level.HIGH


@given(analyte=analytes, mg_dl=st.decimals(min_value=Decimal("0.1"), max_value=Decimal("30"), places=2))
def test_a_value_is_judged_the_same_in_both_unit_systems(analyte, mg_dl):
    mmol_l = mg_dl / _FACTOR[analyte]
    # The mmol/L limits are the ones Merck prints, rounded to two decimals (2.60 for 10.4 / 4.008 = 2.595), so right
    # at a limit the two systems may differ by that rounding.
    if any(abs(mmol_l - limit) < Decimal("0.006") for limit in reference_range(analyte, Unit.MMOL_L)):
        return
    assert judge(analyte, mg_dl, Unit.MG_DL).level is judge(analyte, mmol_l, Unit.MMOL_L).level


@given(calcium=values, phosphate=values, unit=units)
def test_values_within_range_never_give_a_product_above_the_threshold(calcium, phosphate, unit):
    result = assess(calcium=calcium, phosphate=phosphate, unit=unit)
    if result.product.above_threshold:
        assert not result.both_in_range
        assert result.out_of_range


def test_an_assessment_lists_only_the_values_out_of_range():
    result = assess(calcium=Decimal("14"), phosphate=Decimal("3"), unit=Unit.MG_DL)
    assert not result.product.above_threshold
    assert [j.analyte for j in result.out_of_range] == ["calcium"]
    assert not result.both_in_range


# values that look like the other unit system


def test_it_warns_when_calcium_looks_like_mmol_in_mg_mode():
    mixup = unit_mixup("calcium", Decimal("1.5"), Unit.MG_DL)
    assert mixup is not None and mixup.likely_unit is Unit.MMOL_L
    assert str(mixup) == "Calcium 1.5 mg/dL looks like a value in mmol/L: 1.5 mmol/L would be 6.0 mg/dL"


def test_it_warns_when_calcium_looks_like_mg_in_mmol_mode():
    mixup = unit_mixup("calcium", Decimal("10.2"), Unit.MMOL_L)
    assert mixup is not None and mixup.likely_unit is Unit.MG_DL
    # 10.2 / 4.008 = 2.545: the calculator's own factor, not a rounder 4.
    assert str(mixup) == "Calcium 10.2 mmol/L looks like a value in mg/dL: 10.2 mg/dL would be 2.54 mmol/L"


def test_it_warns_when_phosphate_looks_like_mmol_in_mg_mode():
    mixup = unit_mixup("phosphate", Decimal("1.1"), Unit.MG_DL)
    assert str(mixup) == "Phosphate 1.1 mg/dL looks like a value in mmol/L: 1.1 mmol/L would be 3.4 mg/dL"


def test_it_warns_when_phosphate_looks_like_mg_in_mmol_mode():
    mixup = unit_mixup("phosphate", Decimal("3.5"), Unit.MMOL_L)
    assert str(mixup) == "Phosphate 3.5 mmol/L looks like a value in mg/dL: 3.5 mg/dL would be 1.13 mmol/L"


@pytest.mark.parametrize(
    "analyte, value, unit",
    [
        ("calcium", "14", Unit.MG_DL),  # high, but a real hypercalcemia, not a unit slip
        ("calcium", "6.5", Unit.MG_DL),  # low, but plausible as it stands
        ("calcium", "2.95", Unit.MMOL_L),
        ("phosphate", "7.6", Unit.MG_DL),  # the dialysis patient's phosphate
        ("phosphate", "2.05", Unit.MMOL_L),
        ("calcium", "0.5", Unit.MG_DL),  # implausible in both units: no conversion would help
        ("calcium", "25", Unit.MG_DL),
        ("phosphate", "1e400", Unit.MG_DL),
    ],
)
def test_it_does_not_warn_about_values_that_fit_their_unit_or_neither(analyte, value, unit):
    assert unit_mixup(analyte, Decimal(value), unit) is None


@given(analyte=analytes, unit=units, data=st.data())
def test_a_value_within_its_reference_range_never_warns(analyte, unit, data):
    low, high = reference_range(analyte, unit)
    value = data.draw(st.decimals(min_value=low, max_value=high, places=2))
    assert unit_mixup(analyte, value, unit) is None


@given(mg_dl=st.decimals(min_value=Decimal("8.8"), max_value=Decimal("10.4"), places=1))
def test_a_normal_calcium_typed_in_the_wrong_unit_is_caught_both_ways(mg_dl):
    as_mmol = (mg_dl / CALCIUM_MG_DL_PER_MMOL_L).quantize(Decimal("0.01"))
    typed_in_mg_mode = unit_mixup("calcium", as_mmol, Unit.MG_DL)
    assert typed_in_mg_mode is not None
    assert abs(typed_in_mg_mode.converted - mg_dl) < Decimal("0.03")
    typed_in_mmol_mode = unit_mixup("calcium", mg_dl, Unit.MMOL_L)
    assert typed_in_mmol_mode is not None
    assert abs(typed_in_mmol_mode.converted - as_mmol) < Decimal("0.01")


@given(analyte=analytes, unit=units, value=st.decimals(min_value=Decimal("0.01"), max_value=Decimal("40"), places=2))
def test_a_warning_always_names_the_other_unit_and_converts_by_its_factor(analyte, unit, value):
    mixup = unit_mixup(analyte, value, unit)
    if mixup is None:
        return
    assert mixup.likely_unit is not unit
    factor = _FACTOR[analyte]
    expected = value * factor if unit is Unit.MG_DL else value / factor
    assert mixup.converted == expected
    assert judge(analyte, value, unit).level is not Level.IN_RANGE


def test_the_reference_ranges_come_from_one_table_per_unit():
    assert set(REFERENCE_MG_DL) == set(REFERENCE_MMOL_L) == {"calcium", "phosphate"}


def test_the_module_states_the_threshold_as_a_rule_of_thumb():
    doc = calculator.__doc__
    assert "rule of thumb rather than a cut-off" in doc and "more likely" in doc
    assert "55 mg²/dL² (4.4 mmol²/L²)" in doc and "KDIGO" in doc and "calciphylaxis" in doc
    assert "expected" not in doc and "precipitate" not in doc
    assert "no living patient" not in inspect.getsource(calculator)
    assert THRESHOLD_MG2_DL2 == 70  # the number compared with is the source's, unchanged


# the page


def test_the_empty_calculator_invites_input(client, db):
    response = client.get("/reference/calculator/")
    assert response.status_code == 200
    assert "Enter serum calcium and phosphate" in response.content.decode()


def test_a_product_above_70_in_conventional_units(client, db):
    response = client.get("/reference/calculator/", {"calcium": "10", "phosphate": "8", "unit": "mg/dL"})
    body = response.content.decode()
    assert "Ca × P = 80.0 mg²/dL²" in body
    assert "Above the threshold" in body
    assert 'href="/reference/metastatic/"' in body


def _text(body: str) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", body)).split())


def test_above_the_threshold_calcification_is_more_likely_not_certain(client, db):
    fragment = _text(_result(client, {"calcium": "10", "phosphate": "8", "unit": "mg/dL"}))
    assert (
        "Above the threshold of 70 mg²/dL² (about 5.64 mmol²/L²), the classic rule of thumb rather than a cut-off."
        in (fragment)
    )
    assert (
        "At this product metastatic calcification , calcium salts laid down in tissue that was healthy, is more likely"
        in (fragment)
    )
    for word in ("precipitate", "expected", "favours"):
        assert word not in fragment


def test_the_page_states_the_threshold_in_the_same_words_as_the_lab_values(client, db):
    calculator_page = _text(client.get("/reference/calculator/").content.decode())
    lab_values = _text(client.get("/reference/labs/").content.decode())
    for sentence in labs.CA_P_THRESHOLD.sentences:
        assert sentence.text in calculator_page and sentence.text in lab_values
    for source in labs.CA_P_THRESHOLD.sources:
        assert source.text in calculator_page
    for word in ("precipitate", "expected", "favours"):
        assert word not in calculator_page and word not in lab_values


def test_the_page_says_to_correct_calcium_for_albumin_first(client, db):
    body = client.get("/reference/calculator/").content.decode()
    assert "Correct a total calcium for albumin, or measure an ionized calcium, before judging it:" in _text(body)
    assert 'the formula and its limits are with the <a href="/reference/labs/">lab values</a>' in body


def test_a_normal_product_in_si_units(client, db):
    response = client.get("/reference/calculator/", {"calcium": "2.4", "phosphate": "1.1", "unit": "mmol/L"})
    body = response.content.decode()
    assert "(2.64 mmol²/L²)" in body
    assert "Not above the threshold" in body
    assert "Calcium 2.40 mmol/L: <strong>within the reference range</strong> (adult reference 2.20–2.60 mmol/L)" in body
    assert "both within their adult reference ranges" in body


def _result(client, params) -> str:
    """The result fragment alone, as htmx swaps it in."""
    response = client.get("/reference/calculator/", params, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    return response.content.decode()


def test_normal_values_read_normal(client, db):
    body = _result(client, {"calcium": "9.4", "phosphate": "3.5", "unit": "mg/dL"})
    assert "alert-success" in body
    assert "both within their adult reference ranges" in body
    assert "Calcinosis with normal calcium and phosphate points to" in body
    assert "Check the units" not in body


@pytest.mark.parametrize("unit, calcium", [("mg/dL", "14"), ("mmol/L", "3.5")])
def test_a_high_calcium_with_a_product_under_70_never_reads_normal(client, db, unit, calcium):
    phosphate = "3" if unit == "mg/dL" else "0.9"
    params = {"calcium": calcium, "phosphate": phosphate, "unit": unit}
    fragment = _result(client, params)
    assert "Not above the threshold" in fragment
    assert "normal" not in fragment.lower()
    assert "alert-success" not in fragment
    assert "but calcium is high" in fragment
    assert "hypercalcemia" in fragment
    page = client.get("/reference/calculator/", params).content.decode()
    assert "normal calcium" not in page


def test_the_verdict_names_the_value_and_the_range_it_broke(client, db):
    body = _result(client, {"calcium": "14", "phosphate": "3", "unit": "mg/dL"})
    assert "but calcium is high (14.0 mg/dL; reference 8.8–10.4 mg/dL).</strong>" in body


def test_two_values_out_of_range_are_both_named(client, db):
    body = _result(client, {"calcium": "2.0", "phosphate": "0.5", "unit": "mmol/L"})
    assert "calcium is low (2.00 mmol/L; reference 2.20–2.60 mmol/L) and phosphate is low" in body
    assert "serum albumin" in body


def test_a_high_phosphate_under_the_threshold_is_named(client, db):
    body = _result(client, {"calcium": "9", "phosphate": "6", "unit": "mg/dL"})
    assert "Ca × P = 54.0" in body
    assert "but phosphate is high (6.0 mg/dL; reference 2.5–4.5 mg/dL)" in body


def test_above_the_threshold_each_value_is_still_judged(client, db):
    body = _result(client, {"calcium": "10", "phosphate": "8", "unit": "mg/dL"})
    assert "Above the threshold" in body
    assert "Phosphate 8.0 mg/dL: <strong>high</strong>" in body
    assert "Calcium 10.0 mg/dL: <strong>within the reference range</strong>" in body


@pytest.mark.parametrize(
    "params, warning",
    [
        (
            {"calcium": "1.5", "phosphate": "4", "unit": "mg/dL"},
            "Calcium 1.5 mg/dL looks like a value in mmol/L: 1.5 mmol/L would be 6.0 mg/dL",
        ),
        (
            {"calcium": "9", "phosphate": "1.1", "unit": "mg/dL"},
            "Phosphate 1.1 mg/dL looks like a value in mmol/L: 1.1 mmol/L would be 3.4 mg/dL",
        ),
        (
            {"calcium": "2.3", "phosphate": "3.5", "unit": "mmol/L"},
            "Phosphate 3.5 mmol/L looks like a value in mg/dL: 3.5 mg/dL would be 1.13 mmol/L",
        ),
    ],
)
def test_a_value_from_the_other_unit_system_is_flagged_with_its_conversion(client, db, params, warning):
    for headers in ({}, {"HTTP_HX_REQUEST": "true"}):
        body = client.get("/reference/calculator/", params, **headers).content.decode()
        assert "Check the units." in body
        assert warning in body
        assert "Ca × P =" in body  # a warning, not a refusal: the arithmetic still shows


def test_it_warns_when_calcium_looks_like_mg_in_mmol_mode_even_as_it_refuses_it(client, db):
    params = {"calcium": "10.2", "phosphate": "1.1", "unit": "mmol/L"}
    for headers in ({}, {"HTTP_HX_REQUEST": "true"}):
        body = client.get("/reference/calculator/", params, **headers).content.decode()
        assert "beyond any serum calcium" in body
        assert "Calcium 10.2 mmol/L looks like a value in mg/dL: 10.2 mg/dL would be 2.54 mmol/L." in body
        assert "Ca × P =" not in body


def test_the_page_cites_its_reference_ranges_and_keeps_one_h1(client, db):
    body = client.get("/reference/calculator/").content.decode()
    assert "total serum calcium: 8.8–10.4 mg/dL (2.20–2.60 mmol/L)" in body
    assert "serum phosphate (reported as phosphorus): 2.5–4.5 mg/dL (0.81–1.46 mmol/L)" in body
    assert "against the limits Merck prints in that unit, not against the other" in body
    assert "Merck Manual Professional Version" in body
    assert body.count("<h1") == 1
    assert 'id="calc-result" aria-live="polite"' in body
    assert 'data-hx-get="/reference/calculator/"' in body and 'action="/reference/calculator/"' in body


def test_htmx_gets_only_the_result(client, db):
    response = client.get(
        "/reference/calculator/", {"calcium": "10", "phosphate": "8", "unit": "mg/dL"}, HTTP_HX_REQUEST="true"
    )
    body = response.content.decode()
    assert "Ca × P = 80.0" in body
    assert "<h1" not in body and "<form" not in body


@pytest.mark.parametrize(
    "params, message",
    [
        ({"calcium": "-1", "phosphate": "4", "unit": "mg/dL"}, "Serum calcium must be above zero."),
        ({"calcium": "", "phosphate": "4", "unit": "mg/dL"}, "Enter the serum calcium."),
        ({"calcium": "ten", "phosphate": "4", "unit": "mg/dL"}, "Serum calcium must be a number"),
        ({"calcium": "NaN", "phosphate": "4", "unit": "mg/dL"}, "Serum calcium must be a number"),
        ({"calcium": "Infinity", "phosphate": "4", "unit": "mg/dL"}, "Serum calcium must be a number"),
        ({"calcium": "9", "phosphate": "1e400", "unit": "mg/dL"}, "beyond any serum phosphate"),
        ({"calcium": "95", "phosphate": "4", "unit": "mg/dL"}, "beyond any serum calcium"),
        ({"calcium": "9", "phosphate": "12", "unit": "mmol/L"}, "beyond any serum phosphate"),
        ({"calcium": "9", "phosphate": "4", "unit": "furlongs"}, "Select a valid choice"),
        ({"calcium": "9" * 5000, "phosphate": "4", "unit": "mg/dL"}, "beyond any serum calcium"),
        ({"calcium": "-1.5", "phosphate": "4", "unit": "mg/dL"}, "Serum calcium must be above zero."),
        (
            {"calcium": "9", "phosphate": "1", "unit": "mmol/L"},
            "looks like a value in mg/dL: 9 mg/dL would be 2.25 mmol/L",
        ),
    ],
)
def test_impossible_input_gets_a_clear_message(client, db, params, message):
    for headers in ({}, {"HTTP_HX_REQUEST": "true"}):
        response = client.get("/reference/calculator/", params, **headers)
        assert response.status_code == 200
        assert message in response.content.decode()
        assert "Ca × P =" not in response.content.decode()


@given(calcium=_texts, phosphate=_texts, unit=st.sampled_from(["mg/dL", "mmol/L", "x"]))
def test_no_input_makes_the_page_fail(calcium, phosphate, unit):
    from django.test import Client

    response = Client().get("/reference/calculator/", {"calcium": calcium, "phosphate": phosphate, "unit": unit})
    assert response.status_code == 200


test_no_input_makes_the_page_fail = pytest.mark.django_db(test_no_input_makes_the_page_fail)


@given(
    calcium=st.decimals(min_value=Decimal("0.001"), max_value=Decimal("100"), places=3),
    phosphate=st.decimals(min_value=Decimal("0.001"), max_value=Decimal("100"), places=3),
    unit=units,
)
def test_no_number_makes_the_page_fail(calcium, phosphate, unit):
    from django.test import Client

    params = {"calcium": str(calcium), "phosphate": str(phosphate), "unit": unit.value}
    response = Client().get("/reference/calculator/", params, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    body = response.content.decode()
    if "Ca × P =" in body and "Not above" in body and "normal" in body.lower():
        assert "both within their adult reference ranges" in body


test_no_number_makes_the_page_fail = pytest.mark.django_db(test_no_number_makes_the_page_fail)


def test_the_calculator_rejects_post(client, db):
    assert client.post("/reference/calculator/").status_code == 405
