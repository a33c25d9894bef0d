"""The Ca x P calculator: the arithmetic (no database) and the page (plain form and htmx)."""

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from calcinosis.calculator import (
    CALCIUM_MG_DL_PER_MMOL_L,
    PHOSPHATE_MG_DL_PER_MMOL_L,
    THRESHOLD_MMOL2_L2,
    Unit,
    ca_p_product,
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


def test_a_normal_product_in_si_units(client, db):
    response = client.get("/reference/calculator/", {"calcium": "2.4", "phosphate": "1.1", "unit": "mmol/L"})
    body = response.content.decode()
    assert "(2.64 mmol²/L²)" in body
    assert "Not above the threshold" in body


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


def test_the_calculator_rejects_post(client, db):
    assert client.post("/reference/calculator/").status_code == 405
