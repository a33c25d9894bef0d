"""The calcium x phosphate product, each value against its reference range, and unit slips: no Django.

The classic threshold is a product of serum calcium and phosphate, both in mg/dL, above about 70 mg²/dL² (about
5.6 mmol²/L²): the source article says deposition takes place when the product "exceeds 70" (it gives no unit), and
Medscape's "Calcinosis Cutis" gives the same figure in mg²/dL². It is a rule of thumb rather than a cut-off: above it
metastatic calcification is more likely. In chronic kidney disease soft-tissue calcification is seen from about
55 mg²/dL² (4.4 mmol²/L²) (Merck Manual, "Hyperphosphatemia"); current KDIGO guidance bases decisions on serial
calcium, phosphate and PTH considered together, not on their product; and calciphylaxis can occur with calcium and
phosphate within their ranges.
The calculator still compares with the source's 70, and "exceeds" means exactly 70 is not above it.

SI laboratories report mmol/L: 1 mmol/L of calcium is 4.008 mg/dL (molar mass 40.08 g/mol) and 1 mmol/L of phosphate,
reported as phosphorus, is 3.097 mg/dL (30.97 g/mol), so the threshold is 70 / (4.008 x 3.097) = about 5.64 mmol²/L².

A product under 70 says nothing about each value on its own: a calcium of 14 mg/dL with a low phosphate is
hypercalcaemia whatever the product. So each value is also judged against an adult reference range, in the unit it was
entered in and against the limits the source prints in that unit, and a value that only makes sense in the other unit
system is pointed out before anyone reasons from it.
"""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum

CALCIUM_MG_DL_PER_MMOL_L = Decimal("4.008")
PHOSPHATE_MG_DL_PER_MMOL_L = Decimal("3.097")
THRESHOLD_MG2_DL2 = Decimal(70)
THRESHOLD_MMOL2_L2 = THRESHOLD_MG2_DL2 / (CALCIUM_MG_DL_PER_MMOL_L * PHOSPHATE_MG_DL_PER_MMOL_L)

# The largest value this app accepts; larger entries are treated as typing or unit slips.
PLAUSIBLE_MAX_MG_DL = {"calcium": Decimal(30), "phosphate": Decimal(30)}
_FACTOR = {"calcium": CALCIUM_MG_DL_PER_MMOL_L, "phosphate": PHOSPHATE_MG_DL_PER_MMOL_L}

# Adult reference ranges, both limits within the range, as the Merck Manual Professional Version (J. L. Lewis III)
# prints them in each unit: hypocalcemia is a total serum calcium < 8.8 mg/dL (< 2.20 mmol/L) and hypercalcemia
# > 10.4 mg/dL (> 2.60 mmol/L); hypophosphatemia is a phosphate < 2.5 mg/dL (0.81 mmol/L) and hyperphosphatemia
# > 4.5 mg/dL (> 1.46 mmol/L). The mmol/L limits are the printed ones, not the mg/dL limits converted: 10.4 / 4.008
# is 2.595, and judging against that would call Merck's own upper limit of 2.60 mmol/L high.
REFERENCE_MG_DL = {
    "calcium": (Decimal("8.8"), Decimal("10.4")),
    "phosphate": (Decimal("2.5"), Decimal("4.5")),
}
REFERENCE_MMOL_L = {
    "calcium": (Decimal("2.20"), Decimal("2.60")),
    "phosphate": (Decimal("0.81"), Decimal("1.46")),
}

# The app's own net for unit slips, not a clinical cut-off: a value is "plausible" in a unit when it lies
# between half the lower reference limit and twice the upper one. A slip between mg/dL and mmol/L moves a
# value by a factor of 3 to 4, so a normal value typed in the wrong unit mostly lands outside this band; the
# exception is a phosphate of about 1.25-1.45 mmol/L typed as mg/dL, which is also a believable low mg/dL value.
_PLAUSIBLE_SPREAD = Decimal(2)


class Unit(StrEnum):
    MG_DL = "mg/dL"
    MMOL_L = "mmol/L"

    @property
    def other(self) -> "Unit":
        return Unit.MMOL_L if self is Unit.MG_DL else Unit.MG_DL


class Level(StrEnum):
    LOW = "low"
    IN_RANGE = "within the reference range"
    HIGH = "high"


# How many decimals a laboratory prints in each unit.
_PLACES = {Unit.MG_DL: 1, Unit.MMOL_L: 2}


def to_mg_dl(analyte: str, value: Decimal, unit: Unit) -> Decimal:
    return value if unit is Unit.MG_DL else value * _FACTOR[analyte]


def from_mg_dl(analyte: str, value: Decimal, unit: Unit) -> Decimal:
    return value if unit is Unit.MG_DL else value / _FACTOR[analyte]


def plausible_max(analyte: str, unit: Unit) -> Decimal:
    """The largest value accepted for an analyte, in the unit the learner entered it in."""
    limit = PLAUSIBLE_MAX_MG_DL[analyte]
    return limit if unit is Unit.MG_DL else limit / _FACTOR[analyte]


def rounded(value: Decimal, unit: Unit) -> Decimal:
    return value.quantize(Decimal(1).scaleb(-_PLACES[unit]), rounding=ROUND_HALF_UP)


