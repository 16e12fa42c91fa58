from essor.core.importing import ImportCommand
from essor.observatory.reference import ReferenceEmploymentImporter


class Command(ImportCommand):
    importer = ReferenceEmploymentImporter
