"""Reading the stored indicators for pages, exports and the API.

Every figure shown anywhere comes out of a Dataset built here: the page's tables and
charts, the CSV and XLSX downloads and the API all read the same rows, so a value the
secret masks is masked everywhere (the tables hold no value for it in the first place)."""

from dataclasses import dataclass, field

from django.conf import settings
from django.http import Http404
from django.utils import timezone

from essor.directory import nomenclatures
from essor.directory.enums import EssFamily
from essor.territories.models import Commune, Departement, Epci, Region

from .enums import Breakdown, TerritoryLevel
from .models import (
    FlowCell,
    IndicatorCell,
    IndicatorRefresh,
    ReferenceEmployment,
    TerritoryCentroid,
)
from .refresh import flow_window

L = TerritoryLevel
B = Breakdown

MONTHS = [
    "janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août",
    "septembre", "octobre", "novembre", "décembre",
]  # fmt: skip
UNKNOWN_BAND = "Tranche d'effectif non renseignée"


# --- Territories ---------------------------------------------------------------------


@dataclass
class Territory:
    level: str
    code: str
    name: str
    region_code: str = ""

    @property
    def title(self):
        if self.level == L.DEPARTEMENT:
            return f"{self.name} ({self.code})"
        return self.name


def get_territory(level, code):
    """The territory, or Http404. Région, département, EPCI and commune codes are
    INSEE's (the EPCI's is its SIREN)."""
    if level == L.REGION:
        region = Region.objects.filter(code=code).first()
        if region:
            return Territory(L.REGION, region.code, region.name, region.code)
    elif level == L.DEPARTEMENT:
        departement = Departement.objects.filter(code=code).first()
        if departement:
            return Territory(
                L.DEPARTEMENT, departement.code, departement.name, departement.region_id
            )
    elif level == L.EPCI:
        epci = Epci.objects.filter(code=code).first()
        if epci:
            centroid = TerritoryCentroid.objects.filter(level=L.EPCI, code=code).first()
            region = centroid.region if centroid else ""
            return Territory(L.EPCI, epci.code, epci.name, region)
    elif level == L.COMMUNE:
        commune = Commune.objects.filter(code=code).first()
        if commune:
            return Territory(L.COMMUNE, commune.code, commune.name, commune.region_id)
    raise Http404("Territoire introuvable.")


def home_region():
    return get_territory(L.REGION, settings.ESSOR_REGION)


# --- Categories ----------------------------------------------------------------------


def category_label(breakdown, category):
    if breakdown == B.TOTAL:
        return "Ensemble de l'ESS"
    if breakdown == B.FAMILY:
        return _family_label(category)
    if breakdown == B.SECTOR:
        return nomenclatures.ess_sectors().get(category, category)
    if breakdown == B.SIZE:
        return nomenclatures.headcount_band_label(category) or UNKNOWN_BAND
    family, _, sector = category.partition(":")
    return f"{_family_label(family)} — {nomenclatures.ess_sectors().get(sector, sector)}"


def known_categories(breakdown):
    if breakdown == B.FAMILY:
        return set(EssFamily.values)
    if breakdown == B.SECTOR:
        return set(nomenclatures.ess_sectors())
    if breakdown == B.SIZE:
        return {"", *nomenclatures.headcount_bands()}
    if breakdown == B.TOTAL:
        return {""}
    return {f"{f}:{s}" for f in EssFamily.values for s in nomenclatures.ess_sectors()}


def _family_label(code):
    try:
        return EssFamily(code).label
    except ValueError:
        return code


FAMILY_ORDER = {f.value: i for i, f in enumerate(EssFamily)}


def _band_order():
    return {code: i for i, code in enumerate(nomenclatures.headcount_bands())}


def category_order(breakdown):
    """A sort key for the categories of a breakdown: families in the usual order, size
    bands from the smallest; sectors by decreasing employees, "autres" last (callers
    sort by value first)."""
    if breakdown == B.FAMILY:
        return lambda c: FAMILY_ORDER.get(c, 99)
    if breakdown == B.SIZE:
        order = _band_order()
        return lambda c: order.get(c, len(order))
    if breakdown == B.FAMILY_SECTOR:
        return lambda c: (FAMILY_ORDER.get(c.partition(":")[0], 99), c)
    return lambda c: (c == "autres", c)


# --- Stock figures -------------------------------------------------------------------


