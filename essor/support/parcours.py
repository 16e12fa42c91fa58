"""The « parcours du créateur » the report asks for: from a person's answers, the steps
ahead, each with the actors and offers of their territory, and links to the legal forms
guide and to financing when those sections exist."""

import logging
from dataclasses import dataclass, replace

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from essor.core import report
from essor.directory.enums import Phase

from .enums import HelpKind
from .matching import candidates, hydrate, may_fit, orient, rank
from .related import related_for

PER_STEP = 3


@dataclass(frozen=True)
class Step:
    key: str
    title: str
    text: str
    phase: str
    kinds: tuple
    link: str = ""  # "legal_forms" or "financing"


STEPS = {
    "inform": Step(
        "inform",
        "S'informer et être orienté",
        "Découvrir l'économie sociale et solidaire, ses façons d'entreprendre et les acteurs "
        "de votre territoire : c'est par là que tout commence.",
        "",  # at whatever phase the person is
        (HelpKind.FIRST_INFO, HelpKind.NETWORKING),
    ),
    "mature": Step(
        "mature",
        "Mûrir l'idée et choisir sa forme juridique",
        "Étudier l'opportunité, le besoin auquel répond le projet et son modèle économique ; "
        "choisir entre association, SCOP, SCIC, CAE…",
        Phase.IDEA,
        (HelpKind.INDIVIDUAL, HelpKind.INCUBATION, HelpKind.TRAINING, HelpKind.LEGAL),
        "legal_forms",
    ),
    "test": Step(
        "test",
        "Tester son activité",
        "Essayer son activité en grandeur réelle avant de créer sa structure : en couveuse, "
        "ou comme entrepreneur salarié d'une coopérative d'activité et d'emploi (CAE).",
        Phase.TEST,
        (HelpKind.CAE, HelpKind.INCUBATION, HelpKind.INDIVIDUAL),
    ),
    "create": Step(
        "create",
        "Créer et démarrer",
        "Monter le projet, tester l'activité, trouver un lieu et s'entourer pour démarrer.",
        Phase.CREATION,
        (HelpKind.INDIVIDUAL, HelpKind.CAE, HelpKind.INCUBATION, HelpKind.HOSTING),
    ),
    "fund": Step(
        "fund",
        "Financer le projet",
        "Prêts d'honneur, garanties, finance solidaire, subventions : réunir un tour de table.",
        Phase.CREATION,
        (HelpKind.FUNDING, HelpKind.FINANCIAL),
        "financing",
    ),
    "develop": Step(
        "develop",
        "Se développer",
        "Trouver des clients et des partenaires, recruter, coopérer avec d'autres structures.",
        Phase.DEVELOPMENT,
        (HelpKind.INDIVIDUAL, HelpKind.COMMERCIAL, HelpKind.NETWORKING, HelpKind.HR),
    ),
    "scale": Step(
        "scale",
        "Changer d'échelle",
        "Essaimer sur d'autres territoires, dupliquer ou élargir l'activité, coopérer pour "
        "grandir : un projet à préparer et à financer.",
        Phase.SCALING,
        (HelpKind.INDIVIDUAL, HelpKind.FUNDING, HelpKind.FINANCIAL, HelpKind.NETWORKING),
        "financing",
    ),
    "consolidate": Step(
        "consolidate",
        "Consolider la structure",
        "Conforter le modèle économique, la gouvernance et l'emploi ; former les dirigeants, "
        "bénévoles comme salariés.",
        Phase.CONSOLIDATION,
        (HelpKind.INDIVIDUAL, HelpKind.FINANCIAL, HelpKind.HR, HelpKind.TRAINING),
    ),
    "rebound": Step(
        "rebound",
        "Faire face aux difficultés et rebondir",
        "Un diagnostic, un appui financier ou une réorganisation : n'attendez pas pour en parler.",
        Phase.DIFFICULTY,
        (HelpKind.INDIVIDUAL, HelpKind.FINANCIAL, HelpKind.FUNDING),
    ),
    "transfer": Step(
        "transfer",
        "Préparer la reprise ou la transmission",
        "Évaluer l'entreprise, choisir la forme de la reprise (en SCOP par les salariés, par "
        "exemple), réunir les financements.",
        Phase.TRANSFER,
        (HelpKind.INDIVIDUAL, HelpKind.LEGAL, HelpKind.FINANCIAL, HelpKind.FUNDING),
        "legal_forms",
    ),
    "merge": Step(
        "merge",
        "Se rapprocher d'autres structures",
        "Mutualiser, se regrouper ou fusionner : un diagnostic partagé, le cadre juridique "
        "et l'accompagnement des équipes.",
        Phase.MERGER,
        (HelpKind.INDIVIDUAL, HelpKind.LEGAL, HelpKind.FINANCIAL, HelpKind.HR),
    ),
}

