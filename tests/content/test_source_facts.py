"""Every fact of the source article is on the reference pages.

Source: "Calcinosis Cutis", medtigo clinical overview, updated September 4, 2023
(shared/seed/000_425d227552b41b9b.txt).

The tests read the starter Markdown directly (no database, no Django) so that a
missing or mangled fact is reported by name. Each entry in ``FACTS`` is one
fact of the source with one or more regular expressions that must all match the
joined, normalized text of the section pages.
"""

import json
import re
from pathlib import Path

import pytest

from tests.content_rules import ALLOWED_PERCENTAGES, strings

ROOT = Path(__file__).resolve().parents[2]
STARTER = ROOT / "calcinosis" / "starter"
SECTIONS_DIR = STARTER / "sections"
KNOWLEDGE = STARTER / "knowledge.json"

# Every number allowed in the section text, with where it comes from.
ALLOWED_NUMBERS = {
    "25": "source: 25% to 40% of limited SSc; also 25-hydroxyvitamin D",
    "40": "source: 25% to 40% of limited SSc",
    "30": "source: about 30% of adults with dermatomyositis",
    "70": "source: up to 70% juvenile DM; Ca x P product threshold 70; Scl-70",
    "33": "source: about 33% periarticular calcification in SLE",
    "17": "source: about 17% soft tissue calcification in SLE",
    "5.6": "70 mg2/dL2 expressed in mmol2/L2 (70 / (4.008 x 3.097))",
    "4.008": "calcium: 1 mmol/L = 4.008 mg/dL",
    "3.097": "phosphate as phosphorus: 1 mmol/L = 3.097 mg/dL",
    "1,25": "1,25-dihydroxyvitamin D (name of the metabolite)",
    "2018": "year of Nigwekar et al., N Engl J Med 2018",
    "2011": "year of Reiter et al., J Am Acad Dermatol 2011",
    "11": "Valenzuela 2014: calcinosis in 11% (11.1%) of adults with dermatomyositis",
    "20": "Valenzuela 2014: earlier estimates of up to 20% in adult dermatomyositis",
    "10": "Hoeltzel 2014: prevalence range 10% to 70% in juvenile dermatomyositis",
}

PCT = r"\s*(?:%|per ?cent)"


def _normalize(markdown_text: str) -> str:
    text = markdown_text.replace("\u2019", "'").replace("\u2018", "'")
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", text)  # links -> link text
    text = re.sub(r"[*_`]", "", text)  # emphasis and code marks
    text = re.sub(r"[#>|]", " ", text)  # headings, quotes, table pipes
    text = re.sub(r"\s+", " ", text)
    return text.lower().strip()


def _section_files() -> list[Path]:
    return sorted(SECTIONS_DIR.glob("*.md"))


def _knowledge() -> dict:
    return json.loads(KNOWLEDGE.read_text(encoding="utf-8"))


TEXT = _normalize("\n\n".join(p.read_text(encoding="utf-8") for p in _section_files()))


