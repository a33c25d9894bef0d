"""The calcium x phosphate product and its threshold: plain arithmetic, no Django.

Metastatic calcification is expected once the product of serum calcium and phosphate, both in mg/dL,
exceeds 70 mg²/dL² (the source article). SI laboratories report mmol/L: 1 mmol/L of calcium is
4.008 mg/dL (molar mass 40.08 g/mol) and 1 mmol/L of phosphate, measured as phosphorus, is 3.097 mg/dL
(30.97 g/mol), so the threshold is 70 / (4.008 x 3.097) = about 5.64 mmol²/L².
"""

from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

CALCIUM_MG_DL_PER_MMOL_L = Decimal("4.008")
PHOSPHATE_MG_DL_PER_MMOL_L = Decimal("3.097")
THRESHOLD_MG2_DL2 = Decimal(70)
THRESHOLD_MMOL2_L2 = THRESHOLD_MG2_DL2 / (CALCIUM_MG_DL_PER_MMOL_L * PHOSPHATE_MG_DL_PER_MMOL_L)

# Beyond these no living patient's serum has been; a larger entry is a typing or unit slip.
PLAUSIBLE_MAX_MG_DL = {"calcium": Decimal(30), "phosphate": Decimal(30)}
_FACTOR = {"calcium": CALCIUM_MG_DL_PER_MMOL_L, "phosphate": PHOSPHATE_MG_DL_PER_MMOL_L}


class Unit(StrEnum):
    MG_DL = "mg/dL"
    MMOL_L = "mmol/L"


def to_mg_dl(analyte: str, value: Decimal, unit: Unit) -> Decimal:
    return value if unit is Unit.MG_DL else value * _FACTOR[analyte]


def plausible_max(analyte: str, unit: Unit) -> Decimal:
    """The largest value accepted for an analyte, in the unit the learner entered it in."""
    limit = PLAUSIBLE_MAX_MG_DL[analyte]
    return limit if unit is Unit.MG_DL else limit / _FACTOR[analyte]


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
