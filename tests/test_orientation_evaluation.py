"""The orientation's evaluation set (essor/support/data/evaluation.toml): situations from
the 2016 report, scored on both input paths, and the acceptance cases of issue 14."""

import pytest
from django.core.management import call_command
from django.urls import reverse

from essor.support import demo, evaluation

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo_offers():
    demo.load()


def test_the_set_has_enough_situations_from_every_persona():
    items = evaluation.situations()
    assert len(items) >= 40
    assert len({s.id for s in items}) == len(items)
    personas = {s.persona for s in items}
    assert personas >= {
        "creator", "jobseeker", "student", "structure", "volunteer", "buyer",
        "local_authority", "company",
    }  # fmt: skip
    kinds = set(evaluation.KINDS) | evaluation.LINK_KINDS
    for situation in items:
        assert situation.expect and set(situation.expect) <= kinds, situation.id
        assert situation.text and situation.place, situation.id


@pytest.mark.parametrize("path", list(evaluation.PATHS))
def test_the_orientation_scores_above_the_threshold(demo_offers, path):
    share, outcomes = evaluation.score(path)
    missed = {o.situation.id: (o.missing, o.shown) for o in outcomes if o.missing}
    assert share >= evaluation.THRESHOLD, missed


def test_the_score_command_prints_both_paths(demo_offers):
    from io import StringIO

    out = StringIO()
    call_command("orientation_score", stdout=out)
    text = out.getvalue()
    assert "Par les questions : " in text and "Par la phrase libre : " in text


def evaluate_one(identifier, path):
    situation = next(s for s in evaluation.situations() if s.id == identifier)
    return evaluation.evaluate(situation, path)


@pytest.mark.parametrize("path", list(evaluation.PATHS))
def test_a_local_authority_in_haute_vienne_gets_the_cress_and_the_rtes(demo_offers, path):
    outcome = evaluate_one("collectivite-haute-vienne", path)
    assert outcome.missing == []
    assert "CRESS Limousin" in outcome.shown


@pytest.mark.parametrize("path", list(evaluation.PATHS))
def test_farmers_in_correze_creating_an_employer_group_get_the_crge_and_the_dla_19(
    demo_offers, path
):
    outcome = evaluate_one("agriculteurs-groupement-employeurs-correze", path)
    assert "DLA 19" in outcome.shown
    assert "Centre de Ressources des Groupements d'Employeurs" in outcome.shown


def test_a_buyer_in_angouleme_gets_the_suppliers_search_filtered_near_angouleme(
    demo_offers, client
):
    response = client.get(
        reverse("support:results"), {"commune": "Angoulême (16015)", "profil": "buyer"}
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert (
        "Fournisseurs d&#x27;insertion (SIAE), entreprises adaptées et ESAT à moins de 30 km"
        in html
    )
    assert (
        "/achats/fournisseurs/?commune=Angoul%C3%AAme+%2816015%29&amp;rayon=30&amp;type=siae&amp;type=ea_esat"
        in html
    )
    assert "/annuaire/?commune=Angoul%C3%AAme+%2816015%29&amp;rayon=30&amp;label=esat" in html
