"""Sections that apps add to pages they do not own: the one way for a feature app to
show its content on an organisation's page (directory) or a territory's page
(territories, and the observatory's portrait of a territory).

The page's app knows nothing of the apps that fill it: a *slot* is filled from each
app's AppConfig.ready(), and the page's template renders whatever is registered,
ordered by `order`. A section is

- `order`: where it goes among the others (smaller first);
- `template`: a template name, or a callable taking the context dict and returning
  HTML (escaped unless it is marked safe, as format_html's result is);
- `context`: a function of (request, subject) returning the template's context, or
  None (or {}) when the section has nothing to show: it is then left out entirely.

The subject is the Organisation on the ORGANISATION slot; on the TERRITORY slot it is a
Departement, an Epci or a Commune (territories.models). A template is rendered like an
`{% include %}`: it also sees the page's `request`, `user` and `csrf_token`.

An app adds its upcoming events to organisation and territory pages:

    # essor/events/apps.py
    class EventsConfig(AppConfig):
        name = "essor.events"

        def ready(self):
            from essor.core import page_sections
            from . import sections

            page_sections.register(
                page_sections.ORGANISATION, order=50,
                template="events/_for_organisation.html",
                context=sections.organisation_events,
            )

    # essor/events/sections.py
    def organisation_events(request, organisation):
        events = Event.objects.published().upcoming().filter(organiser=organisation)[:5]
        return {"events": events} if events else None

A page shows a slot with `{% load page_sections %}{% page_sections "organisation" organisation %}`.
Orders in use: 10 support offers, 20 initiatives, 50 events (organisation); 10 initiatives,
20 support offers, 50 events (territory); 10 responsible purchasing (observatory); 10
guides citing the page (page)."""

from dataclasses import dataclass
from typing import Any

from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe

ORGANISATION = "organisation"
TERRITORY = "territory"
# Any page, at the end of its content (base.html): the subject is the page's path, so that
# an app can say where else that page is mentioned (the resource centre's guides, « Cité
# dans les guides ») without the page's app knowing of it.
PAGE = "page"
# Indicators other apps add to the observatory (its regional dashboard and its portraits
# of a territory): the subject is a Region, a Departement or an Epci.
OBSERVATORY = "observatory"
SLOTS = (ORGANISATION, TERRITORY, OBSERVATORY, PAGE)


@dataclass(frozen=True)
class Section:
    order: int
    template: Any  # a template name, or a callable(context dict) -> HTML
    context: Any  # callable(request, subject) -> dict or None


_registry = {slot: [] for slot in SLOTS}


def register(slot, *, order, template, context):
    """Add a section to `slot`. Registering the same context function again replaces
    the first registration, so that a ready() run twice adds nothing."""
    if slot not in _registry:
        raise ValueError(f"Unknown page slot {slot!r}; known: {', '.join(SLOTS)}")
    sections = [s for s in _registry[slot] if s.context is not context]
    sections.append(Section(order=order, template=template, context=context))
    sections.sort(key=lambda s: s.order)
    _registry[slot] = sections


def sections(slot):
    return list(_registry[slot])


def render(slot, context, subject):
    """The HTML of the slot's sections that have something to show, rendered in the
    template `context` of the page (a django.template.Context)."""
    request = context.get("request")
    parts = []
    for section in _registry[slot]:
        values = section.context(request, subject)
        if not values:
            continue
        if callable(section.template):
            parts.append(conditional_escape(section.template(values)))
            continue
        template = context.template.engine.get_template(section.template)
        with context.push(values):
            parts.append(template.render(context))
    return mark_safe("".join(parts))  # noqa: S308 - each part is escaped or a rendered template
