from functools import cache as memoize
from urllib.parse import quote

from django.core.cache import cache
from django.db.models import Count, Max
from django.http import Http404
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_GET

from essor.core.charts import bar_chart
from essor.territories.models import Departement, Epci, Region

from . import charts, exports, figures
from .enums import Breakdown, TerritoryLevel
from .figures import Territory
from .models import ReferenceEmployment, TerritoryCentroid
from .secrecy import DOMINANCE_SHARE, MIN_ESTABLISHMENTS

L = TerritoryLevel
B = Breakdown

# The maps' indicator: ?indicateur=salaries (default) or etablissements.
MAP_INDICATORS = {
    "salaries": ("employees", "salariés", "Salariés de l'ESS (estimation)"),
    "etablissements": ("establishments", "établissements", "Établissements de l'ESS"),
}
PORTRAIT_LEVELS = {"departement": L.DEPARTEMENT, "epci": L.EPCI}
PORTRAIT_PLACES = {L.DEPARTEMENT: Departement, L.EPCI: Epci}


def _map_indicator(request):
    choice = request.GET.get("indicateur", "salaries")
    return choice if choice in MAP_INDICATORS else "salaries"


def _download_links(territory, slug):
    return [
        (
            fmt.upper(),
            reverse("observatory:download", args=[territory.level, territory.code, slug, fmt]),
        )
        for fmt in ("csv", "xlsx")
    ]


def _block(dataset, chart=None, chart_kind=""):
    return {
        "dataset": dataset,
        "chart": chart,
        "chart_kind": chart_kind,
        "downloads": _download_links(dataset.territory, dataset.slug),
    }


def _breakdown_blocks(prof, slugs):
    blocks = []
    for slug in slugs:
        dataset = figures.breakdown_dataset(slug, prof)
        if not dataset.rows:
            continue
        chart = None
        if slug != "familles-secteurs":
            key = "establishments" if slug == "tailles" else "employees"
            what = "Établissements" if key == "establishments" else "Salariés (estimation)"
            chart = bar_chart(dataset.rows, key, title=f"{what} — {dataset.title.lower()}")
        blocks.append(_block(dataset, chart, "bars" if chart else ""))
    return blocks


def _flow_blocks(territory):
    yearly = figures.flow_dataset("evolution", territory)
    monthly = figures.flow_dataset("evolution-mensuelle", territory)
    return [
        _block(yearly, charts.column_chart(yearly.rows, title=yearly.title), "columns"),
        _block(monthly),
    ]


def _url(level, code):
    if level in (L.DEPARTEMENT, L.EPCI):
        # One reverse() per level, not per row: a région has a few hundred EPCIs.
        return _portrait_prefix(level) + quote(code) + "/"
    return ""


@memoize
def _portrait_prefix(level):
    return reverse(f"observatory:{level}", args=["-"])[:-2]


def _linked(dataset, level):
    for row in dataset.rows:
        row["url"] = _url(level, row["code"])
    return dataset


def _maps(territory, indicator, departements, epci_dataset):
    key, unit, title = MAP_INDICATORS[indicator]
    result = {}
    if departements is not None:
        result["choropleth"] = charts.choropleth(
            [
                {
                    "code": row["code"],
                    "label": row["label"],
                    "value": row[key],
                    "url": _url(L.DEPARTEMENT, row["code"]),
                }
                for row in departements.rows
            ],
            title=f"{title} par département",
            unit=unit,
        )
    if epci_dataset is not None:
        centroids = {
            c.code: c
            for c in TerritoryCentroid.objects.filter(
                level=L.EPCI, code__in=[row["code"] for row in epci_dataset.rows]
            )
        }
        background = (
            [row["code"] for row in departements.rows]
            if departements is not None
            else [territory.code]
        )
        result["symbols"] = charts.symbols_map(
            background,
            [
                {
                    "label": row["label"],
                    "value": row[key],
                    "latitude": getattr(centroids.get(row["code"]), "latitude", None),
                    "longitude": getattr(centroids.get(row["code"]), "longitude", None),
                    "url": _url(L.EPCI, row["code"]),
                }
                for row in epci_dataset.rows
            ],
            title=f"{title} par intercommunalité",
            unit=unit,
        )
    result["indicator"] = indicator
    result["indicators"] = [(value, label) for value, (_, _, label) in MAP_INDICATORS.items()]
    return result


def _common(territory, prof, refresh):
    return {
        "territory": territory,
        "profile": prof,
        "refresh": refresh,
        "rule": RULE,
    }


RULE = {"minimum": MIN_ESTABLISHMENTS, "dominance": round(DOMINANCE_SHARE * 100)}
BODY_CACHE_SECONDS = 24 * 3600