@dataclass
class Figure:
    """One published (or secret) line: a category of a breakdown for a territory."""

    breakdown: str
    category: str
    label: str
    establishments: int | None = None
    employer_establishments: int | None = None
    employees: float | None = None
    secret: bool = False
    has_synthetic: bool = False
    share: float | None = None  # of the territory's employees, in %
    region_share: float | None = None  # the same share in the comparison territory
    weight: float | None = None  # of the comparison territory's employees, in %

    @classmethod
    def of(cls, cell):
        return cls(
            breakdown=cell.breakdown,
            category=cell.category,
            label=category_label(cell.breakdown, cell.category),
            establishments=cell.establishments,
            employer_establishments=cell.employer_establishments,
            employees=cell.employees,
            secret=cell.is_secret,
            has_synthetic=cell.has_synthetic,
        )

    @classmethod
    def empty(cls, breakdown=B.TOTAL, category=""):
        return cls(breakdown, category, category_label(breakdown, category), 0, 0, 0.0)


def percent(part, whole):
    if part is None or not whole:
        return None
    return 100 * part / whole


@dataclass
class Profile:
    """Every stock figure of one territory, by breakdown."""

    territory: Territory
    total: Figure
    rows: dict = field(default_factory=dict)  # breakdown -> [Figure]
    exists: bool = True

    @property
    def has_synthetic(self):
        return self.total.has_synthetic


def profile(territory, compare_to=None):
    """The territory's figures; with `compare_to` (another Profile, the région), each
    line also carries the région's distribution and the territory's weight in it."""
    cells = IndicatorCell.objects.filter(level=territory.level, code=territory.code)
    rows = {b: [] for b in B if b != B.TOTAL}
    total = None
    for cell in cells:
        if cell.breakdown == B.TOTAL:
            total = Figure.of(cell)
        else:
            rows[cell.breakdown].append(Figure.of(cell))
    result = Profile(territory, total or Figure.empty(), rows, exists=total is not None)
    for breakdown, figures in rows.items():
        order = category_order(breakdown)
        if breakdown == B.SECTOR:
            figures.sort(key=lambda f: (f.category == "autres", -(f.employees or -1), f.label))
        else:
            figures.sort(key=lambda f: order(f.category))
        reference = {}
        if compare_to is not None:
            reference = {f.category: f for f in compare_to.rows.get(breakdown, [])}
        for figure in figures:
            figure.share = percent(figure.employees, result.total.employees)
            other = reference.get(figure.category)
            if other is not None:
                figure.region_share = other.share
                figure.weight = percent(figure.employees, other.employees)
    if compare_to is not None:
        result.total.weight = percent(result.total.employees, compare_to.total.employees)
        result.total.region_share = percent(
            result.total.establishments, compare_to.total.establishments
        )
    return result


def totals_of(level, codes):
    """{code: Figure} of the territories' totals, in one query."""
    cells = IndicatorCell.objects.filter(level=level, breakdown=B.TOTAL, code__in=list(codes))
    return {cell.code: Figure.of(cell) for cell in cells}


# --- Flows ---------------------------------------------------------------------------


@dataclass
class Flow:
    year: int
    month: int
    creations: int | None
    closures: int | None

    @property
    def balance(self):
        if self.creations is None or self.closures is None:
            return None
        return self.creations - self.closures

    @property
    def label(self):
        if self.month:
            return f"{MONTHS[self.month - 1]} {self.year}"
        return str(self.year)

    @property
    def period(self):
        return f"{self.year}-{self.month:02d}" if self.month else str(self.year)

    @property
    def secret(self):
        return self.creations is None or self.closures is None


def flows(territory, *, monthly=False, breakdown=B.TOTAL, category=""):
    """The yearly (or monthly) series of the window, every period present: a period
    with no cell had no creation and no closure."""
    first_year, first_monthly_year, last_year = flow_window()
    cells = FlowCell.objects.filter(
        level=territory.level, code=territory.code, breakdown=breakdown, category=category
    )
    cells = cells.filter(month__gt=0) if monthly else cells.filter(month=0)
    stored = {(c.year, c.month): c for c in cells}
    periods = (
        [(y, m) for y in range(first_monthly_year, last_year + 1) for m in range(1, 13)]
        if monthly
        else [(y, 0) for y in range(first_year, last_year + 1)]
    )
    series = []
    for year, month in periods:
        cell = stored.get((year, month))
        if cell is None:
            series.append(Flow(year, month, 0, 0))
        else:
            series.append(Flow(year, month, cell.creations, cell.closures))
    if monthly:
        # Months to come are not "no creation".
        today = timezone.localdate()
        series = [f for f in series if (f.year, f.month) <= (today.year, today.month)]
    return series


# --- Reference employment ------------------------------------------------------------


def reference_employment(level, codes):
    """{code: ReferenceEmployment} — the latest year imported for each territory."""
    latest = {}
    for row in ReferenceEmployment.objects.filter(level=level, code__in=list(codes)).order_by(
        "code", "-year"
    ):
        latest.setdefault(row.code, row)
    return latest


