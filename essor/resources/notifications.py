"""Who hears of the CRESS's decisions on a guide written on the portal, through
accounts.notify (a line on their notifications page and an e-mail): the writer of the
version, with the reason when the CRESS refuses it or asks for changes. The workflow
(workflow.GUIDE_VERSIONS) calls `on_guide_step` after each logged step."""

from essor.accounts.services import notify

# {title}, {number}; the writer reads them on /compte/notifications/.
WRITER_MESSAGES = {
    "publish": "La CRESS a publié la version {number} de votre guide « {title} »",
    "ask_changes": "La CRESS demande des modifications à votre guide « {title} »",
    "refuse": "La CRESS a refusé la version {number} de votre guide « {title} »",
}


def on_guide_step(version, name, *, by, comment, previous):
    message = WRITER_MESSAGES.get(name)
    writer = version.created_by
    if message is None or writer is None or (by is not None and writer.pk == by.pk):
        return
    notify(
        [writer],
        message.format(title=version.title, number=version.number),
        version.guide.workspace_url(),
        detail=comment,
    )
