"""Reserved contracts: which contracts may be reserved to a supplier, and why.

Derived from what the directory knows of the organisation (its labels, its legal
category, its place in the ESS) and from the categories it sells; never declared by the
supplier itself. The articles are quoted from the Code de la commande publique as in
force (texts checked against Légifrance's wording); each badge carries a plain
explanation and the article, shown where buyers search."""

from dataclasses import dataclass

from .enums import SupplierKind

# Labels of essor/directory (migration 0002_labels).
DISABILITY_LABELS = {"ea", "esat"}
# The four kinds of SIAE that article L5132-4 of the Code du travail lists.
INSERTION_LABELS = {"ei", "etti", "ai", "aci"}
SIAE_LABELS = INSERTION_LABELS | {"eiti"}
# SIRENE legal categories of the SCOP (SARL, SA à conseil d'administration, à directoire).
SCOP_CATEGORIES = {"5458", "5558", "5658"}


@dataclass(frozen=True)
class Reservation:
    code: str  # the column of SupplierProfile, and the filter's value
    article: str
    badge: str
    plain: str
    text: str  # the article, word for word
    # Its part of the purchasing guide (/ressources/achats-responsables/#…).
    guide_anchor: str = "marches-reserves"


DISABILITY = Reservation(
    guide_anchor="reserve-ea-esat",
    code="disability",
    article="L2113-12",
    badge="Marché réservé EA / ESAT",
    plain=(
        "Un acheteur public peut réserver un marché ou un lot aux entreprises adaptées (EA) "
        "et aux établissements et services d'aide par le travail (ESAT) : seules ces "
        "structures, et les structures équivalentes, peuvent alors y répondre."
    ),
    text=(
        "Des marchés ou des lots d'un marché peuvent être réservés à des entreprises adaptées "
        "mentionnées à l'article L. 5213-13 du code du travail, à des établissements et "
        "services d'aide par le travail mentionnés à l'article L. 344-2 du code de l'action "
        "sociale et des familles ainsi qu'à des structures équivalentes, lorsqu'ils emploient "
        "une proportion minimale, fixée par voie réglementaire, de travailleurs handicapés "
        "qui, en raison de la nature ou de la gravité de leurs déficiences, ne peuvent "
        "exercer une activité professionnelle dans des conditions normales."
    ),
)
INSERTION = Reservation(
    guide_anchor="reserve-siae",
    code="insertion",
    article="L2113-13",
    badge="Marché réservé SIAE",
    plain=(
        "Un acheteur public peut réserver un marché ou un lot aux structures d'insertion par "
        "l'activité économique (entreprises d'insertion, entreprises de travail temporaire "
        "d'insertion, associations intermédiaires, ateliers et chantiers d'insertion)."
    ),
    text=(
        "Des marchés ou des lots d'un marché peuvent être réservés à des structures "
        "d'insertion par l'activité économique mentionnées à l'article L. 5132-4 du code du "
        "travail et à des structures équivalentes, lorsqu'elles emploient une proportion "
        "minimale, fixée par voie réglementaire, de travailleurs défavorisés."
    ),
)
ESS = Reservation(
    guide_anchor="reserve-ess",
    code="ess",
    article="L2113-15",
    badge="Marché réservé ESS (services sociaux et spécifiques)",
    plain=(
        "Un pouvoir adjudicateur peut réserver aux entreprises de l'ESS un marché qui porte "
        "exclusivement sur des services sociaux et autres services spécifiques de la liste "
        "annexée au code, quand l'entreprise a pour objectif d'assumer une mission de service "
        "public liée à ces services. Cette structure de l'ESS propose de tels services ; "
        "l'acheteur vérifie les codes CPV de son marché et cette mission."
    ),
    text=(
        "Des marchés ou des lots d'un marché, qui portent exclusivement sur des services "
        "sociaux et autres services spécifiques dont la liste figure dans un avis annexé au "
        "présent code, peuvent être réservés par un pouvoir adjudicateur, y compris "
        "lorsqu'il agit en tant qu'entité adjudicatrice, aux entreprises de l'économie "
        "sociale et solidaire définies à l'article 1er de la loi n° 2014-856 du 31 juillet "
        "2014 relative à l'économie sociale et solidaire ou à des structures équivalentes, "
        "lorsqu'elles ont pour objectif d'assumer une mission de service public liée à la "
        "prestation de services mentionnés sur cette liste."
    ),
)
RESERVATIONS = {r.code: r for r in (DISABILITY, INSERTION, ESS)}
RESERVATION_CHOICES = [(r.code, f"{r.badge} (art. {r.article})") for r in RESERVATIONS.values()]
# The SupplierProfile column of each reservation.
RESERVATION_FIELDS = {
    "disability": "reserved_disability",
    "insertion": "reserved_insertion",
    "ess": "reserved_ess",
}
KIND_FIELDS = {
    SupplierKind.SIAE: "is_siae",
    SupplierKind.EA_ESAT: "is_ea_esat",
    SupplierKind.SCOP_SCIC: "is_scop_scic",
    SupplierKind.ESUS: "is_esus",
    SupplierKind.ASSOCIATION: "is_association",
}


def derive(organisation, label_codes, *, is_scic=False, sells_specific_services=False):
    """The derived columns of a supplier profile: {field: bool}."""
    labels = set(label_codes)
    in_ess = bool(organisation.ess_family)
    return {
        "is_siae": bool(labels & SIAE_LABELS),
        "is_ea_esat": bool(labels & DISABILITY_LABELS),
        "is_scop_scic": organisation.legal_category in SCOP_CATEGORIES or is_scic,
        "is_esus": organisation.is_esus or "esus" in labels,
        "is_association": organisation.legal_category.startswith("92")
        or organisation.ess_family == "association",
        "reserved_disability": bool(labels & DISABILITY_LABELS),
        "reserved_insertion": bool(labels & INSERTION_LABELS),
        "reserved_ess": in_ess and sells_specific_services,
    }


def supplier_kinds(profile):
    return [kind for kind, name in KIND_FIELDS.items() if getattr(profile, name)]


def reservations_of(profile):
    """The reservations a published profile shows, in the articles' order."""
    return [r for code, r in RESERVATIONS.items() if getattr(profile, RESERVATION_FIELDS[code])]