FACTS = [
    # --- Background: definition, types, lab patterns, extents -------------
    ("definition-calcium-salts-skin-subcutis", [r"calcium salts.{0,60}skin.{0,60}subcutaneous"]),
    (
        "five-types",
        [
            r"five types",
            r"dystrophic, metastatic, iatrogenic, idiopathic,? and calciphylaxis",
        ],
    ),
    ("dystrophic-most-common", [r"dystrophic (calcification )?is the (most common|commonest)"]),
    (
        "dystrophic-normal-calcium-phosphorus",
        [r"dystrophic.{0,60}normal calcium and phosphorus"],
    ),
    (
        "dystrophic-with-ctd",
        [
            r"dystrophic.{0,400}systemic sclerosis.{0,300}dermatomyositis"
            r".{0,400}mixed connective tissue disease.{0,300}lupus"
        ],
    ),
    (
        "dystrophic-tissue-damage-is-the-site",
        [r"(damaged|injured) or inflamed tissue.{0,30}(seed|site|nidus)"],
    ),
    (
        "metastatic-abnormal-serum-calcium-phosphorus",
        [r"(serum|blood) calcium.{0,40}phosph\w*.{0,40}abnormal"],
    ),
    (
        "metastatic-product-above-70",
        [r"calcium\s*(×|x|times)\s*phosphate product.{0,30}(above|exceeds|over|greater than|more than|>)\s*70"],
    ),
    (
        "idiopathic-subtypes",
        [r"subtypes.{0,30}tumoral calcinosis.{0,40}subepidermal calcified nodules?.{0,30}scrotal calcinosis"],
    ),
    (
        "idiopathic-no-damage-no-abnormal-labs",
        [r"no (underlying )?tissue damage and no abnormal laboratory"],
    ),
    (
        "iatrogenic-calcium-or-phosphate-agents",
        [r"(medicines?|medications?|agents?) that contains? calcium or phosphate"],
    ),
    (
        "iatrogenic-precipitation-of-calcium-salts",
        [r"iatrogenic.{0,300}calcium salts (come out of solution|precipitate)"],
    ),
    ("calciphylaxis-small-medium-vessels", [r"small and medium[- ]sized (blood )?vessels"]),
    ("calciphylaxis-renal-failure-dialysis", [r"chronic renal failure.{0,80}dialysis"]),
    (
        "circumscripta-one-extremity-or-joint",
        [r"circumscripta.{0,60}(one|a single|a specific) extremity or (to the region of )?(one |a single )?joint"],
    ),
    (
        "universalis-widespread-subcutis-muscle-tendon",
        [r"universalis.{0,60}widespread.{0,80}subcutaneous tissue, muscles?,? and tendons?"],
    ),
    # --- Epidemiology --------------------------------------------------------
    ("ssc-limited-form-crest", [r"limited form.{0,30}crest"]),
    (
        "ssc-25-to-40-percent",
        [r"25" + PCT + r"?\s*(to|-|–)\s*40" + PCT, r"limited systemic sclerosis"],
    ),
    ("ssc-within-ten-years-of-onset", [r"within (ten|10) years of (disease )?onset"]),
    ("dm-adults-30-percent", [r"30" + PCT + r" of adults"]),
    (
        "dm-juvenile-up-to-70-percent",
        [r"(as many as|up to) 70" + PCT, r"children and adolescents"],
    ),
    (
        "sle-33-percent-periarticular",
        [r"(33" + PCT + r".{0,80}periarticular|periarticular.{0,60}33" + PCT + ")"],
    ),
    (
        "sle-17-percent-soft-tissue",
        [r"(17" + PCT + r".{0,40}soft tissue|soft tissue.{0,60}17" + PCT + ")"],
    ),
    # --- Pathophysiology -----------------------------------------------------
    ("dystrophic-nidus", [r"nidus"]),
    ("dystrophic-proinflammatory-cytokines", [r"pro-?inflammatory cytokines"]),
    ("dystrophic-local-microenvironment", [r"local microenvironment.{0,80}precipitat"]),
    ("dystrophic-scaffold-calcified-nodules", [r"scaffold.{0,120}(calcified|calcific) nodules"]),
    ("iatrogenic-injection-site-or-surrounding", [r"injection site.{0,30}(tissue around|surrounding)"]),
    ("metastatic-various-tissues-incl-skin", [r"(various|many) tissues.{0,40}skin"]),
    ("metastatic-renal-failure", [r"metastatic.{0,800}renal failure"]),
    ("metastatic-hyperparathyroidism", [r"renal failure.{0,600}hyperparathyroidism"]),
    ("metastatic-vitamin-d-imbalance", [r"hyperparathyroidism.{0,300}vitamin d (imbalance|excess)"]),
    ("idiopathic-mechanism-uncertain", [r"(uncertain|not known|unknown)", r"(more|further) research"]),
    # --- Etiology ------------------------------------------------------------
    ("etiology-multifactorial", [r"(more than one can act|multifactorial)"]),
    (
        "etiology-ctd-damage-inflammation-mineral",
        [r"tissue damage, inflammation,? and altered mineral (handling|metabolism)"],
    ),
    ("etiology-metabolic-hyperparathyroidism", [r"metabolic disorders.{0,80}hyperparathyroidism"]),
    ("etiology-metabolic-vitamin-d", [r"abnormal vitamin d metabolism"]),
    ("etiology-metabolic-mineral-imbalance", [r"imbalances? (of|in) mineral metabolism"]),
    ("etiology-trauma-or-tissue-injury", [r"trauma or tissue injury"]),
    (
        "etiology-surgery-injections-tissue-damage",
        [r"surgery, injections,? and other (kinds|forms) of tissue (damage|injury)"],
    ),
    ("etiology-genetic-conditions", [r"genetic conditions"]),
    ("etiology-pseudoxanthoma-elasticum", [r"pseudoxanthoma elasticum"]),
    (
        "etiology-tumoral-calcinosis-autosomal-recessive",
        [r"autosomal recessive.{0,80}large calcified masses in the soft tissues?"],
    ),
    (
        "etiology-medications-calcium-phosphate-antacids",
        [r"prolonged use of calcium[- ] or phosphate-containing medicines.{0,40}antacids"],
    ),
    (
        "etiology-long-term-iv-therapy-tpn",
        [
            r"(long-term intravenous therapy|intravenous therapy given over a long period)"
            r".{0,40}total parenteral nutrition"
        ],
    ),
    ("etiology-ckd-dialysis", [r"chronic kidney disease.{0,80}(especially|above all|most of all).{0,40}dialysis"]),
    (
        "etiology-ckd-mineral-regulation",
        [r"calcium and phosphate (metabolism|handling).{0,80}(factors|hormones) that regulate minerals"],
    ),
    # --- Clinical history ----------------------------------------------------
    ("history-firm-palpable-nodules", [r"firm.{0,10}palpable"]),
    ("history-size-mm-to-several-cm", [r"millimet(er|re)s?.{0,60}several centimet(er|re)s"]),
    ("history-firm-or-hard", [r"firm (to|and|or) hard"]),
    ("history-visible-or-palpable", [r"(seen|visible).{0,30}(felt|palpable)"]),
    ("history-many-locations", [r"(many|various) sites|almost anywhere"]),
    ("ssc-sites-fingers-hands-forearms-face", [r"systemic sclerosis.{0,40}fingers, hands, forearms,? (and )?face"]),
    ("dm-sites-elbows-knees-extensor", [r"dermatomyositis.{0,40}elbows, knees,? and other extensor surfaces"]),
    ("distribution-gives-diagnostic-clues", [r"clues? to the diagnosis"]),
    (
        "distribution-helps-differentiate",
        [r"(separate|differentiate|distinguish) calcinosis from conditions that merely resemble it"],
    ),
    ("skin-erythematous", [r"erythema"]),
    ("skin-indurated", [r"indurat"]),
    ("skin-ulcers-in-severe-cases", [r"severe cases.{0,20}ulcers or open wounds"]),
    ("skin-texture-and-mobility", [r"texture and mobility"]),
    ("pain-depends-on-size-site-extent", [r"size, (site|location),? and extent"]),
    ("pain-mild-to-severe", [r"mild discomfort to severe pain"]),
    ("pain-worse-inflamed-or-ulcerated", [r"inflamed or ulcerated"]),
    ("function-large-or-multiple-nodules", [r"large or multiple (nodules|deposits).{0,40}(impair|limit)"]),
    ("function-joint-mobility", [r"(stiff joints|joint stiffness|joint mobility)"]),
    ("function-range-of-motion", [r"range of motion"]),
    ("function-activities-of-daily-living", [r"activities of daily living"]),
    ("primary-condition-symptoms", [r"primary (condition|disease)"]),
    (
        "ssc-skin-tightening-raynaud-organs",
        [r"skin tightening, raynaud's phenomenon,? and signs that other organs"],
    ),
    # --- Physical examination ------------------------------------------------
    ("exam-size-and-number-vary", [r"size and number vary"]),
    ("exam-localized-or-widespread", [r"confined to particular areas or widespread"]),
    ("exam-skin-thickened", [r"thickened"]),
    ("exam-peau-dorange", [r"peau d'orange", r"orange peel"]),
    (
        "exam-skin-red-or-normal-by-inflammation",
        [r"erythematous.{0,20}or may look normal", r"inflammation or secondary change"],
    ),
    ("exam-ulcers-painful-infection", [r"painful.{0,20}(liable|prone) to infection"]),
    ("exam-wound-care", [r"wound care"]),
    ("exam-dm-extensor-elbows-knees", [r"extensor surfaces of the elbows and knees"]),
    ("exam-periarticular-stiffness", [r"periarticular.{0,40}joint stiffness.{0,30}restricted movement"]),
    ("exam-functional-impairment", [r"functional impairment"]),
    ("exam-tenderness-by-size-and-site", [r"tender.{0,60}size and site.{0,30}mild discomfort to severe pain"]),
    # --- Distribution by disease ---------------------------------------------
    ("distribution-sle-periarticular", [r"lupus.{0,30}periarticular, meaning around the joints"]),
    ("distribution-scrotal-calcinosis-scrotum", [r"scrotal calcinosis.{0,10}the skin of the scrotum"]),
    ("distribution-iatrogenic-injection-site", [r"iatrogenic calcinosis.{0,10}the injection site"]),
    # --- Differential diagnoses ----------------------------------------------
    ("ddx-cutaneous-mycetoma", [r"cutaneous mycetoma"]),
    ("ddx-milia", [r"\bmilia\b"]),
    ("ddx-genital-warts", [r"genital warts"]),
    ("ddx-osteoma-cutis", [r"osteoma cutis"]),
    ("ddx-xanthomas", [r"xanthomas"]),
    # --- Management ----------------------------------------------------------
    ("mgmt-small-asymptomatic-no-treatment", [r"small or cause no symptoms may need no active treatment"]),
    ("mgmt-regular-monitoring", [r"regular (review|monitoring)"]),
    ("mgmt-protect-from-trauma", [r"protect the affected areas from trauma"]),
    ("mgmt-avoid-cold", [r"avoid cold exposure"]),
    ("mgmt-skin-hygiene", [r"skin hygiene"]),
    ("mgmt-physical-therapy-exercises-rom", [r"physical therapy", r"exercises and range-of-motion activities"]),
    ("mgmt-physical-therapy-mobility-and-pain", [r"improve joint mobility and (ease|reduce) pain"]),
    (
        "mgmt-eswl-breaks-deposits",
        [r"extracorporeal shock wave lithotripsy", r"shock waves.{0,40}break (up|down) calcium deposits"],
    ),
    (
        "mgmt-eswl-promising-some-studies",
        [r"(some|several) studies report promising results|promising results in some studies"],
    ),
]


