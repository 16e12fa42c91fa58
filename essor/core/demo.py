"""Demo content as data, read by one loader. Only `make demo` (essor load_demo) and the
tests load it; a production instance never does.

How an app adds its demo content (the new modules too: purchasing, events, …):

1. Write a JSON file under ``essor/<app>/data/demo/``, e.g.
   ``essor/events/data/demo/events.json``::

       {
         "about": "what the file holds, in one sentence",
         "records": [
           {"title": "…", …, "provenance": "Rapport 2016, Coopérer › … (ligne 512)"},
           {"title": "…", …, "provenance": "informations illustratives"}
         ]
       }

   Every record says where it comes from in ``provenance``: the section (and line of
   ``shared/seeds/000_9478e8e6ea56f56e.txt``) of the 2016 report it is written from,
   or ``informations illustratives`` (see ILLUSTRATIVE) when the report does not say it.
   Quote the report word for word; never invent report content. Names, e-mail
   addresses and phone numbers that are made up use ``example.org`` domains and the
   numbers that ARCEP reserves for fiction (05 36 49 xx xx).

2. In ``essor/<app>/demo.py``, turn the records into rows with a function decorated by
   ``@demo_step("events.json", order=60)``. It receives the parsed file and must be
   idempotent (running ``load_demo`` twice creates nothing new): find rows by a natural
   key (an ``import_id``, a name and source…) before creating them. The decorated
   function is called with no argument to load its own file, e.g. ``demo.load()`` in
   tests.

``load_demo()`` imports every installed app's ``demo`` module and runs the steps by
``order`` in one transaction: accounts 10, directory 20, support 30, financing 40,
resources 50; later modules take 60 and above (they may rely on the organisations and
accounts the earlier steps created).
"""

import json
from dataclasses import dataclass
from functools import wraps
from pathlib import Path

from django.apps import apps
from django.db import transaction
from django.utils.module_loading import autodiscover_modules

ILLUSTRATIVE = "informations illustratives"
DATA_FOLDER = Path("data") / "demo"


class DemoDataError(ValueError):
    pass


@dataclass(frozen=True)
class DemoStep:
    app_label: str
    filename: str
    order: int
    function: object

    @property
    def path(self):
        return Path(apps.get_app_config(self.app_label).path) / DATA_FOLDER / self.filename

    def read(self):
        return read_demo_file(self.path)

    def run(self, **options):
        return self.function(self.read(), **options)


_STEPS = {}


def demo_step(filename, *, order):
    """Register the decorated function as the loader of `filename` (see the module's
    docstring). Returns a function that loads the file when called without data."""

    def register(function):
        config = apps.get_containing_app_config(function.__module__)
        if config is None:
            raise DemoDataError(f"{function.__module__} n'appartient à aucune application.")
        step = DemoStep(config.label, filename, order, function)
        _STEPS[(config.label, filename)] = step

        @wraps(function)
        def load(data=None, **options):
            return function(step.read() if data is None else data, **options)

        load.step = step
        return load

    return register


def read_demo_file(path):
    """The parsed file, after checking that every record says where it comes from."""
    with Path(path).open(encoding="utf-8") as f:
        data = json.load(f)
    records = data.get("records")
    if not isinstance(records, list):
        raise DemoDataError(f"{path} : la clé « records » (une liste) manque.")
    for index, record in enumerate(records):
        if not str(record.get("provenance", "")).strip():
            raise DemoDataError(f"{path} : l'enregistrement {index} n'a pas de provenance.")
    return data


def demo_steps():
    """Every registered step, in loading order."""
    autodiscover_modules("demo")
    return sorted(_STEPS.values(), key=lambda step: (step.order, step.app_label, step.filename))


@transaction.atomic
def load_demo():
    """Run every step; returns [(step, its result)]."""
    return [(step, step.run()) for step in demo_steps()]
