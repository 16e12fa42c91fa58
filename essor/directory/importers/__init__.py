"""Importers of the directory: SIRENE stock files, the RNA and the CRESS's CSV lists.

Each importer is a class whose `run()` returns the report as a dict, or raises
base.ImportRejected (nothing written) with the errors and their line numbers. The
management commands and the background task (essor.directory.tasks) both go
through `build_importer`. Submodules are imported where used, so that geo.py stays
usable without Django (the benchmark's generator uses it)."""


def build_importer(kind, parameters, *, dry_run=False, progress=None):
    """The importer an ImportRun's kind and parameters describe."""
    from ..enums import ImportKind

    options = {"dry_run": dry_run, "progress": progress}
    if kind == ImportKind.SIRENE:
        from .sirene import SireneImporter

        return SireneImporter(
            parameters["unites_legales"],
            parameters["etablissements"],
            all_regions=parameters.get("all_regions", False),
            **options,
        )
    if kind == ImportKind.RNA:
        from .rna import RnaImporter

        return RnaImporter(
            parameters["path"],
            all_regions=parameters.get("all_regions", False),
            encoding=parameters.get("encoding") or "iso-8859-1",
            **options,
        )
    if kind == ImportKind.CSV:
        from .csv_import import CsvImporter

        return CsvImporter(parameters["path"], parameters["mapping"], **options)
    raise ValueError(f"type d'import inconnu : {kind}")
