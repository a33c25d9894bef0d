"""The lab values panel: adult reference ranges for a calcinosis cutis workup, in conventional and SI units, and the
notes that keep them from being misread; no Django.

Every limit is written here once, as the cited source prints it, in both unit systems where the source prints both.
Total calcium and phosphate are the calculator's own ranges (calcinosis.calculator.REFERENCE_MG_DL and
REFERENCE_MMOL_L), so the panel and the Ca x P calculator can never disagree.

Only where a source prints no SI figure is one worked out, always by one rule, SI = conventional / factor, where the
factor is how many conventional units make one SI unit (4.008 mg/dL of calcium in 1 mmol/L; 1/88.4 mg/dL of creatinine
in 1 µmol/L, because 1 mg/dL of creatinine is 88.4 µmol/L), rounded as a laboratory prints it; the page marks such a
figure "converted". Converting a printed limit gives a slightly different number (10.4 mg/dL / 4.008 = 2.595 mmol/L,
where Merck prints 2.60), and judging against the converted one would contradict the source. Factors are kept as exact
fractions so that no limit is nudged across a rounding boundary by the arithmetic.

Ranges differ between laboratories, assays and populations: these are teaching values, and a patient's result is read
against the range printed by the laboratory that measured it.
"""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

from calcinosis.calculator import (
    CALCIUM_MG_DL_PER_MMOL_L,
    PHOSPHATE_MG_DL_PER_MMOL_L,
    REFERENCE_MG_DL,
    REFERENCE_MMOL_L,
    THRESHOLD_MG2_DL2,
    THRESHOLD_MMOL2_L2,
)


@dataclass(frozen=True)
class Source:
    number: int  # in the order the page first cites it
    text: str


