"""Demo support offers of the real support actors the 2016 report names
(data/demo/offers.json), written from what the report says of them. What it does not
say (exact territory, cost, the very content of the offer for the structures it only
lists as interviewed) is flagged as illustrative, and the pages show it.

Idempotent: organisations are found or created by (name, source=report), as the
directory's demo step does; offers by (provider, title)."""

from essor.accounts.models import User
from essor.core.demo import demo_step
from essor.directory.enums import MembershipRole, Source
from essor.directory.models import Membership, Organisation
from essor.territories.areas import AreaLevel, area_spec
from essor.territories.models import Epci

from .enums import OfferStatus
from .models import SupportOffer
from .services import offer_set_areas


def resolve_areas(specs):
    """[AreaSpec] from [{"level", "codes" or (EPCI) "names"}], with the real names. An EPCI
    missing from the loaded geography is skipped rather than guessed."""
    areas = []
    for spec in specs:
        level = spec["level"]
        for value in spec.get("codes") or spec.get("names") or []:
            if level == AreaLevel.EPCI:
                epci = Epci.objects.filter(name=value).first()
                value = epci.code if epci else ""
            area = area_spec(level, value)
            if area is not None:
                areas.append(area)
    return areas


def report_organisation(name, acronyms):
    found, _ = Organisation.objects.get_or_create(
        name=name, source=Source.REPORT, defaults={"acronym": acronyms.get(name, "")}
    )
    return found


def offer_fields(record, data):
    """The model fields of one record: defaults filled in, "@name" texts resolved."""
    fields = {**data["defaults"], **record}
    for name, value in fields.items():
        if isinstance(value, str) and value.startswith("@"):
            fields[name] = data["texts"][value[1:]]
    fields["report_quote"] = fields.get("report_quote", "")
    fields["is_illustrative"] = bool(fields.get("illustrative_details"))
    fields["status"] = OfferStatus.PUBLISHED
    for name in ("provider", "title", "areas", "provenance"):
        fields.pop(name)
    return fields


@demo_step("offers.json", order=30)
def load(data):
    """Create or refresh the demo offers; returns how many there are."""
    acronyms = data["acronyms"]
    for record in data["records"]:
        provider = report_organisation(record["provider"], acronyms)
        found, _ = SupportOffer.objects.update_or_create(
            provider=provider, title=record["title"], defaults=offer_fields(record, data)
        )
        offer_set_areas(found, resolve_areas(record["areas"]))
    # The demo support actor answers for these in their inbox.
    actor = User.objects.filter(email=data["demo_actor"]["email"]).first()
    if actor is not None:
        for name in data["demo_actor"]["organisations"]:
            Membership.objects.get_or_create(
                user=actor,
                organisation=report_organisation(name, acronyms),
                defaults={"role": MembershipRole.ADMIN},
            )
    return len(data["records"])
