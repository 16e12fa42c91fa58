"""Every link from a model to a person, and what the RGPD asks of it (issue 12.9, 12.10).

Each app declares, for each of its foreign keys (and many-to-many fields) to the user
model, a `UserLink`:

- **export**: the section of the personal-data export (RGPD art. 15/20) that lists the
  rows, or, in `not_personal`, why they are not the person's data (a decision taken in a
  role, a technical log...);
- **deletion** (RGPD art. 17), one rule for the whole platform:
  - `DELETE`: what only the person uses (saved searches, follows, drafts, seats) goes;
  - `ANONYMISE`: what the person sent to others who rely on it (a support request in a
    provider's inbox, an answer to a buyer, a report, a message) stays, with the
    person's name, e-mail, phone and free text replaced by a neutral mention
    (`prepare` does that), and no longer linked to the account;
  - `DETACH`: content published in an organisation's name and decisions taken in a role
    (offers, dossiers, moderation, logs) stay, no longer linked to the account.

`tests/test_security_personal_data.py` walks every such field of every model and fails
on one without a declaration: a new model that points at a person cannot forget either.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.apps import apps
from django.contrib.auth import get_user_model
from django.db import models

DELETE = "delete"
ANONYMISE = "anonymise"
DETACH = "detach"

# What replaces the person's data in what others keep.
DELETED_ACCOUNT = "Compte supprimé"
DELETED_MESSAGE = "[message supprimé à la demande de la personne]"

# Filled by apps that hold personal data (requests, dossiers...): each callable takes a
# user and returns {section_name: data}.
PERSONAL_DATA_EXPORTERS = []

# "app_label.Model.field" -> UserLink
USER_LINKS = {}


@dataclass(frozen=True)
class UserLink:
    label: str  # "support.SupportRequest.requester"
    deletion: str  # DELETE, ANONYMISE or DETACH
    export: str = ""  # the export section that lists these rows...
    not_personal: str = ""  # ...or why they are not the person's data
    # Called with the person's rows before the deletion rule applies: scrubs what
    # ANONYMISE keeps, or deletes part of the rows (drafts) that DETACH would keep.
    prepare: Callable[[models.QuerySet], None] | None = None

    @property
    def field(self):
        model_label, name = self.label.rsplit(".", 1)
        return apps.get_model(model_label)._meta.get_field(name)


def declare(exporter=None, *, links=()):
    """Called by an app's ready(): its section of the export and its links to a person."""
    if exporter is not None and exporter not in PERSONAL_DATA_EXPORTERS:
        PERSONAL_DATA_EXPORTERS.append(exporter)
    for link in links:
        USER_LINKS[link.label] = link


def user_fields():
    """Every concrete foreign key, one-to-one and many-to-many field to the user model."""
    user_model = get_user_model()
    return [
        field
        for model in apps.get_models()
        for field in model._meta.get_fields()
        if field.concrete and field.is_relation and field.related_model is user_model
    ]


def label_of(field):
    return f"{field.model._meta.label}.{field.name}"


def forget(user):
    """Apply every declared deletion rule to the person's rows; the caller then deletes
    the user row. Rows of a DELETE link that cascades go with the user row itself, after
    the apps' pre_delete hooks (an event frees the seat for the waiting list)."""
    for link in USER_LINKS.values():
        field = link.field
        if field.many_to_many:
            through = field.remote_field.through
            through.objects.filter(**{field.m2m_reverse_field_name(): user}).delete()
            continue
        rows = field.model._base_manager.filter(**{field.name: user})
        if link.prepare is not None:
            link.prepare(rows)
        if link.deletion == DELETE:
            if field.remote_field.on_delete is not models.CASCADE:
                rows.delete()
        else:
            rows.update(**{field.name: None})


def scrubber(**replacements):
    """A `prepare` that overwrites fields of the kept rows: scrubber(message=DELETED_MESSAGE)."""

    def scrub(rows):
        for name, value in replacements.items():
            # An empty field stays empty: the mention replaces only what was written.
            rows.exclude(**{name: ""}).update(**{name: value})

    return scrub


IN_ROLE = (
    "décision ou étape prise dans une fonction (modération, instruction, traitement) ; "
    "l'étape figure dans l'historique de l'objet"
)


def in_role(label):
    """A link to whoever decided or took a step in a role: kept, without the person."""
    return UserLink(label, DETACH, not_personal=IN_ROLE)
