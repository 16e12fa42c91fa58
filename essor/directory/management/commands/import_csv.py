from essor.core.importing import ImportCommand
from essor.directory.importers.csv_import import CsvImporter


class Command(ImportCommand):
    importer = CsvImporter