def _cached_body(template, parts, build_context):
    """The page's figures, rendered once per refresh of the indicators (and import of
    reference employment) and kept in the cache: the same for every visitor, since
    nothing personal is in them. The key changes with the data, so nothing stale is
    ever served."""
    refresh = figures.last_refresh()
    references = ReferenceEmployment.objects.aggregate(count=Count("pk"), last=Max("imported_at"))
    version = [
        refresh.pk if refresh else 0,
        int(refresh.finished_at.timestamp()) if refresh else 0,
        references["count"],
        int(references["last"].timestamp()) if references["last"] else 0,
    ]
    key = "observatory:" + ":".join(str(part) for part in [*parts, *version])
    body = cache.get(key)
    if body is None:
        body = render_to_string(template, build_context(refresh))
        cache.set(key, body, BODY_CACHE_SECONDS)
    return mark_safe(body)  # noqa: S308 - rendered by our own templates, autoescaped


@require_GET
def index(request):
    """The regional dashboard."""
    region = figures.home_region()
    indicator = _map_indicator(request)

    def build(refresh):
        prof = figures.profile(region)
        reference = figures.reference_employment(L.REGION, [region.code]).get(region.code)
        departements = _linked(figures.child_dataset("departements", region), L.DEPARTEMENT)
        epcis = _linked(figures.child_dataset("epci", region), L.EPCI)
        return {
            **_common(region, prof, refresh),
            "key_figures": figures.key_figures_dataset(prof, reference),
            "reference": reference,
            "ess_share": figures.ess_share(prof.total, reference),
            "blocks": _breakdown_blocks(prof, ["familles", "secteurs", "tailles"]),
            "matrix": _block(figures.breakdown_dataset("familles-secteurs", prof)),
            "flow_blocks": _flow_blocks(region),
            "departements": _block(departements),
            "epcis": _block(epcis),
            "maps": _maps(region, indicator, departements, epcis),
        }

    body = _cached_body(
        "observatory/_dashboard_body.html", ["index", region.code, indicator], build
    )
    return render(
        request,
        "observatory/dashboard.html",
        {
            "territory": region,
            "body": body,
            "rule": RULE,
            # The subject of the sections other apps add (essor/core/page_sections.py).
            "place": Region.objects.filter(code=region.code).first(),
        },
    )


@require_GET
def portrait(request, level, code):
    """The "fiche territoire" of a département or an EPCI."""
    if level not in PORTRAIT_LEVELS:
        raise Http404("Niveau de territoire inconnu.")
    territory = figures.get_territory(PORTRAIT_LEVELS[level], code)
    indicator = _map_indicator(request)

    def build(refresh):
        region_profile = figures.comparison_profile(territory)
        prof = figures.profile(territory, compare_to=region_profile)
        reference = figures.reference_employment(territory.level, [territory.code]).get(
            territory.code
        )
        context = {
            **_common(territory, prof, refresh),
            "region": region_profile.territory if region_profile else None,
            "key_figures": figures.key_figures_dataset(prof, reference),
            "reference": reference,
            "ess_share": figures.ess_share(prof.total, reference),
            "blocks": _breakdown_blocks(prof, ["familles", "secteurs", "tailles"]),
            "flow_blocks": _flow_blocks(territory),
        }
        if territory.level == L.DEPARTEMENT:
            epcis = _linked(figures.child_dataset("epci", territory), L.EPCI)
            context["epcis"] = _block(epcis)
            context["maps"] = _maps(territory, indicator, None, epcis)
        else:
            context["departements"] = figures.departements_of_epci(territory.code)
        return context

    body = _cached_body(
        "observatory/_portrait_body.html", ["portrait", level, code, indicator], build
    )
    return render(
        request,
        "observatory/portrait.html",
        {
            "territory": territory,
            "body": body,
            "rule": RULE,
            # What other apps add to the territory's pages (essor/core/page_sections.py),
            # rendered by the template: never cached with the figures.
            "place": PORTRAIT_PLACES[territory.level].objects.get(code=territory.code),
        },
    )


@require_GET
def method(request):
    return render(
        request,
        "observatory/method.html",
        {
            "rule": RULE,
            "refresh": figures.last_refresh(),
            "window": figures.flow_window(),
            "bands": figures.band_estimates(),
        },
    )


@require_GET
def download(request, level, code, slug, fmt):
    if level not in L.values or slug not in figures.DATASET_SLUGS or fmt not in ("csv", "xlsx"):
        raise Http404("Jeu de données introuvable.")
    territory: Territory = figures.get_territory(level, code)
    dataset = figures.build_dataset(slug, territory)
    if fmt == "csv":
        return exports.csv_response(dataset)
    refresh = figures.last_refresh()
    return exports.xlsx_response(dataset, refresh.finished_at if refresh else None)