@pytest.mark.parametrize(("name", "patterns"), FACTS, ids=[name for name, _ in FACTS])
def test_source_fact_is_on_the_reference_pages(name, patterns):
    missing = [p for p in patterns if not re.search(p, TEXT, flags=re.DOTALL)]
    assert not missing, f"source fact {name!r} not found; unmatched: {missing}"


def test_fact_names_are_unique():
    names = [name for name, _ in FACTS]
    assert len(names) == len(set(names))


def test_every_section_has_a_file_and_every_file_a_section():
    sections = {row["slug"] for row in _knowledge()["sections"]}
    files = {p.stem for p in _section_files()}
    assert sections - files == set(), "sections without a Markdown file"
    assert files - sections == set(), "Markdown files without a section row"


def _percentages(text: str) -> set[str]:
    found = set(re.findall(r"(\d+(?:\.\d+)?)\s*(?:%|per ?cent)", text, flags=re.IGNORECASE))
    for low, _high in re.findall(
        r"(\d+(?:\.\d+)?)\s*(?:%|per ?cent)?\s*(?:to|-|–)\s*(\d+(?:\.\d+)?)\s*(?:%|per ?cent)",
        text,
        flags=re.IGNORECASE,
    ):
        found.add(low)
    return found


def test_every_percentage_is_one_of_the_sources():
    texts = {p.name: p.read_text(encoding="utf-8") for p in _section_files()}
    texts["knowledge.json"] = "\n".join(strings(_knowledge()))
    allowed = ALLOWED_PERCENTAGES
    invented = {name: sorted(_percentages(text) - allowed) for name, text in texts.items()}
    invented = {name: values for name, values in invented.items() if values}
    assert not invented, f"percentages not in the source: {invented}"