def ess_share(figure, reference):
    """The ESS share of salaried employment, in %, or None."""
    if reference is None or figure.employees is None:
        return None
    return percent(figure.employees, reference.employees)


def last_refresh():
    return IndicatorRefresh.objects.order_by("-finished_at").first()


# --- Datasets: the tables behind every chart and download ----------------------------


EXPORT_NAMES = {
    "code": "code",
    "label": "libelle",
    "period": "periode",
    "establishments": "etablissements",
    "employer_establishments": "etablissements_employeurs",
    "employees": "salaries_estimes",
    "share": "part_salaries_pct",
    "region_share": "part_dans_la_region_pct",
    "weight": "poids_dans_la_region_pct",
    "creations": "creations",
    "closures": "fermetures",
    "balance": "solde",
    "reference_employees": "emploi_salarie_total",
    "ess_share": "part_ess_emploi_salarie_pct",
}


@dataclass
class Column:
    key: str
    label: str
    kind: str = "int"  # int, number (estimates), percent, text
    export: str = ""  # the column's name in CSV/XLSX files

    def __post_init__(self):
        self.export = self.export or EXPORT_NAMES[self.key]


@dataclass
class Dataset:
    slug: str
    title: str
    territory: Territory
    columns: list
    rows: list  # dicts; a secret value is None and the row's "secret" is True
    note: str = ""

    @property
    def has_secret(self):
        return any(row.get("secret") for row in self.rows)


COUNT_COLUMNS = [
    Column("establishments", "Établissements"),
    Column("employer_establishments", "Établissements employeurs"),
    Column("employees", "Salariés (estimation)", "number"),
]
ESTIMATE_NOTE = (
    "Salariés estimés à partir des tranches d'effectif SIRENE des établissements "
    "employeurs actifs (centre de chaque tranche)."
)


def _figure_row(figure, **extra):
    return {
        "category": figure.category,
        "label": figure.label,
        "establishments": figure.establishments,
        "employer_establishments": figure.employer_establishments,
        "employees": figure.employees,
        "share": figure.share,
        "region_share": figure.region_share,
        "weight": figure.weight,
        "secret": figure.secret,
        **extra,
    }


BREAKDOWN_DATASETS = {
    "familles": (B.FAMILY, "Famille de l'ESS", "Établissements et salariés par famille de l'ESS"),
    "secteurs": (
        B.SECTOR,
        "Secteur d'activité",
        "Établissements et salariés par secteur d'activité",
    ),
    "tailles": (B.SIZE, "Tranche d'effectif", "Établissements par tranche d'effectif salarié"),
    "familles-secteurs": (
        B.FAMILY_SECTOR,
        "Famille et secteur",
        "Établissements et salariés par famille et secteur",
    ),
}
FLOW_DATASETS = {
    "evolution": (False, "Créations et fermetures d'établissements par année"),
    "evolution-mensuelle": (True, "Créations et fermetures d'établissements par mois"),
}
CHILD_DATASETS = {
    "departements": (L.DEPARTEMENT, "Département", "Établissements et salariés par département"),
    "epci": (L.EPCI, "Intercommunalité", "Établissements et salariés par intercommunalité"),
}
DATASET_SLUGS = ["chiffres-cles", *BREAKDOWN_DATASETS, *FLOW_DATASETS, *CHILD_DATASETS]


def breakdown_dataset(slug, prof, compare=True):
    breakdown, label, title = BREAKDOWN_DATASETS[slug]
    columns = [Column("label", label, "text"), *COUNT_COLUMNS]
    if breakdown != B.SIZE:
        columns.append(Column("share", "Part des salariés du territoire (%)", "percent"))
        if compare and prof.territory.level != L.REGION:
            columns += [
                Column("region_share", "Même part dans la région (%)", "percent"),
                Column("weight", "Poids dans la région (% des salariés)", "percent"),
            ]
    rows = [_figure_row(f) for f in prof.rows.get(breakdown, [])]
    return Dataset(slug, title, prof.territory, columns, rows, ESTIMATE_NOTE)


def key_figures_dataset(prof, reference=None):
    columns = [*COUNT_COLUMNS]
    row = _figure_row(prof.total)
    if prof.territory.level != L.REGION:
        columns += [
            Column(
                "region_share",
                "Part des établissements de l'ESS de la région (%)",
                "percent",
                "part_des_etablissements_de_la_region_pct",
            ),
            Column(
                "weight",
                "Part des salariés de l'ESS de la région (%)",
                "percent",
                "part_des_salaries_de_la_region_pct",
            ),
        ]
    if reference is not None:
        columns += [
            Column("reference_employees", f"Emploi salarié total ({reference.year})"),
            Column("ess_share", "Part de l'ESS dans l'emploi salarié (%)", "percent"),
        ]
        row["reference_employees"] = reference.employees
        row["ess_share"] = ess_share(prof.total, reference)
    return Dataset("chiffres-cles", "Chiffres clés", prof.territory, columns, [row], ESTIMATE_NOTE)


