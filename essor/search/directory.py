"""Searching the directory: the search form, its state in the URL, the facets shown
beside the results, the map's clusters. The SQL lives in essor/search/backends."""

import math
import re
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django import forms
from django.core.paginator import Page, Paginator
from django.utils.html import escape
from django.utils.safestring import mark_safe

from essor.directory import nomenclatures
from essor.directory.enums import EssFamily, LabelKind
from essor.directory.models import Label, Organisation
from essor.territories.forms import CommuneField
from essor.territories.models import Commune, Departement, Epci

from .backends import BBox, Near, SearchFilters, get_backend

PER_PAGE = 20
MAX_PAGE = 500
RADIUS_KM = [5, 10, 20, 30, 50, 100]
# Map clusters are about this many pixels wide on screen.
CELL_PIXELS = 60
MAX_POINTS = 1000
EPCI_FACET_SIZE = 40

SORTS = {"pertinence": "relevance", "distance": "distance", "nom": "name"}
SORT_LABELS = {"pertinence": "Pertinence", "distance": "Distance", "nom": "Nom"}
# The query parameters of the page, in the order the canonical URL writes them.
STATE_PARAMS = [
    "q", "commune", "rayon", "famille", "esus", "lieu", "label", "section", "secteur",
    "effectif", "departement", "epci", "zone", "tri", "carte",
]  # fmt: skip

NUMBER = r"-?\d{1,3}(?:\.\d{1,7})?"
BBOX_RE = re.compile(rf"^({NUMBER}),({NUMBER}),({NUMBER}),({NUMBER})$")
VIEW_RE = re.compile(rf"^({NUMBER}),({NUMBER}),(\d{{1,2}})$")


def parse_bbox(value):
    """Read "west,south,east,north" (degrees) into a BBox, or raise a French ValidationError."""
    match = BBOX_RE.match((value or "").replace(" ", ""))
    if not match:
        raise forms.ValidationError(
            "La zone doit s'écrire « ouest,sud,est,nord » en degrés décimaux.", code="bbox"
        )
    west, south, east, north = (float(x) for x in match.groups())
    if not (-180 <= west < east <= 180 and -90 <= south < north <= 90):
        raise forms.ValidationError(
            "La zone est invalide : l'ouest doit être avant l'est et le sud avant le nord.",
            code="bbox",
        )
    return BBox(west, south, east, north)


