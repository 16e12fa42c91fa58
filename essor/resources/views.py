from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, render
from django.urls import NoReverseMatch, reverse
from django.views.decorators.http import require_GET

from essor.core import report
from essor.core.text import fold
from essor.directory.enums import EssFamily
from essor.purchasing import services as purchasing
from essor.territories.models import Departement

from . import legal_forms, purchasing_guide
from .forms import LegalFormChooserForm, TrainingSearchForm
from .models import Page, Training

PER_PAGE = 20


def _url(name, fallback):
    # Sections built by other apps may not be routed yet on this instance.
    try:
        return reverse(name)
    except NoReverseMatch:
        return fallback


@require_GET
def index(request):
    return render(
        request,
        "resources/index.html",
        {
            "pages": Page.objects.filter(is_published=True),
            "training_count": Training.objects.published().count(),
        },
    )


# The ESS families of the law of 31 July 2014, article 1, in a sentence each.
FAMILIES = [
    (
        EssFamily.ASSOCIATION,
        "Les associations",
        "des personnes qui mettent en commun leurs connaissances ou leur activité dans un but autre que le partage des bénéfices (loi du 1er juillet 1901).",
    ),
    (
        EssFamily.COOPERATIVE,
        "Les coopératives",
        "des entreprises détenues et gouvernées par leurs membres (salariés, usagers, producteurs…), une personne = une voix, avec des réserves impartageables (loi du 10 septembre 1947).",
    ),
    (
        EssFamily.MUTUAL,
        "Les mutuelles",
        "des groupements de personnes qui s'assurent et s'entraident, sans actionnaires (code de la mutualité, code des assurances).",
    ),
    (
        EssFamily.FOUNDATION,
        "Les fondations",
        "des biens affectés de façon irrévocable à une œuvre d'intérêt général (loi du 23 juillet 1987).",
    ),
    (
        EssFamily.COMMERCIAL,
        "Les sociétés commerciales de l'ESS",
        "des sociétés qui respectent les principes de l'ESS dans leurs statuts et recherchent une utilité sociale (loi du 31 juillet 2014, article 1er, II).",
    ),
]


@require_GET
def what_is_ess(request):
    figures = report.key_figures()
    quotes = list(dict.fromkeys(f["quote"] for f in figures))
    return render(
        request,
        "resources/what_is_ess.html",
        {
            "families": [(label, text) for _, label, text in FAMILIES],
            "regional_figures": report.key_figures("région"),
            "national_figures": report.key_figures("France"),
            "quotes": quotes,
            "report_source": report.source(),
            "directory_url": _url("search:directory", "/annuaire/"),
            "initiatives_url": _url("initiatives:index", "/initiatives/"),
        },
    )


@require_GET
def purchasing_guide_page(request):
    return render(
        request,
        "resources/purchasing_guide.html",
        {
            "sections": purchasing_guide.SECTIONS,
            "clauses": purchasing_guide.MODEL_CLAUSES,
            "reservations": purchasing.reserved_contracts(),
            "legifrance": purchasing_guide.LEGIFRANCE_CCP,
        },
    )


@require_GET
def legal_forms_guide(request):
    return render(
        request,
        "resources/legal_forms.html",
        {"forms": legal_forms.LEGAL_FORMS, "criteria": legal_forms.CRITERIA},
    )


@require_GET
def legal_form(request, slug):
    form = legal_forms.BY_SLUG.get(slug)
    if form is None:
        return render(request, "core/errors/404.html", status=404)
    return render(request, "resources/legal_form.html", {"legal_form": form})


@require_GET
def legal_form_chooser(request):
    """GET form, so that the answers are in the URL: the orientation assistant and people
    can link to a result."""
    answered = any(name in request.GET for name, _, _ in legal_forms.QUESTIONS)
    form = LegalFormChooserForm(request.GET if answered else None)
    suggestions = warnings = None
    status = 200
    if answered:
        if form.is_valid():
            suggestions = legal_forms.suggest(form.cleaned_data)
            warnings = legal_forms.warnings(form.cleaned_data)
        else:
            status = 400
    return render(
        request,
        "resources/legal_form_chooser.html",
        {
            "form": form,
            "suggestions": suggestions,
            "warnings": warnings,
            "support_url": _url("support:index", ""),
        },
        status=status,
    )


@require_GET
def trainings(request):
    form = TrainingSearchForm(request.GET or None)
    results = Training.objects.published().select_related(
        "organiser", "region", "departement", "epci"
    )
    status = 200
    if form.is_bound and not form.is_valid():
        status = 400
        results = results.none()
    elif form.is_bound:
        data = form.cleaned_data
        for word in fold(data["q"]).split()[:10]:
            results = results.filter(search_text__contains=word)
        if data["public"]:
            results = results.for_audience(data["public"])
        if data["format"]:
            results = results.filter(format=data["format"])
        if data["departement"]:
            results = results.serving_departement(Departement.objects.get(code=data["departement"]))
        if data["opco"]:
            results = results.filter(opco_fundable=True)
        if data["gratuit"]:
            results = results.filter(is_free=True)
    page = Paginator(results.order_by("title", "pk"), PER_PAGE).get_page(request.GET.get("page"))
    state = {k: v for k, v in request.GET.items() if k != "page" and v}
    return render(
        request,
        "resources/trainings.html",
        {"form": form, "page": page, "query_string": urlencode(state), "filtered": bool(state)},
        status=status,
    )


@require_GET
def training(request, pk):
    training = get_object_or_404(
        Training.objects.published().select_related("organiser", "region", "departement", "epci"),
        pk=pk,
    )
    return render(request, "resources/training.html", {"training": training})


@require_GET
def page(request, slug):
    page = get_object_or_404(Page, slug=slug, is_published=True)
    return render(request, "resources/page.html", {"page": page})