def shown(value: Decimal, unit: Unit) -> str:
    """A value as a laboratory prints it, keeping any extra decimals the learner typed (up to four)."""
    places = min(max(_PLACES[unit], -value.as_tuple().exponent), 4)
    return f"{value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)} {unit}"


def reference_range(analyte: str, unit: Unit) -> tuple[Decimal, Decimal]:
    """The limits the source prints in this unit; never one unit's limits converted to the other."""
    return (REFERENCE_MG_DL if unit is Unit.MG_DL else REFERENCE_MMOL_L)[analyte]


def reference_text(analyte: str, unit: Unit) -> str:
    low, high = reference_range(analyte, unit)
    return f"{low}–{high} {unit}"


def reference_table() -> list[tuple[str, str, str]]:
    """(analyte, range in mg/dL, range in mmol/L) for the page's list of reference ranges."""
    return [(analyte, *(reference_text(analyte, unit) for unit in Unit)) for analyte in REFERENCE_MG_DL]


@dataclass(frozen=True)
class Judgement:
    analyte: str
    value: Decimal
    unit: Unit
    low: Decimal
    high: Decimal
    level: Level

    @property
    def name(self) -> str:
        return self.analyte.capitalize()

    @property
    def in_range(self) -> bool:
        return self.level is Level.IN_RANGE

    @property
    def reference(self) -> str:
        return reference_text(self.analyte, self.unit)

    @property
    def display(self) -> str:
        return shown(self.value, self.unit)

    def __str__(self) -> str:
        return f"{self.analyte} is {self.level} ({self.display}; reference {self.reference})"


def judge(analyte: str, value: Decimal, unit: Unit) -> Judgement:
    """Calcium or phosphate against the adult reference range, in the unit it was entered in."""
    low, high = reference_range(analyte, unit)
    level = Level.LOW if value < low else Level.HIGH if value > high else Level.IN_RANGE
    return Judgement(analyte=analyte, value=value, unit=unit, low=low, high=high, level=level)


@dataclass(frozen=True)
class UnitMixup:
    analyte: str
    value: Decimal
    unit: Unit
    converted: Decimal  # the value read in the other unit, expressed in the unit entered

    @property
    def likely_unit(self) -> Unit:
        return self.unit.other

    def __str__(self) -> str:
        typed = f"{self.value:f}"
        return (
            f"{self.analyte.capitalize()} {typed} {self.unit} looks like a value in {self.likely_unit}: "
            f"{typed} {self.likely_unit} would be {rounded(self.converted, self.unit)} {self.unit}"
        )


def _plausible(analyte: str, mg_dl: Decimal) -> bool:
    low, high = REFERENCE_MG_DL[analyte]
    return low / _PLAUSIBLE_SPREAD <= mg_dl <= high * _PLAUSIBLE_SPREAD


def unit_mixup(analyte: str, value: Decimal, unit: Unit) -> UnitMixup | None:
    """A value implausible in the unit chosen but plausible in the other one (calcium 1.5 "mg/dL"), else None."""
    as_entered = to_mg_dl(analyte, value, unit)
    as_other = to_mg_dl(analyte, value, unit.other)
    if _plausible(analyte, as_entered) or not _plausible(analyte, as_other):
        return None
    return UnitMixup(analyte=analyte, value=value, unit=unit, converted=from_mg_dl(analyte, as_other, unit))


@dataclass(frozen=True)
class CaPProduct:
    mg2_dl2: Decimal
    mmol2_l2: Decimal

    @property
    def above_threshold(self) -> bool:
        """The source's rule: deposition once the product *exceeds* 70, so exactly 70 is not above."""
        return self.mg2_dl2 > THRESHOLD_MG2_DL2


def ca_p_product(*, calcium: Decimal, phosphate: Decimal, unit: Unit) -> CaPProduct:
    if calcium <= 0 or phosphate <= 0:
        raise ValueError("Serum calcium and phosphate must be above zero.")
    conventional = to_mg_dl("calcium", calcium, unit) * to_mg_dl("phosphate", phosphate, unit)
    si = conventional / (CALCIUM_MG_DL_PER_MMOL_L * PHOSPHATE_MG_DL_PER_MMOL_L)
    return CaPProduct(mg2_dl2=conventional, mmol2_l2=si)


@dataclass(frozen=True)
class Assessment:
    product: CaPProduct
    calcium: Judgement
    phosphate: Judgement
    mixups: tuple[UnitMixup, ...]

    @property
    def judgements(self) -> tuple[Judgement, Judgement]:
        return self.calcium, self.phosphate

    @property
    def out_of_range(self) -> tuple[Judgement, ...]:
        return tuple(j for j in self.judgements if not j.in_range)

    @property
    def both_in_range(self) -> bool:
        return not self.out_of_range


def assess(*, calcium: Decimal, phosphate: Decimal, unit: Unit) -> Assessment:
    """Everything the calculator page says about one pair of values."""
    mixups = (unit_mixup("calcium", calcium, unit), unit_mixup("phosphate", phosphate, unit))
    return Assessment(
        product=ca_p_product(calcium=calcium, phosphate=phosphate, unit=unit),
        calcium=judge("calcium", calcium, unit),
        phosphate=judge("phosphate", phosphate, unit),
        mixups=tuple(m for m in mixups if m is not None),
    )