# The steps ahead of a person, from their phase on.
PATHS = {
    "": ["inform", "mature", "create", "fund", "develop"],
    Phase.IDEA: ["inform", "mature", "create", "fund", "develop"],
    Phase.TEST: ["inform", "test", "create", "fund"],
    Phase.CREATION: ["inform", "create", "fund", "develop"],
    Phase.DEVELOPMENT: ["develop", "fund", "consolidate"],
    Phase.SCALING: ["scale", "fund", "consolidate"],
    Phase.CONSOLIDATION: ["consolidate", "fund", "develop"],
    Phase.DIFFICULTY: ["rebound", "consolidate", "fund"],
    Phase.TRANSFER: ["inform", "transfer", "fund", "develop"],
    Phase.MERGER: ["merge", "consolidate", "fund"],
}


def optional_url(name):
    """The URL of another section's page, or "" while that section does not exist."""
    try:
        return reverse(name)
    except NoReverseMatch:
        return ""


def legal_forms_url():
    return optional_url("resources:legal_form_chooser")


def financing_url():
    return optional_url("financing:index")


def build(criteria):
    """[{"step", "matches", "current", "link"}] for the person's path."""
    place = criteria.place
    offers = candidates(place) if place else []
    links = {"legal_forms": legal_forms_url(), "financing": financing_url()}
    path = PATHS.get(criteria.phase, PATHS[""])
    # "Vous êtes ici": the step of the person's phase, else the first one.
    current = next((key for key in path if STEPS[key].phase == criteria.phase), path[0])
    steps = []
    for index, key in enumerate(path):
        step = STEPS[key]
        step_criteria = replace(
            criteria, phase=step.phase or criteria.phase, needs=list(step.kinds)
        )
        test = may_fit(step_criteria)
        fitting = rank(step_criteria, place, [offer for offer in offers if test(offer)])
        matches = hydrate([m for m in fitting if m.fits][:PER_STEP])
        steps.append(
            {
                "step": step,
                "number": index + 1,
                "matches": matches,
                "current": key == current,
                "link": links.get(step.link, ""),
                "link_kind": step.link,
            }
        )
    return steps


def sources():
    """What the parcours is made of, printed with it."""
    source = report.source()
    return [
        "Offres d'accompagnement publiées sur ESSor par les acteurs de l'accompagnement et "
        "modérées par la CRESS.",
        "Pistes d'action de l'état des lieux : {title}, {authors}, {year}.".format(
            title=source["title"], authors=", ".join(source["authors"]), year=source["year"]
        ),
        "Géographie : INSEE, code officiel géographique (communes, EPCI, départements).",
    ]


def context(parcours, criteria, *, for_pdf=False):
    """What the parcours shows, in the results page's order: where to start (the entry
    point and the five best offers), the steps ahead, then for the same situation the
    financing, the directory, trainings and initiatives."""
    steps = build(criteria)
    result = orient(criteria) if criteria.place else None
    first = []
    if result is not None:
        head = [result.entry_point] if result.entry_point else []
        first = head + (result.top or result.nearby or result.others)
    illustrative = any(m.offer.is_illustrative for s in steps for m in s["matches"]) or any(
        m.offer.is_illustrative for m in first
    )
    return {
        "first": first,
        "related": related_for(criteria),
        "parcours": parcours,
        "criteria": criteria,
        "answers": criteria.describe(),
        "place": criteria.place,
        "steps": steps,
        "sources": [s for s in sources() if s],
        "has_illustrative": illustrative,
        "for_pdf": for_pdf,
        "base_url": settings.ESSOR_BASE_URL,
        "generated_at": timezone.now(),
    }


def render_pdf(parcours, criteria, base_url):
    """The PDF, made with WeasyPrint from its own print template."""
    # WeasyPrint logs each step at INFO, from its import on: not for the worker's log.
    logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)
    from weasyprint import HTML  # imported here: only the worker needs Pango

    html = render_to_string("support/parcours_pdf.html", context(parcours, criteria, for_pdf=True))
    return HTML(string=html, base_url=base_url).write_pdf()
