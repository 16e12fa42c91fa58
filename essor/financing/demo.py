"""The financing tools the report names (data/demo/tools.json), described from what it
says. Where the report gives no amount or date, the demo's are illustrative and the tool
says so (`is_illustrative`). Safe to re-run: tools are keyed by their import id."""

from datetime import date

from django.utils import timezone

from essor.core.demo import demo_step
from essor.directory.enums import Source
from essor.directory.models import Organisation
from essor.territories.areas import AreaLevel, area_spec
from essor.territories.models import Commune

from .enums import ToolStatus
from .models import FinancingTool
from .services import tool_save


def _funder(name):
    organisation, _ = Organisation.objects.get_or_create(name=name, source=Source.REPORT)
    return organisation


def _area(spec):
    """(level, code, name) of the record's area; a commune's EPCI is looked up in the
    loaded geography, its département standing in when the commune has no EPCI."""
    if "epci_of_commune" not in spec:
        return spec["level"], spec["code"], spec["name"]
    departement = spec["departement"]
    commune = (
        Commune.objects.filter(name=spec["epci_of_commune"], departement_id=departement)
        .select_related("epci")
        .first()
    )
    if commune and commune.epci_id:
        return AreaLevel.EPCI, commune.epci_id, commune.epci.name
    return AreaLevel.DEPARTEMENT, departement, f"département {departement}"


def _next(month_day):
    """The next occurrence of a yearly "MM-DD" date, so that the demo always has open
    calls."""
    month, day = (int(part) for part in month_day.split("-"))
    today = timezone.localdate()
    candidate = date(today.year, month, day)
    return candidate if candidate >= today else date(today.year + 1, month, day)


def _dates(record):
    """opens_on and closes_on of a yearly call: the next closing date, and the opening
    date of the same year."""
    if "closes_on_yearly" not in record:
        return {}
    closes_on = _next(record["closes_on_yearly"])
    opens_on = _next(record["opens_on_yearly"]).replace(year=closes_on.year)
    return {"opens_on": opens_on, "closes_on": closes_on}


NOT_FIELDS = {"import_id", "funders", "area", "provenance", "opens_on_yearly", "closes_on_yearly"}


@demo_step("tools.json", order=40)
def load(data):
    """Create or refresh the tools; returns {import_id: tool}."""
    created = {}
    note = f"\n\n{data['illustrative_note']}"
    for record in data["records"]:
        import_id = record["import_id"]
        tool = FinancingTool.objects.filter(import_id=import_id).first() or FinancingTool(
            import_id=import_id
        )
        fields = {k: v for k, v in record.items() if k not in NOT_FIELDS} | _dates(record)
        fields["description"] += note
        for key, value in fields.items():
            setattr(tool, key, value)
        level, code, _ = _area(record["area"])
        tool.is_illustrative = True
        tool.status = ToolStatus.PUBLISHED
        tool.published_at = tool.published_at or timezone.now()
        tool_save(tool=tool, areas=[area_spec(level, code)])
        tool.funders.set([_funder(name) for name in record["funders"]])
        created[import_id] = tool
    # An honour loan or associative securities first, then the guaranteed bank loan.
    for source, targets in data["unlocks"].items():
        created[source].unlocks.set([created[target] for target in targets])
    return created