class SearchForm(forms.Form):
    q = forms.CharField(
        label="Nom, sigle, activité, SIREN…", required=False, max_length=200, strip=True
    )
    commune = CommuneField(label="Commune", required=False)
    rayon = forms.TypedChoiceField(
        label="Autour de la commune",
        required=False,
        coerce=int,
        empty_value=None,
        choices=[("", "Dans la commune seulement")]
        + [(str(km), f"À moins de {km} km") for km in RADIUS_KM],
    )
    famille = forms.ChoiceField(
        label="Famille de l'ESS", required=False, choices=[("", "Toutes"), *EssFamily.choices]
    )
    esus = forms.BooleanField(label="Agrément ESUS", required=False)
    lieu = forms.SlugField(label="Lieu de l'ESS", required=False, max_length=30)
    label = forms.SlugField(label="Label ou agrément", required=False, max_length=30)
    section = forms.ChoiceField(label="Secteur d'activité (NAF)", required=False)
    secteur = forms.ChoiceField(label="Secteur de l'ESS", required=False)
    effectif = forms.ChoiceField(label="Effectif de l'établissement", required=False)
    departement = forms.RegexField(
        label="Département", required=False, regex=r"^(\d{2,3}|2[AB])$", max_length=3
    )
    epci = forms.RegexField(
        label="Intercommunalité (EPCI)", required=False, regex=r"^\d{9}$", max_length=9
    )
    zone = forms.CharField(label="Zone de la carte", required=False, max_length=80)
    tri = forms.ChoiceField(
        label="Trier par", required=False, choices=[("", "—"), *SORT_LABELS.items()]
    )
    carte = forms.RegexField(required=False, regex=VIEW_RE, max_length=40)
    page = forms.IntegerField(required=False, min_value=1, max_value=MAX_PAGE)

    def __init__(self, data=None, **kwargs):
        super().__init__(data, **kwargs)
        self.fields["section"].choices = [("", "Tous"), *nomenclatures.naf_sections().items()]
        self.fields["secteur"].choices = [("", "Tous"), *nomenclatures.ess_sectors().items()]
        self.fields["effectif"].choices = [
            ("", "Tous"),
            *((code, band["label"]) for code, band in nomenclatures.headcount_bands().items()),
        ]
        self.fields["departement"].error_messages["invalid"] = "Code de département invalide."
        self.fields["epci"].error_messages["invalid"] = (
            "Le code d'une intercommunalité est son SIREN (9 chiffres)."
        )
        self.fields["carte"].error_messages["invalid"] = "Vue de carte invalide."
        self.fields["page"].error_messages["max_value"] = (
            "Affinez la recherche : seules les %(limit_value)s premières pages sont proposées."
        )

    def clean_lieu(self):
        code = self.cleaned_data["lieu"]
        if not code:
            return None
        place = Label.objects.filter(code=code, kind=LabelKind.PLACE).first()
        if place is None:
            raise forms.ValidationError("Ce type de lieu de l'ESS est inconnu.", code="unknown")
        return place

    def clean_label(self):
        code = self.cleaned_data["label"]
        if not code:
            return None
        label = Label.objects.filter(code=code).first()
        if label is None:
            raise forms.ValidationError("Ce label ou agrément est inconnu.", code="unknown")
        return label

    def clean_departement(self):
        code = self.cleaned_data["departement"]
        if not code:
            return None
        departement = Departement.objects.filter(code=code).first()
        if departement is None:
            raise forms.ValidationError("Ce département est inconnu.", code="unknown")
        return departement

    def clean_epci(self):
        code = self.cleaned_data["epci"]
        if not code:
            return None
        epci = Epci.objects.filter(code=code).first()
        if epci is None:
            raise forms.ValidationError("Cette intercommunalité est inconnue.", code="unknown")
        return epci

    def clean_zone(self):
        value = self.cleaned_data["zone"]
        return parse_bbox(value) if value else None

    def clean(self):
        data = super().clean()
        commune, radius = data.get("commune"), data.get("rayon")
        if radius and commune is None and not self.has_error("commune"):
            self.add_error("commune", "Choisissez la commune autour de laquelle chercher.")
        if radius and commune is not None and commune.latitude is None:
            self.add_error(
                "rayon",
                "La position de cette commune est inconnue : cherchez dans la commune seulement.",
            )
        return data

    # --- the state, once valid ---------------------------------------------------------

    def filters(self):
        data = self.cleaned_data
        commune, radius = data.get("commune"), data.get("rayon")
        origin = near = None
        exact_commune = ""
        if commune is not None:
            if commune.latitude is not None:
                origin = (commune.latitude, commune.longitude)
            if radius:
                near = Near(commune.latitude, commune.longitude, radius)
            else:
                exact_commune = commune.code
        return SearchFilters(
            text=data.get("q") or "",
            family=data.get("famille") or "",
            esus=bool(data.get("esus")),
            label=data["label"].pk if data.get("label") else None,
            place=data["lieu"].pk if data.get("lieu") else None,
            section=data.get("section") or "",
            sector=data.get("secteur") or "",
            band=data.get("effectif") or "",
            departement=data["departement"].code if data.get("departement") else "",
            epci=data["epci"].code if data.get("epci") else "",
            commune=exact_commune,
            near=near,
            zone=data.get("zone"),
            origin=origin,
        )

    def sort(self, filters):
        """The sort asked for, if it applies, else the natural one."""
        asked = SORTS.get(self.cleaned_data.get("tri") or "")
        available = self.available_sorts(filters)
        if asked in available:
            return asked
        return available[0]

    def available_sorts(self, filters):
        sorts = []
        if filters.text:
            sorts.append("relevance")
        if filters.origin:
            sorts.append("distance")
        sorts.append("name")
        return sorts

    def state(self, exclude=()):
        """The canonical query parameters of this search (what the URL carries)."""
        data, params = self.cleaned_data, []
        for name in STATE_PARAMS:
            if name in exclude:
                continue
            value = data.get(name)
            if value in (None, "", False):
                continue
            if name == "commune":
                value = value.label
            elif name in ("lieu", "label", "departement", "epci"):
                value = value.code
            elif name == "esus":
                value = "1"
            elif name == "zone":
                value = self.data.get("zone", "").replace(" ", "")
            params.append((name, str(value)))
        return params

    def query_string(self, exclude=(), **extra):
        params = self.state(exclude)
        params += [(k, str(v)) for k, v in extra.items() if v not in (None, "")]
        return urlencode(params)

    # The criteria shown as removable chips above the results, in this order.
    CHIP_PARAMS = [
        "q", "commune", "rayon", "famille", "esus", "lieu", "label", "section", "secteur",
        "effectif", "departement", "epci", "zone",
    ]  # fmt: skip

    def active_filters(self):
        """[(text, query string without it)]: each criterion of a valid search as a chip
        that removes it (a radius goes with its commune)."""
        data, chips = self.cleaned_data, []
        for name in self.CHIP_PARAMS:
            value = data.get(name)
            if value in (None, "", False):
                continue
            field = self.fields[name]
            if name == "q":
                text = f"« {value} »"
            elif name in ("esus", "zone"):
                text = field.label
            elif name == "commune":
                text = value.label
            elif name == "rayon":
                text = dict(field.choices)[str(value)]
            elif name in ("lieu", "label", "departement", "epci"):
                text = f"{field.label} : {value.name}"
            else:
                text = f"{field.label} : {dict(field.choices).get(str(value), value)}"
            removed = (name, "rayon") if name == "commune" else (name,)
            chips.append((text, self.query_string(exclude=(*removed, "carte"))))
        return chips