# The table's sources.
MERCK = Source(
    1,
    "Merck Manual Professional Version, Electrolyte Disorders, by James L. Lewis III: “Hypercalcemia”, "
    "“Hypophosphatemia” and “Hyperphosphatemia” (each reviewed/revised September 2023) and “Hypocalcemia”.",
)
MEDLINEPLUS_ALBUMIN = Source(
    2,
    "MedlinePlus Medical Encyclopedia (U.S. National Library of Medicine): “Albumin blood (serum) test”, "
    "normal results.",
)
DAVIS = Source(
    3,
    "Davis’s Lab & Diagnostic Tests (A. M. Van Leeuwen et al., F. A. Davis; Nursing Central online edition): "
    "“Parathyroid Hormone” (intact, electrochemiluminescent immunoassay; SI = conventional × 1) and "
    "“Creatinine, Blood” (SI = conventional × 88.4), adult normal findings.",
)
IOM = Source(
    4,
    "Institute of Medicine, Dietary Reference Intakes for Calcium and Vitamin D (National Academies Press, 2011), "
    "Summary; and Ross AC, et al. The 2011 report on Dietary Reference Intakes for calcium and vitamin D from the "
    "Institute of Medicine: what clinicians need to know. J Clin Endocrinol Metab 2011;96:53–58.",
)
# The notes' sources.
SOURCE_ARTICLE = Source(
    5, "“Calcinosis Cutis”, clinical overview, medtigo (updated 4 September 2023): the source article."
)
MEDSCAPE_CALCINOSIS = Source(
    6, "Medscape Reference, “Calcinosis Cutis”, Pathophysiology: a calcium-phosphate product above 70 mg²/dL²."
)
KDIGO_MBD = Source(
    7,
    "KDIGO Clinical Practice Guideline for the Diagnosis, Evaluation, Prevention, and Treatment of Chronic Kidney "
    "Disease–Mineral and Bone Disorder (CKD-MBD), Kidney Int Suppl 2009, and its 2017 update, Kidney Int Suppl "
    "2017;7:1–59.",
)
NIGWEKAR = Source(8, "Nigwekar SU, Thadhani R, Brandenburg VM. Calciphylaxis. N Engl J Med 2018;378:1704–14.")
MEDSCAPE_CORRECTION = Source(
    9,
    "Medscape Reference: “Calcium Correction for Hypoalbuminemia” (calculator), and “Hypercalcemia” "
    "(M. Agraharkar): corrected Ca = (4 − albumin in g/dL) × 0.8 + serum calcium.",
)
CRITICAL_ILLNESS = Source(
    10,
    "Slomp J, et al. Albumin-adjusted calcium is not suitable for diagnosis of hyper- and hypocalcemia in the "
    "critically ill. Crit Care Med 2003;31:1389–93.",
)
CURRENT_NEPHROLOGY = Source(
    11,
    "Sprague SM. Disorders of Calcium Metabolism: Hypocalcemia and Hypercalcemia. In: CURRENT Diagnosis & "
    "Treatment: Nephrology & Hypertension, 2nd ed. McGraw-Hill; 2017.",
)
IFCC = Source(
    12,
    "IFCC Scientific Division. IFCC recommendation on sampling, transport and storage for the determination of the "
    "concentration of ionized calcium in whole blood, plasma and serum. Eur J Clin Chem Clin Biochem 1991;29:767–72.",
)
STATPEARLS_PHOSPHATE = Source(13, "StatPearls, “Hypophosphatemia” (children’s serum phosphate is considerably higher).")
SOUBERBIELLE = Source(
    14,
    "Souberbielle J-C, et al. How the reference values for serum parathyroid hormone concentration are (or should be) "
    "established? J Endocrinol Invest 2017;40(3).",
)
ENDOCRINE_SOCIETY = Source(
    15,
    "Holick MF, et al. Evaluation, treatment, and prevention of vitamin D deficiency: an Endocrine Society clinical "
    "practice guideline. J Clin Endocrinol Metab 2011;96:1911–30.",
)
ENDOCRINE_SOCIETY_2024 = Source(
    16,
    "Demay MB, et al. Vitamin D for the prevention of disease: an Endocrine Society clinical practice guideline. "
    "J Clin Endocrinol Metab 2024;109:1907–47.",
)
CKD_EPI_2021 = Source(
    17,
    "Inker LA, et al. New creatinine- and cystatin C-based equations to estimate GFR without race. "
    "N Engl J Med 2021;385:1737–49.",
)
KDIGO_CKD = Source(
    18,
    "KDIGO 2024 Clinical Practice Guideline for the Evaluation and Management of Chronic Kidney Disease. Kidney Int "
    "2024;105(4S):S117–S314 (staging by cause, GFR category and albuminuria category, as in 2012).",
)
OMIM_HFTC = Source(
    19, "OMIM #211900, Tumoral calcinosis, hyperphosphatemic, familial, 1 (HFTC1): clinical synopsis, laboratory."
)

SOURCES = (
    MERCK,
    MEDLINEPLUS_ALBUMIN,
    DAVIS,
    IOM,
    SOURCE_ARTICLE,
    MEDSCAPE_CALCINOSIS,
    KDIGO_MBD,
    NIGWEKAR,
    MEDSCAPE_CORRECTION,
    CRITICAL_ILLNESS,
    CURRENT_NEPHROLOGY,
    IFCC,
    STATPEARLS_PHOSPHATE,
    SOUBERBIELLE,
    ENDOCRINE_SOCIETY,
    ENDOCRINE_SOCIETY_2024,
    CKD_EPI_2021,
    KDIGO_CKD,
    OMIM_HFTC,
)


def conventional_per_si(factor: Decimal | str) -> Fraction:
    """A factor quoted as 'conventional units in one SI unit' (4.008 mg/dL of calcium per mmol/L)."""
    return Fraction(factor)


def si_per_conventional(factor: Decimal | str) -> Fraction:
    """A factor quoted the other way round, as a multiplier (mg/dL of creatinine x 88.4 = µmol/L)."""
    return 1 / Fraction(factor)


