"""Importers of the directory: SIRENE stock files, the RNA and the CRESS's CSV lists,
each a declaration on the skeleton of essor.core.importing. Submodules are imported
where used (and by the app's ready(), which registers them), so that geo.py and
formats.py stay usable without Django (the benchmark's generator uses them)."""