# --- the result page --------------------------------------------------------------------


class Total:
    """What Paginator needs of a result it never holds whole: its length."""

    def __init__(self, total):
        self.total = total

    def count(self):
        return self.total

    def __getitem__(self, item):
        return []


def count_text(number):
    """12345 -> "12 345" (French digit grouping, a narrow no-break space)."""
    return f"{number:,}".replace(",", "\u202f")


@dataclass
class Facet:
    name: str  # the query parameter
    label: str
    options: list  # [(value, label, count, selected)]
    selected: str = ""

    @property
    def options_html(self):
        # Built here rather than in a template loop, and with one escape() per text rather
        # than format_html per option: a page holds ~200 options, which cost a sixth of a
        # search page's CPU through format_html_join (bench/README.md « Pages sans cache »).
        return mark_safe(  # noqa: S308 - values and labels are escaped here
            "".join(
                f'<option value="{escape(value)}"{" selected" if selected else ""}>'
                f"{escape(label)} ({count_text(count)})</option>"
                for value, label, count, selected in self.options
            )
        )


@dataclass
class SearchPage:
    form: SearchForm
    filters: SearchFilters
    sort: str
    total: int
    page: Page
    items: list
    facets: dict = field(default_factory=dict)
    fuzzy: bool = False

    @property
    def sort_choices(self):
        """(value, label, selected): the natural sort submits an empty value, so that it
        follows the search (relevance once words are typed) unless a person chose one."""
        keys = {v: k for k, v in SORTS.items()}
        asked = self.form.cleaned_data.get("tri") or ""
        available = self.form.available_sorts(self.filters)
        choices = []
        for index, sort in enumerate(available):
            value = "" if index == 0 else keys[sort]
            selected = sort == self.sort and (value == "" or asked == keys[sort])
            choices.append((value, SORT_LABELS[keys[sort]], selected))
        return choices