def _decimal(value: Fraction, places: int) -> Decimal:
    exact = Decimal(value.numerator) / Decimal(value.denominator)
    return exact.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class Conversion:
    conventional: str  # the conventional unit, e.g. "mg/dL"
    si: str  # the SI unit, e.g. "mmol/L"
    factor: Fraction  # conventional units in one SI unit: SI = conventional / factor
    conventional_places: int  # decimals a laboratory prints in each unit
    si_places: int

    def to_si(self, value: Decimal) -> Decimal:
        """A value in conventional units, in SI units, rounded as a laboratory prints it."""
        return _decimal(Fraction(value) / self.factor, self.si_places)

    def shown(self, value: Decimal) -> Decimal:
        return _decimal(Fraction(value), self.conventional_places)

    @property
    def rule(self) -> str:
        """How to get from one unit to the other, as a laboratory handbook says it."""
        if self.factor == 1:
            return f"1 {self.conventional} = 1 {self.si}"
        if self.factor > 1:
            return f"{self.conventional} ÷ {_plain(self.factor)} = {self.si}"
        return f"{self.conventional} × {_plain(1 / self.factor)} = {self.si}"


def _plain(value: Fraction) -> str:
    """A factor as it was quoted (4.008, 88.4), without trailing zeros."""
    text = f"{_decimal(value, 6):f}".rstrip("0")
    return text.rstrip(".")


CALCIUM = Conversion("mg/dL", "mmol/L", conventional_per_si(CALCIUM_MG_DL_PER_MMOL_L), 1, 2)
PHOSPHATE = Conversion("mg/dL", "mmol/L", conventional_per_si(PHOSPHATE_MG_DL_PER_MMOL_L), 1, 2)
ALBUMIN = Conversion("g/dL", "g/L", si_per_conventional("10"), 1, 0)
PTH = Conversion("pg/mL", "ng/L", Fraction(1), 0, 0)
VITAMIN_D = Conversion("ng/mL", "nmol/L", si_per_conventional("2.496"), 0, 0)
CREATININE = Conversion("mg/dL", "µmol/L", si_per_conventional("88.4"), 2, 0)

Limits = tuple[Decimal | None, Decimal | None]


@dataclass(frozen=True)
class Range:
    """One row of the panel: a test, for whom or what the range holds, and its limits in conventional units and, where
    the source prints them, in SI units.

    A band open at one end has no low (below a limit, "< 12") or no high (above one, "> 50"). A band whose upper limit
    belongs to the next band up is written "12 to < 20"."""

    test: str
    who: str
    low: Decimal | None
    high: Decimal | None
    conversion: Conversion
    source: Source
    printed_si: Limits | None = None  # the SI limits as the source prints them; None when it prints none
    below_high: bool = False  # the band stops just below its upper limit

    def _limits(self, low: Decimal | None, high: Decimal | None) -> str:
        if low is None:
            return f"< {high}"
        if high is None:
            return f"> {low}"
        if self.below_high:
            return f"{low} to < {high}"
        return f"{low}–{high}"

    @property
    def si_printed(self) -> bool:
        return self.printed_si is not None

    @property
    def converted_si(self) -> Limits:
        return tuple(None if v is None else self.conversion.to_si(v) for v in (self.low, self.high))

    @property
    def si_values(self) -> Limits:
        """The SI limits shown and judged against: the printed ones, else the converted ones."""
        return self.printed_si if self.printed_si is not None else self.converted_si

    @property
    def conventional_limits(self) -> str:
        """The limits alone ("8.8–10.4"), so a page can keep them on one line and let the unit wrap."""
        return self._limits(*(None if v is None else self.conversion.shown(v) for v in (self.low, self.high)))

    @property
    def si_limits(self) -> str:
        return self._limits(*self.si_values)

    @property
    def conventional(self) -> str:
        return f"{self.conventional_limits} {self.conversion.conventional}"

    @property
    def si(self) -> str:
        return f"{self.si_limits} {self.conversion.si}"


def _decimals(*values: str | None) -> Limits:
    return tuple(None if v is None else Decimal(v) for v in values)


