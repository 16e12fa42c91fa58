"""Search and facets of the public catalog. Full text is a LIKE on the folded
`search_text` column (every word must appear), so "economie" finds "Économie" the same
way on SQLite and PostgreSQL."""

from collections import Counter
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Case, Count, IntegerField, Q, When

from essor.directory.models import Organisation
from essor.territories.models import Departement

from .enums import Axis, Stage, Theme
from .models import Carrier, Initiative, InitiativeTheme
from .text import search_fold, search_words

FACETS = ["axe", "theme", "etape", "departement", "structure"]


@dataclass
class Facet:
    name: str
    label: str
    selected: str
    options: list = field(default_factory=list)  # [(value, label, count)]

    @property
    def selected_label(self):
        return next((label for value, label, _ in self.options if value == self.selected), "")


def clean_params(params):
    """The search state from the query string; unknown values are dropped, not errors."""
    state = {"q": params.get("q", "").strip()[:200]}
    valid = {
        "axe": set(Axis.values),
        "theme": set(Theme.values),
        "etape": set(Stage.values),
    }
    for name in FACETS:
        value = params.get(name, "").strip()[:20]
        if name in valid and value not in valid[name]:
            value = ""
        if name == "departement" and not (value.isalnum() and len(value) <= 3):
            value = ""
        if name == "structure" and not value.isdigit():
            value = ""
        state[name] = value
    return state


def _filtered(state, skip=None):
    qs = Initiative.objects.published()
    for word in search_words(state["q"]):
        qs = qs.filter(search_text__contains=word)
    if state["axe"] and skip != "axe":
        qs = qs.filter(axis=state["axe"])
    if state["theme"] and skip != "theme":
        qs = qs.filter(theme_links__theme=state["theme"])
    if state["etape"] and skip != "etape":
        qs = qs.filter(stage=state["etape"])
    if state["departement"] and skip != "departement":
        qs = qs.filter(departement_codes__contains=f" {state['departement']} ")
    if state["structure"] and skip != "structure":
        qs = qs.filter(carriers__organisation_id=int(state["structure"]))
    return qs


def search(state):
    """The matching published initiatives, best first: a title that contains the whole
    query, then the most recently published."""
    qs = _filtered(state)
    phrase = search_fold(state["q"])
    ordering = ["-published_at", "title"]
    if phrase:
        qs = qs.annotate(
            title_rank=Case(
                When(search_title=phrase, then=0),
                When(search_title__contains=phrase, then=1),
                default=2,
                output_field=IntegerField(),
            )
        )
        ordering.insert(0, "title_rank")
    return qs.order_by(*ordering).for_listing()


def facets(state):
    """Each facet's options with their counts, counted under every other active filter
    (so that choosing a theme still shows the other themes' numbers)."""

    def ids(skip):
        return _filtered(state, skip=skip).values("pk")

    axis_counts = dict(
        _filtered(state, "axe").values_list("axis").annotate(n=Count("pk", distinct=True))
    )
    stage_counts = dict(
        _filtered(state, "etape")
        .exclude(stage="")
        .values_list("stage")
        .annotate(n=Count("pk", distinct=True))
    )
    theme_counts = dict(
        InitiativeTheme.objects.filter(initiative__in=ids("theme"))
        .values_list("theme")
        .annotate(n=Count("initiative", distinct=True))
    )
    departement_counts = Counter(
        code
        for _, codes in _filtered(state, "departement").values_list("pk", "departement_codes")
        for code in codes
    )
    organisation_counts = dict(
        Carrier.objects.filter(initiative__in=ids("structure"))
        .values_list("organisation")
        .annotate(n=Count("initiative", distinct=True))
    )
    departements = Departement.objects.filter(
        Q(code__in=departement_counts) | Q(region_id=settings.ESSOR_REGION)
    ).order_by("code")
    organisations = Organisation.objects.filter(pk__in=organisation_counts).order_by("name")
    return [
        Facet(
            "axe",
            "Axe",
            state["axe"],
            [(a.value, a.label, axis_counts.get(a.value, 0)) for a in Axis],
        ),
        Facet(
            "theme",
            "Thème",
            state["theme"],
            [(t.value, t.label, theme_counts.get(t.value, 0)) for t in Theme],
        ),
        Facet(
            "etape",
            "Étape",
            state["etape"],
            [(s.value, s.label, stage_counts.get(s.value, 0)) for s in Stage],
        ),
        Facet(
            "departement",
            "Département",
            state["departement"],
            [
                (d.code, f"{d.name} ({d.code})", departement_counts.get(d.code, 0))
                for d in departements
            ],
        ),
        Facet(
            "structure",
            "Structure",
            state["structure"],
            [(str(o.pk), o.name, organisation_counts.get(o.pk, 0)) for o in organisations],
        ),
    ]
