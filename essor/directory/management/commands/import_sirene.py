from essor.core.importing import ImportCommand
from essor.directory.importers.sirene import SireneImporter


class Command(ImportCommand):
    importer = SireneImporter
