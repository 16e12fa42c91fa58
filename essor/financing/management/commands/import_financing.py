from essor.core.importing import ImportCommand
from essor.financing.importer import FinancingImporter


class Command(ImportCommand):
    importer = FinancingImporter
