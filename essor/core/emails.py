"""Every e-mail of the platform: `queue_email(template, context, to)`, sent by the worker.

The task queue is a table (django-tasks-db), so what a task carries is stored, and kept
until the rows are purged (`essor purge_tasks`, ESSOR_TASK_RETENTION_DAYS). A task
therefore carries references, never the rendered e-mail:

- a model instance (or a queryset, a list of instances) in `context` is stored as its
  label and id, and read again when the e-mail is sent; if it is gone by then (deleted
  account, withdrawn request…), the e-mail is not sent;
- a secret link (password reset, address confirmation, invitation) is not put in the
  context as a string: pass `deferred(function, *args)`, where `function` is marked with
  `@email_value`; it is called when the e-mail is sent, so the token exists only in the
  message itself. Example:

      @email_value
      def confirmation_link(user):
          return settings.ESSOR_BASE_URL + reverse("accounts:confirm_email", args=[...])

      queue_email("accounts/emails/confirm_email",
                  {"user": user, "link": deferred(confirmation_link, user)}, [user.email])

- other values are plain: text, numbers, booleans, None, dates, decimals, lists and dicts
  of these. Anything else is refused when queued (TypeError), not when sent.

`<template>_subject.txt` and `<template>.txt` are rendered with the context read back.
Deleting an account drops the e-mails still waiting for it (`forget_pending_emails`).
"""

import datetime as dt
import logging
from decimal import Decimal

from django.apps import apps
from django.core.exceptions import ObjectDoesNotExist
from django.db import models
from django.template.loader import render_to_string
from django.utils.functional import Promise
from django.utils.module_loading import import_string

from .tasks import send_email, send_templated_email

logger = logging.getLogger(__name__)

MODEL, LIST, CALL, DICT, DATE, DATETIME, DECIMAL = (
    "__model__",
    "__list__",
    "__call__",
    "__dict__",
    "__date__",
    "__datetime__",
    "__decimal__",
)


class Gone(Exception):
    """An object the e-mail refers to no longer exists: the e-mail is not sent."""


class Deferred:
    def __init__(self, function, args):
        if not getattr(function, "email_value", False):
            raise TypeError(f"{function!r} is not marked with @email_value")
        self.path = f"{function.__module__}.{function.__qualname__}"
        self.args = args


def email_value(function):
    """Mark a function whose result may be computed when an e-mail is sent."""
    function.email_value = True
    return function


def deferred(function, *args):
    return Deferred(function, args)


def pack(value):
    """The JSON the task stores for a context value."""
    if isinstance(value, models.Model):
        return {MODEL: value._meta.label_lower, "pk": value.pk}
    if isinstance(value, models.QuerySet):
        return {LIST: [pack(item) for item in value]}
    if isinstance(value, Deferred):
        return {CALL: value.path, "args": [pack(arg) for arg in value.args]}
    if isinstance(value, list | tuple | set | frozenset):
        return {LIST: [pack(item) for item in value]}
    if isinstance(value, dict):
        return {DICT: {str(key): pack(item) for key, item in value.items()}}
    if isinstance(value, bool | int | float | str) or value is None:
        return value
    if isinstance(value, Promise):
        return str(value)
    if isinstance(value, dt.datetime):
        return {DATETIME: value.isoformat()}
    if isinstance(value, dt.date):
        return {DATE: value.isoformat()}
    if isinstance(value, Decimal):
        return {DECIMAL: str(value)}
    raise TypeError(f"queue_email cannot carry a {type(value).__name__} in its context")


def unpack(value):
    """The context value a task's JSON stands for, read now; Gone if an object is gone."""
    if isinstance(value, list):
        return [unpack(item) for item in value]
    if not isinstance(value, dict):
        return value
    if MODEL in value:
        model = apps.get_model(value[MODEL])
        try:
            return model._default_manager.get(pk=value["pk"])
        except ObjectDoesNotExist as error:
            raise Gone(f"{value[MODEL]} {value['pk']}") from error
    if LIST in value:
        return [unpack(item) for item in value[LIST]]
    if CALL in value:
        function = import_string(value[CALL])
        if not getattr(function, "email_value", False):
            raise TypeError(f"{value[CALL]} is not marked with @email_value")
        return function(*[unpack(arg) for arg in value["args"]])
    if DICT in value:
        return {key: unpack(item) for key, item in value[DICT].items()}
    if DATETIME in value:
        return dt.datetime.fromisoformat(value[DATETIME])
    if DATE in value:
        return dt.date.fromisoformat(value[DATE])
    if DECIMAL in value:
        return Decimal(value[DECIMAL])
    return value


def queue_email(template, context, to, attachments=None):
    """Queue `<template>_subject.txt` and `<template>.txt` for `to`, rendered when sent.
    `attachments`: optional (filename, text content, MIME type) triples (an agenda's .ics)."""
    packed = {str(key): pack(value) for key, value in context.items()}
    if attachments:
        send_templated_email.enqueue(
            template=template,
            context=packed,
            to=list(to),
            attachments=[list(a) for a in attachments],
        )
    else:
        send_templated_email.enqueue(template=template, context=packed, to=list(to))


def render_email(template, packed):
    """(subject, body) of a queued e-mail, with its objects read now; Gone if one is gone."""
    context = {key: unpack(value) for key, value in packed.items()}
    subject = " ".join(render_to_string(f"{template}_subject.txt", context).split())
    body = render_to_string(f"{template}.txt", context)
    return subject, body


def _refers_to(value, label, pk):
    if isinstance(value, list):
        return any(_refers_to(item, label, pk) for item in value)
    if isinstance(value, dict):
        if value.get(MODEL) == label and value.get("pk") == pk:
            return True
        return any(_refers_to(item, label, pk) for item in value.values())
    return False


def forget_pending_emails(user):
    """Delete the e-mails not sent yet that are addressed to `user` or refer to them.
    Returns how many. Nothing to do when the task backend is not the database."""
    if not apps.is_installed("django_tasks_db"):
        return 0
    from django_tasks_db.models import DBTaskResult

    paths = {task.module_path for task in (send_templated_email, send_email)}
    label, email = user._meta.label_lower, user.email.lower()
    dropped = 0
    for result in DBTaskResult.objects.ready().filter(task_path__in=paths):
        kwargs = result.args_kwargs.get("kwargs", {})
        to = kwargs.get("to", [])
        others = [address for address in to if address.lower() != email]
        if not others or _refers_to(kwargs.get("context", {}), label, user.pk):
            result.delete()
            dropped += 1
        elif len(others) < len(to):
            # Sent to several people: the others still get it, without this address.
            kwargs["to"] = others
            result.save(update_fields=["args_kwargs"])
    if dropped:
        logger.info("%s pending e-mails dropped with an account", dropped)
    return dropped
