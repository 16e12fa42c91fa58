from django.template.loader import render_to_string

from .tasks import send_email


def queue_email(template, context, to):
    """Render `<template>_subject.txt` and `<template>.txt` and queue the message."""
    subject = " ".join(render_to_string(f"{template}_subject.txt", context).split())
    body = render_to_string(f"{template}.txt", context)
    send_email.enqueue(subject=subject, body=body, to=list(to))
