"""What other sections know about a territory, for the "fiche territoire".

The observatory does not depend on those apps: a section appears only when its app is
installed and provides the function, `<app>.services.<name>(departement=None,
epci=None)` returning a list of objects with `get_absolute_url()` and a `__str__`."""

from importlib import import_module

from django.apps import apps

from .enums import TerritoryLevel

PROVIDERS = [
    # (app, function, heading, how many are listed)
    ("essor.initiatives", "initiatives_for_territory", "Initiatives du territoire", 6),
    ("essor.support", "offers_for_territory", "Offres d'accompagnement sur le territoire", 6),
]


def territory_sections(territory):
    """[{"title", "items", "more"}] for the providers installed, for a département or
    an EPCI; an installed provider with nothing to show still says so."""
    if territory.level not in (TerritoryLevel.DEPARTEMENT, TerritoryLevel.EPCI):
        return []
    sections = []
    for app, name, title, limit in PROVIDERS:
        function = _provider(app, name)
        if function is None:
            continue
        items = list(function(**{territory.level: territory.code}))
        sections.append({"title": title, "items": items[:limit], "more": len(items) - limit})
    return sections


def _provider(app, name):
    if not apps.is_installed(app):
        return None
    try:
        module = import_module(f"{app}.services")
    except ImportError:
        return None
    return getattr(module, name, None)
