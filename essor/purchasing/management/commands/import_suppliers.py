from essor.core.importing import ImportCommand
from essor.purchasing.importer import SupplierImporter


class Command(ImportCommand):
    importer = SupplierImporter