def flow_dataset(slug, territory):
    monthly, title = FLOW_DATASETS[slug]
    series = flows(territory, monthly=monthly)
    columns = [
        Column("period", "Mois" if monthly else "Année", "text"),
        Column("creations", "Créations"),
        Column("closures", "Fermetures"),
        Column("balance", "Solde"),
    ]
    rows = [
        {
            "period": f.period,
            "label": f.label,
            "creations": f.creations,
            "closures": f.closures,
            "balance": f.balance,
            "secret": f.secret,
        }
        for f in series
    ]
    note = (
        "Créations et fermetures datées dans SIRENE (ou la source de l'établissement), "
        "toutes les structures de l'ESS, actives ou fermées depuis."
    )
    return Dataset(slug, title, territory, columns, rows, note)


def child_territories(territory, level):
    """[(code, name)] of the départements of a région, or the EPCIs of a région or a
    département, by name."""
    if level == L.DEPARTEMENT:
        return list(
            Departement.objects.filter(region_id=territory.code)
            .order_by("code")
            .values_list("code", "name")
        )
    if territory.level == L.REGION:
        codes = TerritoryCentroid.objects.filter(level=L.EPCI, region=territory.code).values("code")
        epcis = Epci.objects.filter(code__in=codes)
    else:
        epcis = Epci.objects.filter(communes__departement_id=territory.code).distinct()
    return list(epcis.order_by("name").values_list("code", "name"))


def child_dataset(slug, territory, children=None):
    level, label, title = CHILD_DATASETS[slug]
    children = children if children is not None else child_territories(territory, level)
    totals = totals_of(level, [code for code, _ in children])
    references = reference_employment(level, [code for code, _ in children])
    parent = totals_of(territory.level, [territory.code]).get(territory.code)
    columns = [
        Column("code", "Code", "text"),
        Column("label", label, "text"),
        *COUNT_COLUMNS,
        Column(
            "weight",
            f"Part des salariés de l'ESS {_of_parent(territory)} (%)",
            "percent",
            "part_des_salaries_pct",
        ),
    ]
    if references:
        columns.append(Column("ess_share", "Part de l'ESS dans l'emploi salarié (%)", "percent"))
    rows = []
    for code, name in children:
        figure = totals.get(code) or Figure.empty()
        row = _figure_row(figure, code=code, label=name)
        row["weight"] = percent(figure.employees, parent.employees if parent else None)
        row["ess_share"] = ess_share(figure, references.get(code))
        rows.append(row)
    return Dataset(slug, title, territory, columns, rows, ESTIMATE_NOTE)


def _of_parent(territory):
    if territory.level == L.REGION:
        return "de la région"
    if territory.level == L.DEPARTEMENT:
        return "du département"
    return "du territoire"


def build_dataset(slug, territory):
    """The dataset `slug` of a territory (Http404 for an unknown slug)."""
    if slug == "chiffres-cles":
        region = comparison_profile(territory)
        prof = profile(territory, compare_to=region)
        reference = reference_employment(territory.level, [territory.code]).get(territory.code)
        return key_figures_dataset(prof, reference)
    if slug in BREAKDOWN_DATASETS:
        region = comparison_profile(territory)
        return breakdown_dataset(slug, profile(territory, compare_to=region))
    if slug in FLOW_DATASETS:
        return flow_dataset(slug, territory)
    if slug == "departements" and territory.level == L.REGION:
        return child_dataset(slug, territory)
    if slug == "epci" and territory.level in (L.REGION, L.DEPARTEMENT):
        return child_dataset(slug, territory)
    raise Http404("Jeu de données introuvable.")


def comparison_profile(territory):
    if territory.level == L.REGION or not territory.region_code:
        return None
    region = Region.objects.filter(code=territory.region_code).first()
    if region is None:
        return None
    return profile(Territory(L.REGION, region.code, region.name, region.code))


def departements_of_epci(code):
    """[(code, name)] of the départements an EPCI's communes lie in."""
    return list(
        Departement.objects.filter(communes__epci_id=code)
        .distinct()
        .order_by("code")
        .values_list("code", "name")
    )


def band_estimates():
    """[(label, estimate)] of the headcount bands, for the method page."""
    return [
        (band["label"], nomenclatures.estimated_employees(code))
        for code, band in nomenclatures.headcount_bands().items()
    ]
