"""Orientation reads the published offers from each process's copy of the catalogue
(essor/support/catalogue.py) and scores in full only the offers that may fit: its
answers are those of reading every candidate from the database and scoring them all,
and a write to an offer is seen by the next question."""

import random

import pytest

from essor.directory.enums import Phase
from essor.support import matching
from essor.support.enums import (
    Cost,
    Format,
    HelpKind,
    OfferStatus,
    Persona,
    ProjectKind,
    SupportAudience,
    SupportLegalForm,
)
from essor.support.matching import Criteria, orient
from essor.support.models import SupportOffer
from essor.support.services import offer_set_areas
from essor.territories.areas import AreaLevel, area_spec
from essor.territories.models import Commune, Departement, Epci
from tests.factories.directory import OrganisationFactory
from tests.factories.support import SupportOfferFactory

pytestmark = pytest.mark.django_db

GUERET, AUBUSSON, LIMOGES = "23096", "23008", "87085"


def varied_catalogue(rng, count=160):
    """Offers of every level of area (radius and several areas of one offer too), every
    kind of help, phase, audience, legal form, sector, cost and format, some ended, some
    not published, over the Creuse and the Haute-Vienne."""
    communes = list(
        Commune.objects.filter(departement_id__in=["23", "87"], parent__isnull=True)
        .order_by("code")
        .values_list("code", flat=True)
    )
    epcis = sorted({c.epci_id for c in Commune.objects.filter(code__in=communes) if c.epci_id})
    providers = [OrganisationFactory(name=f"Acteur {n}") for n in range(count // 4)]
    for _ in range(count):
        offer = SupportOfferFactory(
            provider=rng.choice(providers),
            title=f"Offre {rng.randint(1, 40)}",  # the same title twice: the key's pk decides
            help_kinds=rng.sample(HelpKind.values, rng.randint(1, 4)),
            phases=rng.sample(Phase.values, rng.randint(0, 3)),
            audiences=rng.sample(SupportAudience.values, rng.randint(0, 2)),
            legal_forms=rng.sample(SupportLegalForm.values, 2) if rng.random() < 0.25 else [],
            sectors=["action_sociale"] if rng.random() < 0.15 else [],
            cost=rng.choice(Cost.values),
            cost_details="selon la durée" if rng.random() < 0.3 else "",
            format=rng.choice(Format.values),
            is_ended=rng.random() < 0.05,
            status=OfferStatus.PUBLISHED if rng.random() < 0.9 else OfferStatus.PENDING,
        )
        specs = []
        for _ in range(rng.randint(1, 3)):
            draw = rng.random()
            if draw < 0.05:
                specs.append(area_spec(AreaLevel.NATIONAL, "FR"))
            elif draw < 0.2:
                specs.append(area_spec(AreaLevel.REGION, "75"))
            elif draw < 0.45:
                specs.append(area_spec(AreaLevel.DEPARTEMENT, rng.choice(["23", "87"])))
            elif draw < 0.7:
                specs.append(area_spec(AreaLevel.EPCI, rng.choice(epcis)))
            elif draw < 0.85:
                specs.append(area_spec(AreaLevel.RADIUS, rng.choice(communes), rng.randint(5, 40)))
            else:
                specs.append(area_spec(AreaLevel.COMMUNE, rng.choice(communes)))
        offer_set_areas(offer, [s for s in specs if s is not None])


def questions(rng, count):
    commune_codes = [GUERET, AUBUSSON, LIMOGES, "23176", "87154", "23001"]
    found = []
    for n in range(count):
        where = n % 3
        if where == 0:
            commune = Commune.objects.select_related("departement", "epci").get(
                code=rng.choice(commune_codes)
            )
            place = {"commune": commune, "departement": commune.departement}
        elif where == 1:
            departement = Departement.objects.get(code=rng.choice(["23", "87"]))
            place = {"departement": departement}
        else:
            epci = Epci.objects.get(
                code=Commune.objects.get(code=rng.choice(commune_codes)).epci_id
            )
            place = {"epci": epci, "departement": matching.main_departement(epci)}
        found.append(
            Criteria(
                **place,
                persona=rng.choice(["", "", *Persona.values]),
                phase=rng.choice(["", *Phase.values]),
                project=rng.choice(["", *ProjectKind.values]),
                legal_form=rng.choice(["", "", *SupportLegalForm.values]),
                needs=rng.sample(HelpKind.values, rng.randint(0, 3)),
                sector=rng.choice(["", "", "action_sociale"]),
            )
        )
    return found


def described(match):
    if match is None:
        return None
    return (
        match.offer.pk,
        match.offer.title,
        match.offer.provider.name,
        match.score,
        match.reasons,
        match.cautions,
        match.matched_needs,
        match.level,
        match.fits,
        match.partial,
        match.distance_km,
    )


def answer(result):
    return {
        "ranked": [described(m) for m in result.ranked],
        "entry_point": described(result.entry_point),
        "top": [described(m) for m in result.top],
        "more": [described(m) for m in result.more],
        "nearby": [described(m) for m in result.nearby],
        "others": [described(m) for m in result.others],
        "groups": [(need, [described(m) for m in members]) for need, _, members in result.groups],
        "notes": result.notes,
    }


def orient_from_the_database(criteria, monkeypatch):
    """The answer as it was computed before the copy: every candidate read from the
    database and scored in full."""
    with monkeypatch.context() as patched:
        patched.setattr(matching, "candidates", matching.read_candidates)
        patched.setattr(matching, "may_fit", lambda criteria: lambda offer: True)
        return orient(criteria)


def test_the_copy_answers_exactly_what_the_database_does(monkeypatch):
    rng = random.Random(20)
    varied_catalogue(rng)
    compared = fitting = 0
    for criteria in questions(rng, 60):
        held = orient(criteria)
        read = orient_from_the_database(criteria, monkeypatch)
        assert answer(held) == answer(read), criteria
        compared += 1
        fitting += bool(held.ranked)
    # The comparison is worth something only if most questions find fitting offers.
    assert compared == 60 and fitting >= 30


def test_the_copy_finds_the_same_candidates_and_areas():
    rng = random.Random(21)
    varied_catalogue(rng, count=80)
    for criteria in questions(rng, 12):
        place = criteria.place

        def seen(offers):
            return {o.pk: (o.provider.name, sorted(o.covering)) for o in offers}

        held = seen(matching.candidates(place))
        assert held and held == seen(matching.read_candidates(place))


def ids(criteria):
    """The offers that serve the person's place, as the next question sees them."""
    return {offer.pk for offer in matching.candidates(criteria.place)}


def test_a_published_offer_is_in_the_next_answer_and_an_unpublished_one_is_not():
    criteria = Criteria(
        commune=Commune.objects.select_related("departement").get(code=GUERET),
        departement=Departement.objects.get(code="23"),
    )
    offer = SupportOfferFactory(status=OfferStatus.PENDING)
    offer_set_areas(offer, [area_spec(AreaLevel.DEPARTEMENT, "23")])
    assert offer.pk not in ids(criteria)

    offer.status = OfferStatus.PUBLISHED
    offer.save()
    assert offer.pk in ids(criteria)

    # A write that goes around the services and the model is seen too (triggers).
    SupportOffer.objects.filter(pk=offer.pk).update(status=OfferStatus.ARCHIVED)
    assert offer.pk not in ids(criteria)


def test_new_areas_of_an_offer_are_in_the_next_answer():
    gueret = Criteria(
        commune=Commune.objects.select_related("departement").get(code=GUERET),
        departement=Departement.objects.get(code="23"),
    )
    limoges = Criteria(
        commune=Commune.objects.select_related("departement").get(code=LIMOGES),
        departement=Departement.objects.get(code="87"),
    )
    offer = SupportOfferFactory()
    offer_set_areas(offer, [area_spec(AreaLevel.DEPARTEMENT, "23")])
    assert offer.pk in ids(gueret) and offer.pk not in ids(limoges)

    offer_set_areas(offer, [area_spec(AreaLevel.RADIUS, LIMOGES, 10)])
    assert offer.pk not in ids(gueret) and offer.pk in ids(limoges)
    match = next(m for m in orient(limoges).all_matches if m.offer.pk == offer.pk)
    assert match.level == AreaLevel.RADIUS

    SupportOffer.objects.filter(pk=offer.pk).update(help_kinds=[HelpKind.LEGAL])
    match = next(m for m in orient(limoges).all_matches if m.offer.pk == offer.pk)
    assert not match.fits  # first information was asked for, legal help is all it offers


def test_a_renamed_provider_is_named_anew():
    commune = Commune.objects.select_related("departement").get(code=GUERET)
    criteria = Criteria(commune=commune, departement=commune.departement)
    offer = SupportOfferFactory(provider=OrganisationFactory(name="Ancien nom"))
    offer_set_areas(offer, [area_spec(AreaLevel.DEPARTEMENT, "23")])
    assert orient(criteria).all_matches[0].offer.provider.name == "Ancien nom"

    offer.provider.name = "Nouveau nom"
    offer.provider.save()
    rows = matching.candidates(criteria.place)
    assert [row.provider.name for row in rows] == ["Nouveau nom"]
