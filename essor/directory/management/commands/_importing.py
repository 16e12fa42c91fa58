"""What the three import commands share (the leading underscore hides it from Django)."""

import json
from pathlib import Path

from django.core.management.base import CommandError

from essor.directory.enums import ImportStatus
from essor.directory.importers.base import format_report
from essor.directory.models import ImportRun
from essor.directory.tasks import perform_import


def add_common_arguments(parser):
    parser.add_argument(
        "--dry-run",
        action="store_true",
        help="contrôle le fichier et compte ce qui changerait, sans rien écrire",
    )
    parser.add_argument("--json", action="store_true", help="affiche le rapport en JSON")


def absolute(path):
    return str(Path(path).expanduser().resolve())


def run_import_command(command, kind, parameters, options):
    """Run an import in the foreground: progress on stderr, the report on stdout.

    A real run is recorded as an ImportRun, like those launched from the admin; a dry
    run writes nothing at all. The report dict stays on `command.report`."""
    dry_run = options["dry_run"]
    run = ImportRun(kind=kind, dry_run=dry_run, parameters=parameters)
    progress = command.stderr.write if options.get("verbosity", 1) > 0 else None
    perform_import(run, progress=progress, record=not dry_run)
    command.report = run.report
    if run.status == ImportStatus.REJECTED:
        raise CommandError("\n".join(run.errors))
    if options.get("json"):
        command.stdout.write(json.dumps(run.report, ensure_ascii=False, indent=2))
    else:
        command.stdout.write(format_report(run.report))
