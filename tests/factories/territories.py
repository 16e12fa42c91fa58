"""Places of the shipped test geography (all of Nouvelle-Aquitaine, tests/data/), by code."""

from essor.territories.models import Commune

LIMOGES = "87085"
GUERET = "23096"
TULLE = "19272"
BORDEAUX = "33063"
SAINT_JUNIEN = "87154"


def commune(code):
    """A commune of the test geography with its EPCI, département and région."""
    return Commune.objects.select_related("departement", "epci", "region").get(code=code)


NIORT = "79191"
BRIVE = "19031"
USSEL = "19275"
