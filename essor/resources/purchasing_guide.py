"""The responsible-purchasing guide (/ressources/achats-responsables/): reserved contracts
and social clauses with their articles, model clauses a buyer can copy, the SPASER, and
how to find a facilitator of social clauses (issue 16, Deliver 6).

Written by the ESSor team from the Code de la commande publique (CCP). The reserved
contracts' articles are quoted word for word from essor.purchasing (its services), the
one place that holds them. What could not be checked against the text in force when
this was written (an article number, a date of entry into force, an address) is marked
« à vérifier » on the page: the law changes, and Légifrance is the reference.

The anchors of SECTIONS are stable addresses: the sourcing page, the supplier badges and
the need form of /achats/ link to them."""

from dataclasses import dataclass

LEGIFRANCE_CCP = "https://www.legifrance.gouv.fr/codes/texte_lc/LEGITEXT000037701019/"


@dataclass(frozen=True)
class Section:
    anchor: str
    title: str
    summary: str


SECTIONS = [
    Section(
        "marches-reserves",
        "Les marchés réservés",
        "Réserver un marché ou un lot aux entreprises adaptées et ESAT (L2113-12), aux "
        "structures d'insertion par l'activité économique (L2113-13) ou, pour certains "
        "services, aux entreprises de l'ESS (L2113-15).",
    ),
    Section(
        "clauses-sociales",
        "Les clauses sociales",
        "Une condition d'exécution (L2112-2), un critère d'attribution (L2152-7 et R2152-7) "
        "ou un marché dont l'objet même est l'insertion.",
    ),
    Section(
        "clauses-types",
        "Des clauses types à copier",
        "Des modèles de rédaction à adapter à votre marché.",
    ),
    Section(
        "spaser",
        "Le SPASER",
        "Le schéma de promotion des achats publics socialement et écologiquement "
        "responsables (L2111-3) : ce que c'est, qui doit l'adopter.",
    ),
    Section(
        "facilitateurs",
        "Trouver un facilitateur des clauses sociales",
        "Les facilitateurs aident gratuitement les acheteurs à écrire, suivre et évaluer "
        "leurs clauses sociales.",
    ),
]


@dataclass(frozen=True)
class ModelClause:
    anchor: str
    title: str
    where: str  # in which document of the consultation it goes
    text: str


MODEL_CLAUSES = [
    ModelClause(
        "clause-lot-reserve-ea-esat",
        "Lot réservé aux entreprises adaptées et aux ESAT",
        "Avis d'appel à la concurrence et règlement de la consultation (l'article R2113-7 "
        "demande que l'avis, ou à défaut les documents de la consultation, renvoient à "
        "l'article L2113-12).",
        "Le lot n° [numéro] est réservé, en application de l'article L. 2113-12 du code de "
        "la commande publique, à des entreprises adaptées, à des établissements et services "
        "d'aide par le travail et à des structures équivalentes. Le candidat justifie de sa "
        "qualité d'entreprise adaptée ou d'ESAT, ou, pour une structure équivalente, qu'il "
        "emploie au moins 50 % de travailleurs handicapés au sens de cet article.",
    ),
    ModelClause(
        "clause-lot-reserve-siae",
        "Lot réservé aux structures d'insertion par l'activité économique",
        "Avis d'appel à la concurrence et règlement de la consultation (renvoi à l'article "
        "L2113-13, article R2113-7).",
        "Le lot n° [numéro] est réservé, en application de l'article L. 2113-13 du code de "
        "la commande publique, à des structures d'insertion par l'activité économique "
        "mentionnées à l'article L. 5132-4 du code du travail et à des structures "
        "équivalentes. Le candidat justifie de son conventionnement par l'État ou de sa "
        "qualité de structure équivalente (au moins 50 % de travailleurs défavorisés).",
    ),
    ModelClause(
        "clause-execution-insertion",
        "Condition d'exécution : des heures d'insertion",
        "Cahier des clauses administratives particulières (CCAP), au titre de l'article "
        "L2112-2. Le volume d'heures se fixe avec le facilitateur, d'après la main-d'œuvre "
        "du marché.",
        "Le titulaire s'engage à réserver à l'insertion de personnes rencontrant des "
        "difficultés sociales ou professionnelles particulières au moins [nombre] heures de "
        "travail sur la durée du marché. Il choisit l'une ou plusieurs des modalités "
        "suivantes : l'embauche directe de personnes éligibles ; la mise à disposition de "
        "salariés par une entreprise de travail temporaire d'insertion, une association "
        "intermédiaire ou un groupement d'employeurs pour l'insertion et la qualification ; "
        "la sous-traitance ou la co-traitance avec une structure d'insertion par l'activité "
        "économique, une entreprise adaptée ou un ESAT. L'éligibilité des personnes est "
        "validée par le facilitateur de la clause, [nom et coordonnées], qui accompagne le "
        "titulaire. Le titulaire lui transmet chaque [mois / trimestre] l'état des heures "
        "réalisées. Pour chaque heure non réalisée sans justification acceptée par "
        "l'acheteur, une pénalité de [montant] € est appliquée.",
    ),
    ModelClause(
        "clause-critere-insertion",
        "Critère d'attribution : la performance en matière d'insertion",
        "Règlement de la consultation, parmi les critères (R2152-7 cite les performances "
        "en matière d'insertion professionnelle des publics en difficulté).",
        "Critère n° [numéro] — Performances en matière d'insertion professionnelle des "
        "publics en difficulté ([pondération] %). Il est apprécié au vu d'une note d'au plus "
        "[nombre] pages qui décrit : les postes et le volume d'heures proposés aux "
        "personnes en insertion ; leur encadrement, leur accompagnement et les formations "
        "prévues ; les partenariats avec des structures d'insertion ou du handicap.",
    ),
    ModelClause(
        "clause-reserve-ess",
        "Marché réservé aux entreprises de l'ESS (services sociaux et autres services spécifiques)",
        "Avis d'appel à la concurrence et règlement de la consultation. Vérifiez d'abord "
        "que chaque code CPV du marché figure dans la liste de l'avis annexé au code.",
        "Le présent marché, qui porte exclusivement sur des services figurant dans l'avis "
        "annexé au code de la commande publique, est réservé, en application de l'article "
        "L. 2113-15 de ce code, aux entreprises de l'économie sociale et solidaire définies "
        "à l'article 1er de la loi n° 2014-856 du 31 juillet 2014 et aux structures "
        "équivalentes, qui ont pour objectif d'assumer une mission de service public liée à "
        "la prestation de ces services et qui remplissent les conditions fixées par le "
        "code. Sa durée n'excède pas trois ans.",
    ),
]


def search_text():
    """The guide's words for the platform search."""
    return " ".join(
        [
            *(f"{s.title} : {s.summary}" for s in SECTIONS),
            *(f"{c.title} : {c.text}" for c in MODEL_CLAUSES),
        ]
    )