PANEL = (
    Range(
        "Calcium, total (serum)",
        "adults",
        *REFERENCE_MG_DL["calcium"],
        CALCIUM,
        MERCK,
        printed_si=REFERENCE_MMOL_L["calcium"],
    ),
    Range("Calcium, ionized", "adults", *_decimals("4.7", "5.2"), CALCIUM, MERCK, printed_si=_decimals("1.17", "1.30")),
    Range(
        "Phosphate (reported as phosphorus)",
        "adults",
        *REFERENCE_MG_DL["phosphate"],
        PHOSPHATE,
        MERCK,
        printed_si=REFERENCE_MMOL_L["phosphate"],
    ),
    Range("Albumin", "serum", *_decimals("3.4", "5.4"), ALBUMIN, MEDLINEPLUS_ALBUMIN, printed_si=_decimals("34", "54")),
    Range(
        "Parathyroid hormone (PTH), intact",
        "adults",
        *_decimals("15", "65"),
        PTH,
        DAVIS,
        printed_si=_decimals("15", "65"),
    ),
    Range(
        "25-hydroxyvitamin D",
        "at risk of deficiency",
        *_decimals(None, "12"),
        VITAMIN_D,
        IOM,
        printed_si=_decimals(None, "30"),
    ),
    Range(
        "25-hydroxyvitamin D",
        "some potentially at risk of inadequacy",
        *_decimals("12", "20"),
        VITAMIN_D,
        IOM,
        printed_si=_decimals("30", "50"),
        below_high=True,
    ),
    Range(
        "25-hydroxyvitamin D",
        "sufficient for practically everyone",
        *_decimals("20", "50"),
        VITAMIN_D,
        IOM,
        printed_si=_decimals("50", "125"),
    ),
    Range(
        "25-hydroxyvitamin D",
        "may be reason for concern",
        *_decimals("50", None),
        VITAMIN_D,
        IOM,
        printed_si=_decimals("125", None),
    ),
    Range(
        "Creatinine (serum)",
        "adult men",
        *_decimals("0.61", "1.21"),
        CREATININE,
        DAVIS,
        printed_si=_decimals("54", "107"),
    ),
    Range(
        "Creatinine (serum)",
        "adult women",
        *_decimals("0.51", "1.11"),
        CREATININE,
        DAVIS,
        printed_si=_decimals("45", "98"),
    ),
)
CAPTION = "Adult reference ranges; for 25-hydroxyvitamin D, IOM 2011 status cut-offs"


@dataclass(frozen=True)
class Cited:
    """A sentence and the sources it rests on."""

    text: str
    sources: tuple[Source, ...] = ()

    @property
    def numbers(self) -> str:
        return ", ".join(str(source.number) for source in self.sources)

    @property
    def label(self) -> str:
        """What a screen reader hears before the numbers."""
        return "source" if len(self.sources) == 1 else "sources"


@dataclass(frozen=True)
class Note:
    topic: str
    sentences: tuple[Cited, ...]

    @property
    def text(self) -> str:
        return " ".join(sentence.text for sentence in self.sentences)

    @property
    def sources(self) -> tuple[Source, ...]:
        found = (source for sentence in self.sentences for source in sentence.sources)
        return tuple(sorted(set(found), key=lambda source: source.number))


# One wording of the Ca x P threshold for every page that states it (the lab values and the calculator).
CA_P_THRESHOLD = Note(
    "Calcium × phosphate",
    (
        Cited(
            f"The classic threshold is a product above about {THRESHOLD_MG2_DL2} mg²/dL² "
            f"(about {THRESHOLD_MMOL2_L2:.1f} mmol²/L²),",
            (SOURCE_ARTICLE, MEDSCAPE_CALCINOSIS),
        ),
        Cited("a rule of thumb rather than a cut-off: above it metastatic calcification is more likely."),
        Cited("In chronic kidney disease calcification is seen from about 55 mg²/dL² (4.4 mmol²/L²);", (MERCK,)),
        Cited(
            "current KDIGO guidance bases decisions on serial calcium, phosphate and PTH considered together, not on "
            "their product;",
            (KDIGO_MBD,),
        ),
        Cited("and calciphylaxis can occur with calcium and phosphate within their reference ranges.", (NIGWEKAR,)),
    ),
)