def test_every_number_in_the_sections_is_accounted_for():
    unexplained = {}
    for path in _section_files():
        text = path.read_text(encoding="utf-8")
        text = re.sub(r"(?m)^\s*\d+\.\s", " ", text)  # ordered-list markers
        numbers = set(re.findall(r"(?<![\w.,])\d+(?:[.,]\d+)*", text))
        extra = sorted(numbers - set(ALLOWED_NUMBERS))
        if extra:
            unexplained[path.name] = extra
    assert not unexplained, f"numbers with no source or named reference: {unexplained}"


def test_no_sentence_copied_from_the_source():
    """Facts carry over, sentences do not: no run of 8 words is shared with the source."""
    seed = ROOT.parent / "shared" / "seed" / "000_425d227552b41b9b.txt"
    if not seed.exists():
        pytest.skip("source article not available")
    source = seed.read_text(encoding="utf-8").split("Free CME credits")[0]

    def words(text):
        return re.findall(r"[a-z0-9]+", text.lower().replace("\u2019", "'"))

    size = 8
    source_words = words(source)
    grams = {tuple(source_words[i : i + size]) for i in range(len(source_words) - size + 1)}
    copied = []
    for path in _section_files():
        page = words(re.sub(r"\]\([^)]*\)", "]", path.read_text(encoding="utf-8")))
        copied += [
            f"{path.stem}: {' '.join(page[i : i + size])}"
            for i in range(len(page) - size + 1)
            if tuple(page[i : i + size]) in grams
        ]
    assert not copied, copied
