from essor.core.importing import ImportCommand
from essor.directory.importers.rna import RnaImporter


class Command(ImportCommand):
    importer = RnaImporter
