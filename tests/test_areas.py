"""The one area vocabulary (essor/territories/areas.py): which areas serve a place, the
picker that reads a territory from a form, the CSV notation, and the rules the database
itself enforces."""

import math

import pytest
from django.db import IntegrityError, transaction

from essor.support.models import OfferArea, SupportOffer
from essor.territories.areas import (
    AreaLevel,
    AreaSpec,
    Place,
    area_spec,
    format_areas,
    index_areas,
    parse_areas,
    replace_areas,
    serving,
)
from essor.territories.forms import AreaPickerForm, area_picker_data
from essor.territories.models import Departement, Epci, Region
from tests.factories.directory import OrganisationFactory
from tests.factories.territories import commune

pytestmark = pytest.mark.django_db

NIORT, AIFFRES, POITIERS, ANGOULEME = "79191", "79003", "86194", "16015"
NIORTAIS = "200041317"


def offer_with(*specs):
    offer = SupportOffer.objects.create(
        provider=OrganisationFactory(), title="Offre", description="Une offre."
    )
    replace_areas(offer, [s if isinstance(s, AreaSpec) else area_spec(*s) for s in specs])
    return offer


def served(place):
    """{(level, code): partial} of every stored area that serves the place."""
    return {
        (area.level, area.code + (f":{area.radius_km}" if area.radius_km else "")): area.partial
        for area in OfferArea.objects.covering(place)
    }


def km_between(a, b):
    # The equirectangular distance the covering query computes.
    lat = math.radians(a.latitude)
    dy = (b.latitude - a.latitude) * 111.2
    dx = (b.longitude - a.longitude) * 111.2 * math.cos(lat)
    return math.hypot(dx, dy)


@pytest.fixture
def areas():
    """One area of each level around Niort, and others elsewhere."""
    offer_with(
        ("national", "FR"),
        ("region", "75"),
        ("departement", "79"),
        ("epci", NIORTAIS),
        ("commune", NIORT),
        ("radius", AIFFRES, 15),
        ("departement", "86"),
        ("commune", POITIERS),
        ("radius", POITIERS, 10),
    )


def test_a_commune_is_served_by_every_area_that_contains_it_and_no_other(areas):
    assert served(Place.of_commune(commune(NIORT))) == {
        ("national", "FR"): False,
        ("region", "75"): False,
        ("departement", "79"): False,
        ("epci", NIORTAIS): False,
        ("commune", NIORT): False,
        ("radius", f"{AIFFRES}:15"): False,
    }


def test_a_departement_is_served_wholly_by_wider_areas_and_in_part_by_those_inside_it(areas):
    place = Place(departement=Departement.objects.get(code="79"))
    assert served(place) == {
        ("national", "FR"): False,
        ("region", "75"): False,
        ("departement", "79"): False,
        ("epci", NIORTAIS): True,
        ("commune", NIORT): True,
        ("radius", f"{AIFFRES}:15"): True,
    }


def test_an_epci_is_served_by_its_departement_and_in_part_by_its_communes(areas):
    place = Place(epci=Epci.objects.get(code=NIORTAIS))
    assert served(place) == {
        ("national", "FR"): False,
        ("region", "75"): False,
        ("departement", "79"): False,
        ("epci", NIORTAIS): False,
        ("commune", NIORT): True,
        ("radius", f"{AIFFRES}:15"): True,
    }


def test_a_region_is_served_in_part_by_every_area_inside_it(areas):
    place = Place(region=Region.objects.get(code="75"))
    served_region = served(place)
    assert served_region.pop(("national", "FR")) is False
    assert served_region.pop(("region", "75")) is False
    assert set(served_region.values()) == {True} and len(served_region) == 7


def test_a_radius_serves_the_communes_within_it_and_only_those():
    niort, poitiers = commune(NIORT), commune(POITIERS)
    km = km_between(poitiers, niort)
    offer_with(("radius", POITIERS, math.floor(km) - 1))
    assert served(Place.of_commune(niort)) == {}
    offer_with(("radius", POITIERS, math.ceil(km) + 1))
    assert served(Place.of_commune(niort)) == {("radius", f"{POITIERS}:{math.ceil(km) + 1}"): False}


def test_areas_read_once_for_a_region_serve_each_epci_as_the_query_does(areas):
    index = index_areas(OfferArea.objects.covering(Place(region=Region(code="75"))))
    places = Place.epcis_of_region("75")
    assert NIORTAIS in places
    for code, place in places.items():
        in_memory = {(area.pk, partial) for area, partial in serving(place, index)}
        queried = {(area.pk, area.partial) for area in OfferArea.objects.covering(place)}
        assert in_memory == queried, code


def test_an_empty_place_is_served_by_nothing(areas):
    assert served(Place()) == {}
    assert not Place.of("commune", "00000")


def test_owners_covering_a_place_are_one_query(areas, django_assert_num_queries):
    place = Place.of_commune(commune(NIORT))
    expected = list(SupportOffer.objects.all())
    with django_assert_num_queries(1):
        assert list(SupportOffer.objects.covering(place)) == expected


