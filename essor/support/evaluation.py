"""The orientation's evaluation set (data/evaluation.toml): situations written from the
2016 report, each with the kinds of actors a field worker would send the person to. The
score is the share of expected kinds found among what the results page shows first — the
entry point and the five best offers (and, for a buyer, the supplier search filtered for
them) — through either input path: the assistant's questions or the free text.

`essor orientation_score` prints it; tests/test_orientation_evaluation.py holds it above
the threshold."""

import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from django.http import QueryDict

from .enums import HelpKind, ProviderKind
from .forms import CriteriaForm
from .lexicon import interpret
from .matching import SHOWN_FIRST, orient
from .related import related_for

DATA = Path(__file__).parent / "data" / "evaluation.toml"
THRESHOLD = 0.85
PATHS = {"questions": "les questions", "texte": "la phrase libre"}

FRANCE_ACTIVE = ("France Active", "Active", "Actif")


def _name(offer):
    return offer.provider.name


# What each kind of actor is, as the field names it.
KINDS = {
    "CRESS": lambda o: o.provider_kind == ProviderKind.CRESS,
    "DLA": lambda o: o.provider_kind == ProviderKind.DLA,
    "URSCOP": lambda o: o.provider_kind == ProviderKind.URSCOP,
    "BGE": lambda o: o.provider_kind == ProviderKind.BGE,
    "CAE": lambda o: o.provider_kind == ProviderKind.CAE or HelpKind.CAE in o.help_kinds,
    "couveuse": lambda o: HelpKind.INCUBATION in o.help_kinds and "test" in (o.phases or []),
    "incubateur": lambda o: o.provider_kind == ProviderKind.INCUBATOR,
    "France Active": lambda o: (
        o.provider_kind == ProviderKind.SOLIDARITY_FINANCE
        and any(word in _name(o) for word in FRANCE_ACTIVE)
    ),
    "financeur solidaire": lambda o: o.provider_kind == ProviderKind.SOLIDARITY_FINANCE,
    "CRGE": lambda o: "Groupements d'Employeurs" in _name(o),
    "RTES": lambda o: "Economie Solidaire" in _name(o) and "collectivités" in _name(o).lower(),
    "acheteurs publics": lambda o: "acheteurs publics" in _name(o).lower(),
    "Campus Coopérative": lambda o: "Campus Coopérative" in o.title,
    "pôle local": lambda o: o.provider_kind == ProviderKind.LOCAL_HUB,
    "réseau associatif": lambda o: (
        o.provider_kind in (ProviderKind.NETWORK, ProviderKind.TRAINING_BODY)
        and "association" in (o.audiences or ["association"])
    ),
    "agence d'innovation": lambda o: o.provider_kind == ProviderKind.INNOVATION_AGENCY,
    "chambre consulaire": lambda o: "chambre" in _name(o).lower(),
}
# Kinds the page answers with a link rather than an offer.
LINK_KINDS = {"sourcing"}


@dataclass
class Situation:
    id: str
    place: str
    text: str
    expect: list
    source: str = ""
    persona: str = ""
    phase: str = ""
    project: str = ""
    form: str = ""
    needs: list = field(default_factory=list)
    sector: str = ""

    def question_params(self):
        params = QueryDict(mutable=True)
        for key, value in [
            ("commune", self.place),
            ("profil", self.persona),
            ("etape", self.phase),
            ("projet", self.project),
            ("forme", self.form),
            ("secteur", self.sector),
        ]:
            if value:
                params[key] = value
        params.setlist("besoins", list(self.needs))
        return params


def situations(path=DATA):
    with open(path, "rb") as file:
        data = tomllib.load(file)
    return [Situation(**entry) for entry in data["situation"]]


def criteria_of(situation, path):
    """The criteria one input path reads from the situation, or None when it cannot."""
    if path == "texte":
        criteria = interpret(situation.text).criteria
        return criteria if criteria.place else None
    form = CriteriaForm(situation.question_params())
    if not form.is_valid():
        raise ValueError(f"{situation.id} : réponses invalides {form.errors.as_text()}")
    return form.to_criteria()


def shown_first(result):
    """The offers the page shows first: its entry point, then the five best."""
    offers = []
    head = [result.entry_point] if result.entry_point else []
    for match in head + (result.top or result.nearby or result.others)[:SHOWN_FIRST]:
        if match.offer.pk not in {o.pk for o in offers}:
            offers.append(match.offer)
    return offers


@dataclass
class Outcome:
    situation: Situation
    path: str
    found: list
    missing: list
    shown: list  # provider names, for the report


def evaluate(situation, path):
    criteria = criteria_of(situation, path)
    if criteria is None:
        return Outcome(situation, path, [], list(situation.expect), [])
    result = orient(criteria)
    offers = shown_first(result)
    related = related_for(criteria) if LINK_KINDS & set(situation.expect) else None
    found, missing = [], []
    for kind in situation.expect:
        if kind in LINK_KINDS:
            hit = related is not None and related.has(kind)
        else:
            hit = any(KINDS[kind](offer) for offer in offers)
        (found if hit else missing).append(kind)
    return Outcome(situation, path, found, missing, [o.provider.name for o in offers])


def score(path, items=None):
    """(share of expected kinds found, [Outcome]) for one input path."""
    outcomes = [evaluate(situation, path) for situation in items or situations()]
    expected = sum(len(o.situation.expect) for o in outcomes)
    found = sum(len(o.found) for o in outcomes)
    return (found / expected if expected else 0.0), outcomes
