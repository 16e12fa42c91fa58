import pytest

from essor.directory import nomenclatures
from essor.directory.enums import EssFamily
from essor.directory.ess import ess_family, ess_family_reason
from essor.directory.identifiers import (
    is_valid_rna,
    is_valid_siren,
    is_valid_siret,
    with_luhn_key,
)


@pytest.mark.parametrize(
    ("category", "flag", "family"),
    [
        ("9220", "", EssFamily.ASSOCIATION),
        ("9230", "O", EssFamily.ASSOCIATION),
        ("9221", None, EssFamily.ASSOCIATION),
        ("9240", "O", None),  # congregations stay outside
        ("9300", "", EssFamily.FOUNDATION),
        ("8210", "", EssFamily.MUTUAL),
        ("8250", "", EssFamily.MUTUAL),
        ("8290", "", EssFamily.MUTUAL),
        ("6411", "", EssFamily.MUTUAL),
        ("5458", "", EssFamily.COOPERATIVE),  # SCOP SARL
        ("5560", "N", EssFamily.COOPERATIVE),  # SCIC as SA
        ("6316", "", EssFamily.COOPERATIVE),  # CUMA
        ("6532", "", EssFamily.COOPERATIVE),  # SICA
        ("5192", "", EssFamily.COOPERATIVE),  # banque populaire
        ("6596", "", EssFamily.COOPERATIVE),  # crédit agricole mutuel
        ("5710", "O", EssFamily.COMMERCIAL),  # SCOP/SCIC SAS or ESUS company: only by the flag
        ("5710", "N", None),
        ("5710", "", None),
        ("5499", "O", EssFamily.COMMERCIAL),
        ("1000", "O", None),  # an individual entrepreneur is not a company of the ESS
        ("7210", "", None),  # a commune
        ("", "", None),
    ],
)
def test_ess_family_follows_legal_category_and_the_sirene_flag(category, flag, family):
    assert ess_family(category, flag) == family


def test_the_family_reason_names_the_legal_category():
    assert (
        ess_family_reason("5458")
        == "catégorie juridique 5458 — SARL coopérative de production (SCOP)"
    )
    assert "indicateur ESS" in ess_family_reason("5710", "O")
    assert ess_family_reason("7210") is None


@pytest.mark.parametrize(
    ("value", "valid"),
    [("552100554", True), ("552100555", False), ("55210055", False), ("55210055a", False)],
)
def test_siren_is_luhn_checked(value, valid):
    assert is_valid_siren(value) is valid


def test_siret_is_luhn_checked_and_prefixed_by_a_valid_siren():
    assert is_valid_siret("55210055400013")
    assert not is_valid_siret("55210055400014")
    assert not is_valid_siret(with_luhn_key("5521005550001"))  # its SIREN fails Luhn
    assert is_valid_siret("35600000000001")  # La Poste: digits sum to a multiple of 5


@pytest.mark.parametrize(
    ("value", "valid"),
    [("W872001234", True), ("W9B1001234", True), ("W87200123", False), ("872001234W", False)],
)
def test_rna_number_is_w_and_nine_characters(value, valid):
    assert is_valid_rna(value) is valid


def test_nomenclatures_are_complete_and_labelled():
    assert len(nomenclatures.naf_activities()) == 732
    assert nomenclatures.naf_label("88.99B") == "Action sociale sans hébergement n.c.a."
    assert nomenclatures.legal_category_label("9300") == "Fondation"
    assert list(nomenclatures.headcount_bands())[:3] == ["NN", "00", "01"]
    assert nomenclatures.headcount_band_label("12") == "20 à 49 salariés"
    assert nomenclatures.ess_sector_of("88.99B") == "action_sociale"
    assert nomenclatures.ess_sector_of("64.19Z") == "finance_assurance"