# --- Storing areas -----------------------------------------------------------------------


def test_a_radius_area_keeps_its_centres_position_and_the_same_area_twice_is_one():
    angouleme = commune(ANGOULEME)
    offer = offer_with(("radius", ANGOULEME, 30), ("departement", "16"), ("departement", "16"))
    radius = offer.areas.get(level=AreaLevel.RADIUS)
    assert (radius.latitude, radius.longitude) == (angouleme.latitude, angouleme.longitude)
    assert radius.label == "30 km autour de Angoulême (16)"
    assert offer.areas.count() == 2


@pytest.mark.parametrize(
    "fields",
    [
        {"level": "radius", "code": ANGOULEME},  # no radius, no centre
        {"level": "radius", "code": ANGOULEME, "radius_km": 0, "latitude": 45.6, "longitude": 0.1},
        {
            "level": "radius",
            "code": ANGOULEME,
            "radius_km": 900,
            "latitude": 45.6,
            "longitude": 0.1,
        },
        {"level": "radius", "code": ANGOULEME, "radius_km": 30, "latitude": 45.6},
        {"level": "commune", "code": ANGOULEME, "radius_km": 30},
        {"level": "departement", "code": "16", "latitude": 45.6, "longitude": 0.1},
        {"level": "canton", "code": "1601"},
        {"level": "national", "code": "75"},
        {"level": "commune", "code": ""},
    ],
)
def test_the_database_refuses_an_area_that_breaks_the_vocabulary(fields):
    offer = offer_with()
    with pytest.raises(IntegrityError), transaction.atomic():
        OfferArea.objects.create(offer=offer, label="x", **fields)


# --- The picker --------------------------------------------------------------------------


def test_the_picker_reads_every_kind_of_area():
    form = AreaPickerForm(
        {
            "national": "on",
            "whole_region": "on",
            "departements": ["16", "79"],
            "epcis": [NIORTAIS],
            "communes": "Poitiers\n87085",
            "radius_commune": "Angoulême (16015)",
            "radius_km": "30",
        }
    )
    assert form.is_valid(), form.errors
    assert [(a.level, a.code) for a in form.areas()] == [
        ("national", "FR"),
        ("region", "75"),
        ("departement", "16"),
        ("departement", "79"),
        ("epci", NIORTAIS),
        ("commune", POITIERS),
        ("commune", "87085"),
        ("radius", ANGOULEME),
    ]
    assert form.areas()[-1].radius_km == 30


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({}, "__all__", "Indiquez le territoire servi"),
        ({"radius_commune": "16015"}, "radius_km", "Indiquez le rayon en kilomètres."),
        ({"radius_km": "20"}, "radius_commune", "Indiquez la commune au centre du rayon."),
        ({"radius_commune": "16015", "radius_km": "0"}, "radius_km", "d'au moins 1 km"),
        ({"radius_commune": "16015", "radius_km": "10000"}, "radius_km", "200 km au plus"),
        ({"departements": ["99"]}, "departements", "Aucun département n'a le code 99."),
        ({"epcis": ["123"]}, "epcis", "Aucune intercommunalité n'a le SIREN 123."),
        ({"communes": "Nulle-Part-sur-Mer"}, "communes", "Aucune commune ne correspond"),
    ],
)
def test_the_picker_says_in_french_what_is_wrong(data, field, message):
    form = AreaPickerForm(data)
    assert not form.is_valid()
    assert any(message in error for error in form.errors[field]), form.errors


def test_the_picker_data_of_stored_areas_reads_back_the_same_areas():
    specs = [
        area_spec("national", "FR"),
        area_spec("departement", "87"),
        area_spec("epci", NIORTAIS),
        area_spec("commune", POITIERS),
        area_spec("radius", ANGOULEME, 25),
    ]
    form = AreaPickerForm(area_picker_data(specs))
    assert form.is_valid(), form.errors
    assert form.areas() == specs


# --- CSV notation ------------------------------------------------------------------------


def test_the_csv_notation_reads_back_what_it_writes():
    specs, errors = parse_areas(f"national|departement:87| epci:{NIORTAIS} |radius:16015:30")
    assert errors == []
    assert format_areas(specs) == f"national|departement:87|epci:{NIORTAIS}|radius:16015:30"
    assert specs[1].label == "Haute-Vienne (87)"


def test_the_csv_notation_explains_each_bad_token():
    specs, errors = parse_areas("canton:1601|departement:999|radius:16015|radius:16015:500")
    assert specs == []
    assert errors == [
        "niveau de territoire inconnu « canton ».",
        "« departement:999 » : aucun territoire de ce niveau n'a ce code.",
        "« radius:16015 » : un rayon de 1 à 200 km est attendu.",
        "« radius:16015:500 » : un rayon de 1 à 200 km est attendu.",
    ]