NOTES = (
    CA_P_THRESHOLD,
    Note(
        "Calcium and albumin",
        (
            Cited("A low albumin lowers the total calcium but not the ionized calcium."),
            Cited(
                "Corrected calcium (mg/dL) = measured calcium + 0.8 × (4.0 − albumin in g/dL); in SI, corrected "
                "calcium (mmol/L) = measured calcium + 0.02 × (40 − albumin in g/L). It is an approximation, "
                "unreliable in chronic kidney disease",
                (MEDSCAPE_CORRECTION, KDIGO_MBD),
            ),
            Cited("and in critical illness, where ionized calcium is preferred.", (CRITICAL_ILLNESS,)),
        ),
    ),
    Note(
        "Ionized calcium",
        (
            Cited("It depends on pH and rises in acidosis;", (CURRENT_NEPHROLOGY,)),
            Cited("it needs an anaerobic sample, analysed promptly;", (IFCC,)),
            Cited("it is usually reported in mmol/L."),
        ),
    ),
    Note(
        "Phosphate",
        (
            Cited(
                "Serum “phosphorus” and “phosphate” are the same test: inorganic phosphate, reported as the mass of "
                "phosphorus it contains, so 1 mmol/L = 3.097 mg/dL (about 3.1; phosphorus, 30.97 g/mol). Do not "
                "convert with the mass of the whole PO₄ ion."
            ),
            Cited("Children’s values are higher than these adult ones.", (STATPEARLS_PHOSPHATE,)),
        ),
    ),
    Note(
        "PTH",
        (
            Cited(
                "Interpret it together with a calcium measured at the same time; its range depends on the assay, so "
                "use the measuring laboratory’s.",
                (SOUBERBIELLE,),
            ),
            Cited("Some laboratories report PTH in pmol/L: read such a result against that laboratory’s range."),
            Cited(
                "In patients on dialysis KDIGO suggests keeping intact PTH at about 2 to 9 times the upper limit of "
                "normal for the assay.",
                (KDIGO_MBD,),
            ),
        ),
    ),
    Note(
        "Vitamin D",
        (
            Cited(
                "25-hydroxyvitamin D has no single reference range: the four bands are the Institute of "
                "Medicine’s 2011 status cut-offs for bone health.",
                (IOM,),
            ),
            Cited(
                "Other bodies use other cut-offs: the Endocrine Society’s 2011 guideline defined deficiency as below "
                "20 ng/mL (50 nmol/L) and vitamin D intoxication with hypercalcemia as usually seen only above about "
                "150 ng/mL (375 nmol/L);",
                (ENDOCRINE_SOCIETY,),
            ),
            Cited("its 2024 guideline no longer sets thresholds.", (ENDOCRINE_SOCIETY_2024,)),
        ),
    ),
    Note(
        "Creatinine",
        (
            Cited(
                "It depends on muscle mass, age and sex, and ranges vary between laboratories.", (DAVIS, CKD_EPI_2021)
            ),
            Cited(
                "Kidney function is estimated as eGFR (CKD-EPI 2021 equation) and staged by eGFR with albuminuria, "
                "not by creatinine alone.",
                (CKD_EPI_2021, KDIGO_CKD),
            ),
        ),
    ),
    Note(
        "Tumoral calcinosis",
        (
            Cited(
                "The source article counts tumoral calcinosis among the idiopathic types, which come without abnormal "
                "laboratory values.",
                (SOURCE_ARTICLE,),
            ),
            Cited(
                "The inherited hyperphosphatemic form (hyperphosphatemic familial tumoral calcinosis) is the "
                "exception: a high phosphate with normal calcium and PTH, and 1,25-dihydroxyvitamin D normal or high.",
                (OMIM_HFTC,),
            ),
        ),
    ),
)