def run_search(form):
    """The page of results of a valid SearchForm, with its facets."""
    filters = form.filters()
    sort = form.sort(filters)
    backend = get_backend()
    number = form.cleaned_data.get("page") or 1
    result = backend.search(filters, sort=sort, offset=(number - 1) * PER_PAGE, limit=PER_PAGE)
    paginator = Paginator(Total(result.total), PER_PAGE)
    if number > paginator.num_pages and result.total:
        # Past the end (an old link): show the last page.
        number = min(paginator.num_pages, MAX_PAGE)
        result.ids = backend.search(
            filters, sort=sort, offset=(number - 1) * PER_PAGE, limit=PER_PAGE, facets=False
        ).ids
    items = _items(backend, filters, result.ids)
    page = Page(items, number, paginator)
    return SearchPage(
        form=form,
        filters=filters,
        sort=sort,
        total=result.total,
        page=page,
        items=items,
        facets=_facets(form, result.facets),
        fuzzy=result.fuzzy,
    )


def _items(backend, filters, ids):
    if not ids:
        return []
    organisations = Organisation.objects.filter(pk__in=ids).prefetch_related("labels").in_bulk()
    summaries = backend.summaries(filters, ids)
    communes = {
        c["code"]: c
        for c in Commune.objects.filter(code__in={s[1] for s in summaries.values() if s[1]}).values(
            "code", "name", "departement_id"
        )
    }
    items = []
    for pk in ids:
        organisation = organisations.get(pk)
        if organisation is None:  # deleted between the two queries
            continue
        count, commune, distance = summaries.get(pk, (0, None, None))
        items.append(
            {
                "organisation": organisation,
                "establishments": count,
                "commune": communes.get(commune),
                "distance": distance_label(distance),
            }
        )
    return items


def _option_label(text):
    # NAF section labels are written in capitals by INSEE.
    return text[:1] + text[1:].lower() if text.isupper() else text


def _facets(form, counts):
    data = form.cleaned_data
    facets = {}

    family = counts.get("family", {})
    selected = data.get("famille") or ""
    facets["famille"] = Facet(
        "famille",
        "Famille de l'ESS",
        [
            (value, label, family.get(value, 0), value == selected)
            for value, label in EssFamily.choices
            if family.get(value) or value == selected
        ],
        selected,
    )
    facets["esus"] = Facet(
        "esus",
        "Agrément ESUS",
        [("1", "Agréées ESUS", counts.get("esus", {}).get("1", 0), bool(data.get("esus")))],
    )

    def coded(name, label, facet, labels, order=None, selected=""):
        values = counts.get(facet, {})
        keys = [k for k in (order or sorted(values)) if values.get(k) or k == selected]
        return Facet(
            name,
            label,
            [(k, _option_label(labels.get(k, k)), values.get(k, 0), k == selected) for k in keys],
            selected,
        )

    sections = nomenclatures.naf_sections()
    facets["section"] = coded(
        "section",
        "Secteur d'activité (NAF)",
        "section",
        sections,
        list(sections),
        data.get("section") or "",
    )
    sectors = nomenclatures.ess_sectors()
    facets["secteur"] = coded(
        "secteur", "Secteur de l'ESS", "sector", sectors, list(sectors), data.get("secteur") or ""
    )
    bands = {code: band["label"] for code, band in nomenclatures.headcount_bands().items()}
    facets["effectif"] = coded(
        "effectif",
        "Effectif de l'établissement",
        "band",
        bands,
        list(bands),
        data.get("effectif") or "",
    )

    def labelled(name, label, facet):
        """A facet of labels (the labels proper, or the places of the ESS), by code."""
        selected = data.get(name)
        label_counts = {int(k): v for k, v in counts.get(facet, {}).items()}
        label_ids = set(label_counts) | ({selected.pk} if selected else set())
        labels = (
            Label.objects.filter(pk__in=label_ids)
            .order_by("name")
            .values_list("pk", "code", "name")
        )
        return Facet(
            name,
            label,
            [
                (code, title, label_counts.get(pk, 0), bool(selected) and selected.pk == pk)
                for pk, code, title in labels
            ],
            selected.code if selected else "",
        )

    facets["lieu"] = labelled("lieu", "Lieu de l'ESS", "place")
    facets["label"] = labelled("label", "Label ou agrément", "label")

    selected_dep = data["departement"].code if data.get("departement") else ""
    dep_counts = counts.get("departement", {})
    dep_codes = set(dep_counts) | ({selected_dep} if selected_dep else set())
    departements = (
        Departement.objects.filter(code__in=dep_codes).order_by("code").values_list("code", "name")
    )
    facets["departement"] = Facet(
        "departement",
        "Département",
        [
            (code, f"{name} ({code})", dep_counts.get(code, 0), code == selected_dep)
            for code, name in departements
        ],
        selected_dep,
    )

    selected_epci = data["epci"].code if data.get("epci") else ""
    epci_counts = counts.get("epci", {})
    top = sorted(epci_counts, key=lambda code: -epci_counts[code])[:EPCI_FACET_SIZE]
    epci_codes = set(top) | ({selected_epci} if selected_epci else set())
    epcis = Epci.objects.filter(code__in=epci_codes).order_by("name").values_list("code", "name")
    facets["epci"] = Facet(
        "epci",
        "Intercommunalité (EPCI)",
        [(code, name, epci_counts.get(code, 0), code == selected_epci) for code, name in epcis],
        selected_epci,
    )
    return facets


