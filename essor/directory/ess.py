"""Which organisations are in the ESS, and in which family.

The perimeter follows the one INSEE and the CRESS observatories use (law n° 2014-856 of
31 July 2014, art. 1): associations, cooperatives, mutuals and foundations by their legal
form, plus the commercial companies that INSEE flags as ESS
(economieSocialeSolidaireUniteLegale = "O", i.e. registered as such at the RCS or
holding the ESUS agrément)."""

from .enums import EssFamily

# Associations: the 92xx legal categories, except congregations (9240, religious
# bodies outside the ESS perimeter) and lawyers' AARPI (9224, a form of law firm).
ASSOCIATION_EXCLUDED = {"9240", "9224"}

# Foundations: 9300 (fondation). Fonds de dotation have no category of their own in
# SIRENE (they are 9220-like "autres personnes morales de droit privé": 9900).
FOUNDATIONS = {"9300"}

# Mutuals: mutuelles of the Code de la mutualité (8210), agricultural mutual insurance
# (8250), other mutualist bodies (8290) and mutual insurance companies of the Code des
# assurances (6411). The Mutualité sociale agricole (8140) is a social-security body.
MUTUALS = {"8210", "8250", "8290", "6411"}

# Cooperatives with a legal category of their own: SCOP (5458, 5558, 5658), other
# cooperative SARL/SA (54xx/55xx/56xx "coopérative"), cooperative banks and mutual
# credit (5191-5196, 6595, 6596), cooperative SNC/SCS/SCA (5203, 5307, 5309),
# agricultural cooperatives and CUMA (6316-6318), SICA (6532), civil cooperatives
# (65xx "coopérative"). SCIC have no category: they are cooperative SARL/SA (5460,
# 5560, 5660) or SAS (5710, see below).
COOPERATIVES = {
    "5191", "5192", "5193", "5194", "5195", "5196",
    "5203", "5307", "5309",
    "5443", "5451", "5453", "5454", "5455", "5458", "5459", "5460",
    "5543", "5547", "5551", "5552", "5553", "5554", "5555", "5558", "5559", "5560",
    "5643", "5647", "5651", "5652", "5653", "5654", "5655", "5658", "5659", "5660",
    "6316", "6317", "6318", "6532",
    "6543", "6551", "6554", "6558", "6560", "6595", "6596",
}  # fmt: skip

# SCOP/SCIC registered as SAS (5710) and every other commercial company can only be
# recognised through SIRENE's ESS flag; they count as commercial ESS companies unless
# the CRESS's own list says otherwise (the CSV importer may set the family).
COMMERCIAL_PREFIX = "5"

SCOP_CATEGORIES = {"5458", "5558", "5658"}


def ess_family(legal_category, ess_flag=None):
    """The ESS family of a legal unit, or None when it is outside the ESS.

    `legal_category` is INSEE's 4-digit catégorie juridique; `ess_flag` is SIRENE's
    economieSocialeSolidaireUniteLegale ("O", "N" or empty)."""
    category = (legal_category or "").strip()
    if category.startswith("92") and category not in ASSOCIATION_EXCLUDED:
        return EssFamily.ASSOCIATION
    if category in FOUNDATIONS:
        return EssFamily.FOUNDATION
    if category in MUTUALS:
        return EssFamily.MUTUAL
    if category in COOPERATIVES:
        return EssFamily.COOPERATIVE
    if ess_flag == "O" and category.startswith(COMMERCIAL_PREFIX):
        return EssFamily.COMMERCIAL
    return None


def ess_family_reason(legal_category, ess_flag=None):
    """A plain-French reason, e.g. "catégorie juridique 5458 — SARL coopérative de
    production (SCOP)"."""
    from .nomenclatures import legal_category_label

    family = ess_family(legal_category, ess_flag)
    label = legal_category_label(legal_category) or "catégorie inconnue"
    if family is None:
        return None
    if family == EssFamily.COMMERCIAL:
        return (
            f"catégorie juridique {legal_category} — {label}, "
            "reconnue dans l'ESS par SIRENE (indicateur ESS)"
        )
    return f"catégorie juridique {legal_category} — {label}"
