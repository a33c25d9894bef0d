from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_GET

from calcinosis import labs, search, selectors
from calcinosis.caching import cached_for_visitors
from calcinosis.calculator import THRESHOLD_MG2_DL2, THRESHOLD_MMOL2_L2, Unit, assess, reference_table
from calcinosis.forms import CalculatorForm, CompareForm, SearchForm
from calcinosis.models import CalcinosisType, Differential, Section


def _contents() -> list[Section]:
    return list(Section.objects.published().only("slug", "title", "order"))


@require_GET
@cached_for_visitors
def reference_index(request: HttpRequest) -> HttpResponse:
    sections = Section.objects.published().only("slug", "title", "summary", "order")
    return render(request, "reference/index.html", {"sections": sections, "search_form": SearchForm()})


# The section whose page shows every graded distribution (the body sites' own page).
DISTRIBUTION_SECTION = "distribution"


@require_GET
@cached_for_visitors
def reference_section(request: HttpRequest, slug: str) -> HttpResponse:
    section = get_object_or_404(Section.objects.published(), slug=slug)
    contents = _contents()
    position = next(i for i, s in enumerate(contents) if s.pk == section.pk)
    ctype = CalcinosisType.objects.filter(section=section).prefetch_related("conditions__section").first()
    context = {
        "section": section,
        "contents": contents,
        "previous": contents[position - 1] if position > 0 else None,
        "next": contents[position + 1] if position + 1 < len(contents) else None,
        "ctype": ctype,
        "differentials": Differential.objects.select_related("section") if ctype else [],
        "distribution": selectors.distribution_of(ctype) if ctype else None,
        "search_form": SearchForm(),
    }
    if section.slug == DISTRIBUTION_SECTION:
        context |= _distribution_gallery(request)
    else:
        context["conditions_here"] = selectors.condition_distributions(section)
    return render(request, "reference/section.html", context)


def _distribution_gallery(request: HttpRequest) -> dict:
    """Every graded distribution as a figure, and two of them side by side when the learner asks to compare."""
    gallery = selectors.distributions()
    form = CompareForm(request.GET or None, choices=[(d.key, d.subject.name) for d in gallery])
    compared = []
    if form.is_bound and form.is_valid():
        by_key = {d.key: d for d in gallery}
        picked = [form.cleaned_data["first"], form.cleaned_data["second"]]
        compared = [{"d": by_key[key], "prefix": f"compare-{i}-"} for i, key in enumerate(picked, 1)]
    return {"gallery": gallery, "compare_form": form, "compared": compared}


@require_GET
def reference_search(request: HttpRequest) -> HttpResponse:
    form = SearchForm(request.GET)
    words = form.words()
    hits = []
    if words:
        sections = Section.objects.published()
        for word in words:
            sections = sections.filter(Q(title__icontains=word) | Q(body__icontains=word))
        for section in sections:
            text = search.plain_text(section.body_html)
            hits.append((search.score(section.title, text, words), section, search.passage(text, words)))
        hits.sort(key=lambda hit: (-hit[0], hit[1].order))
    context = {"search_form": form, "words": words, "hits": [(s, p) for _, s, p in hits]}
    return render(request, "reference/search.html", context)


@require_GET
def calculator(request: HttpRequest) -> HttpResponse:
    form = CalculatorForm(request.GET or None)
    result = None
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        result = assess(calcium=data["calcium"], phosphate=data["phosphate"], unit=Unit(data["unit"]))
    context = {
        "form": form,
        "result": result,
        "threshold_mg": THRESHOLD_MG2_DL2,
        "threshold_mmol": THRESHOLD_MMOL2_L2,
        "ranges": reference_table(),
        "threshold_note": labs.CA_P_THRESHOLD,
        "search_form": SearchForm(),
    }
    template = "reference/calculator.html"
    if request.htmx:
        template += "#result"
    return render(request, template, context)


def _lab_values_context() -> dict:
    return {"ranges": labs.PANEL, "caption": labs.CAPTION, "notes": labs.NOTES, "sources": labs.SOURCES}


@cached_for_visitors
def _lab_values_page(request: HttpRequest) -> HttpResponse:
    context = _lab_values_context() | {"search_form": SearchForm()}
    return render(request, "reference/labs.html", context)


@require_GET
def lab_values(request: HttpRequest) -> HttpResponse:
    """The lab values table as a page, or just the table for the panel on a question page (htmx). The visitors'
    page cache keys on the path alone, so the fragment is kept out of it."""
    if request.htmx:
        response = render(request, "reference/labs.html#table", _lab_values_context())
    else:
        response = _lab_values_page(request)
    patch_vary_headers(response, ("HX-Request",))
    return response