# --- the header's global search ------------------------------------------------------------


class RankedOrganisations:
    """Listed organisations matching a text, best first, fetched a slice at a time."""

    def __init__(self, query):
        self.filters = SearchFilters(text=query or "")

    def _fetch(self, offset, limit):
        if not self.filters.text.strip():
            return []
        ids = (
            get_backend()
            .search(self.filters, sort="relevance", offset=offset, limit=limit, facets=False)
            .ids
        )
        organisations = Organisation.objects.in_bulk(ids)
        return [organisations[pk] for pk in ids if pk in organisations]

    def __getitem__(self, item):
        if isinstance(item, slice):
            start = item.start or 0
            stop = item.stop if item.stop is not None else start + 100
            return self._fetch(start, max(0, stop - start))
        result = self._fetch(item, 1)
        if not result:
            raise IndexError(item)
        return result[0]

    def __iter__(self):
        return iter(self[:100])

    def __len__(self):
        if not self.filters.text.strip():
            return 0
        return get_backend().search(self.filters, limit=0, facets=False).total

    def __bool__(self):
        return bool(self[:1])


def search_organisations(query):
    """Organisations whose name, acronym, activity or description match `query`."""
    return RankedOrganisations(query)


# --- the map ---------------------------------------------------------------------------------


def cell_degrees(zoom):
    """Width, in degrees of longitude, of a CELL_PIXELS-wide cluster at `zoom`."""
    return 360 / (256 * 2**zoom) * CELL_PIXELS


def map_data(filters, bbox, zoom):
    """Clusters [lat, lon, count(, 1 when all at one spot)] and single points
    [lat, lon, establishment id, organisation name] for a viewport."""
    backend = get_backend()
    cells = backend.map_cells(filters, bbox, cell_degrees(zoom))
    singles = [c for c in cells if c.count == 1][:MAX_POINTS]
    names = backend.point_names([c.est_id for c in singles])
    clusters, points = [], []
    for cell in cells:
        if cell.count == 1 and cell.est_id in names:
            points.append(
                [round(cell.lat, 5), round(cell.lon, 5), cell.est_id, names[cell.est_id][1]]
            )
        else:
            cluster = [round(cell.lat, 4), round(cell.lon, 4), cell.count]
            if cell.stacked:
                cluster.append(1)
            clusters.append(cluster)
    return {"total": sum(c.count for c in cells), "clusters": clusters, "points": points}


def sites_in(filters, bbox, limit=30):
    return get_backend().sites_in(filters, bbox, limit)


def distance_label(km):
    if km is None or math.isnan(km):
        return ""
    if km < 1:
        return f"à {round(km * 1000, -1):.0f} m"
    return f"à {km:.1f} km".replace(".", ",")
