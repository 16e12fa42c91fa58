"""Workflows: every life cycle of ESSor (a claim, an initiative, a support offer, a funding
request...) is a table of transitions, and moves only through `decide()`.

A `Transition` says from which states it may be fired, the state it leads to, which kinds of
actor may fire it and whether a comment (or another extra, such as an amount) is required.
A `Workflow` groups the transitions of one model with `actors(user, obj)`, the kinds of actor
a person is for that object, and `authors(obj)`, the people who wrote or asked for it.
`decide(obj, name, by=user)` checks the step against the table, re-reads the row under a lock
(two moderators never decide the same thing twice), sets the state, saves, and records it —
a row of the model's `TransitionLog`, and the `Decision` fields when the model has them — in
one transaction. The one rule every queue gets: nobody fires a MODERATOR step on what they
wrote or asked for themselves (CRESS staff included); another moderator must.

Example — a purchase need that the CRESS moderates (copy it):

    # purchasing/workflow.py (imports enums and perms, never models)
    def actors(user, need):  # what `user` is for this need: a set of actor kinds
        return ({MODERATOR} if can_moderate(user) else set()) | (
            {BUYER} if can_act_for_organisation(user, need.buyer) else set())
    NEEDS = Workflow(
        Transition("submit", {S.DRAFT, S.REJECTED}, S.PENDING, {BUYER}, "Soumettre"),
        Transition("approve", {S.PENDING}, S.PUBLISHED, {MODERATOR}, "Publier"),
        Transition("reject", {S.PENDING}, S.REJECTED, {MODERATOR}, "Refuser", comment_required=True),
        actors=actors, authors=lambda need: {need.created_by_id}, log="purchasing.NeedTransition")
    # purchasing/models.py
    class PurchaseNeed(Decision, models.Model):  # Decision: decided_by, decided_at, decision_comment
        workflow = NEEDS
        status = models.CharField("état", max_length=20, choices=S.choices, default=S.DRAFT)
    class NeedTransition(TransitionLog):  # transition, from/to_status, actor, comment, created_at
        need = models.ForeignKey(PurchaseNeed, on_delete=models.CASCADE, related_name="transitions")
    # purchasing/views.py
    try:
        decide(need, request.POST["transition"], by=request.user, comment=form.cleaned_data["comment"])
    except WorkflowError as error:  # French error.message; error.status_code 400 (stale) or 403
        return render(request, "purchasing/need.html", {..., "error": error.message}, status=error.status_code)

`on_step=` names a function (or its dotted path, imported when first called) run after each
logged step, in the same transaction: `on_step(obj, name, by=user, comment=..., previous=state)`
for decide() and record() alike — the one place an application tells people what happened
(financing's notifications). `NEEDS.available(need, user)` lists the steps to offer as buttons; `NEEDS.record(need, "edit",
by=user)` logs an event that changes no state; `messages={...}` overrides the French sentences
of DEFAULT_MESSAGES (one per actor kind: "Seuls les acheteurs peuvent…"). Published content whose links or contact
fields change keeps its live values until a moderator accepts the new ones: see
`hold_link_changes()` and `held_changes_transitions()` (support offers use them).
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from django.apps import apps
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.module_loading import import_string

from .models import Decision
from .text import links_in

# The actor kind of CRESS moderation; the self-moderation rule applies to it.
MODERATOR = "moderator"
# What a moderator is on what they wrote or asked for: not a moderator.
_OWN = "own"

DEFAULT_MESSAGES = {
    "unknown": "Cette action n'existe pas.",
    "stale": "Cette action n'est pas possible : l'état est maintenant « {state} ».",
    "own": "Vous ne pouvez pas décider de ce que vous avez vous-même écrit ou demandé : "
    "un autre membre de l'équipe de la CRESS doit le faire.",
    "comment": "Indiquez un motif : il est conservé dans l'historique.",
    "forbidden": "Cette action ne vous revient pas.",
    MODERATOR: "Seule l'équipe de la CRESS peut faire cette action.",
}


class WorkflowError(Exception):
    """A refused step; `message` is the French sentence to show."""

    status_code = 400

    def __init__(self, message):
        super().__init__(message)
        self.message = message


class TransitionError(WorkflowError, ValidationError):
    """Not possible now: a stale or forged step, a missing comment or amount (400)."""


class TransitionForbidden(WorkflowError, PermissionDenied):
    """Not this person's to take (403)."""

    status_code = 403


@dataclass(frozen=True)
class Transition:
    name: str
    sources: frozenset
    target: str
    actors: frozenset
    label: str = ""
    comment_required: bool = False
    # Other values decide() must be given (written to the log row when it has that field).
    requires: tuple = ()
    # guard(obj) -> a French reason why the step cannot be taken now, or None.
    guard: Callable | None = field(default=None, compare=False)
    # effect(obj): changes to the object itself, made under the lock before it is saved.
    effect: Callable | None = field(default=None, compare=False)

    def __post_init__(self):
        object.__setattr__(self, "sources", frozenset(self.sources))
        object.__setattr__(self, "actors", frozenset(self.actors))
        object.__setattr__(self, "label", self.label or getattr(self.name, "label", self.name))


class Workflow:
    def __init__(
        self,
        *transitions,
        actors,
        authors=None,
        log=None,
        state="status",
        events=None,
        messages=None,
        on_step=None,
    ):
        self.transitions = {str(t.name): t for t in transitions}
        self.actors = actors
        self.authors = authors or (lambda obj: set())
        self.log = log  # "app_label.ModelName" of a TransitionLog subclass, or None
        self.state = state
        # Labels of the entries record() writes without changing the state ("edit"...).
        self.events = {str(k): getattr(k, "label", v) for k, v in (events or {}).items()}
        self.messages = {**DEFAULT_MESSAGES, **(messages or {})}
        self.on_step = on_step

    def _after_step(self, obj, name, *, by, comment, previous):
        hook = self.on_step
        if isinstance(hook, str):
            hook = self.on_step = import_string(hook)
        if hook is not None:
            hook(obj, str(name), by=by, comment=comment, previous=previous)

    def __getitem__(self, name):
        return self.transitions[str(name)]

    def __contains__(self, name):
        return str(name) in self.transitions

    def label(self, name):
        if name in self.transitions:
            return self.transitions[name].label
        return self.events.get(name, name)

    def state_label(self, obj, value=None):
        value = getattr(obj, self.state) if value is None else value
        choices = dict(type(obj)._meta.get_field(self.state).choices or [])
        return str(choices.get(value, value))

    def unknown(self):
        """The refusal of a step that does not exist: a forged or garbled step form is
        answered with it too, on the object's page (400)."""
        return TransitionError(self.messages["unknown"])

    def denial(self, obj, name, user):
        """Why `user` may not take `name` on `obj` now, as a WorkflowError, or None."""
        step = self.transitions.get(str(name))
        if step is None:
            return self.unknown()
        return self._denial(obj, step, user, self._kinds(obj, user))

    def available(self, obj, user):
        """The steps `user` may take on `obj` now, in the table's order."""
        kinds = self._kinds(obj, user)  # asked once: actors() may query the database
        return [t for t in self.transitions.values() if not self._denial(obj, t, user, kinds)]

    def _kinds(self, obj, user):
        if user is None or not (user.is_authenticated and user.is_active):
            return set()
        kinds = set(self.actors(user, obj))
        if MODERATOR in kinds and user.pk in self.authors(obj):
            kinds.discard(MODERATOR)
            kinds.add(_OWN)
        return kinds

    def _denial(self, obj, step, user, kinds):
        if not kinds & step.actors:
            if _OWN in kinds and MODERATOR in step.actors:
                return TransitionForbidden(self.messages["own"])
            others = sorted(k for k in step.actors if k != MODERATOR and k in self.messages)
            key = others[0] if others else MODERATOR if MODERATOR in step.actors else "forbidden"
            return TransitionForbidden(self.messages[key])
        if getattr(obj, self.state) not in step.sources:
            return TransitionError(self.messages["stale"].format(state=self.state_label(obj)))
        reason = step.guard(obj) if step.guard else None
        return TransitionError(reason) if reason else None

    def log_model(self):
        return apps.get_model(self.log) if self.log else None

    def record(self, obj, event, *, by=None, comment="", from_status=None, **extras):
        """Log an event that is not a transition (creation, edit, import)."""
        state = getattr(obj, self.state)
        previous = state if from_status is None else from_status
        entry = self._write_log(obj, str(event), previous, by, comment, extras)
        self._after_step(obj, event, by=by, comment=comment, previous=previous)
        return entry

    def _write_log(self, obj, name, previous, by, comment, extras):
        model = self.log_model()
        if model is None:
            return None
        link = next(
            f.name
            for f in model._meta.concrete_fields
            if f.is_relation and isinstance(obj, f.related_model) and f.name != "actor"
        )
        return model.objects.create(
            **{link: obj},
            transition=name,
            from_status=previous or "",
            to_status=getattr(obj, self.state),
            actor=by if by is not None and by.is_authenticated else None,
            comment=comment,
            **extras,
        )


def decide(obj, transition, *, by, comment="", update=None, **extras):
    """Take one step of `obj`'s workflow (`type(obj).workflow`) as `by`.

    Raises TransitionForbidden or TransitionError (both WorkflowError) and changes nothing
    when the step is not allowed. `update` sets other fields of the object in the same
    save; `extras` (an amount, a version...) go to the log row. Returns `obj`, updated."""
    workflow = type(obj).workflow
    comment = (comment or "").strip()
    with transaction.atomic():
        # Re-read under lock: of two moderators deciding at once, the second sees the result.
        locked = type(obj)._default_manager.select_for_update().get(pk=obj.pk)
        if error := workflow.denial(locked, transition, by):
            raise error
        step = workflow[transition]
        if step.comment_required and not comment:
            raise TransitionError(workflow.messages["comment"])
        for name in step.requires:
            if extras.get(name) in (None, ""):
                raise TransitionError(workflow.messages.get(name, f"« {name} » est obligatoire."))
        previous = getattr(locked, workflow.state)
        changes = {workflow.state: step.target, **(update or {})}
        if isinstance(locked, Decision):
            changes.update(decided_by=by, decided_at=timezone.now(), decision_comment=comment)
        for name, value in changes.items():
            setattr(locked, name, value)
        if step.effect:
            step.effect(locked)
        locked.save()
        workflow._write_log(locked, step.name, previous, by, comment, extras)
        workflow._after_step(locked, step.name, by=by, comment=comment, previous=previous)
    for f in type(obj)._meta.concrete_fields:
        setattr(obj, f.attname, getattr(locked, f.attname))
    return obj


# Links and contact fields of published content


def link_changes(before, after, fields, text_fields=()):
    """The fields whose new value would change where a reader is sent: any change of a
    link or contact field, and a change of a text field that alters the links, addresses
    or phone numbers it contains."""
    changed = [f for f in fields if (getattr(before, f) or "") != (getattr(after, f) or "")]
    changed += [
        f for f in text_fields if links_in(getattr(before, f)) != links_in(getattr(after, f))
    ]
    return changed


def hold_link_changes(obj, before, fields, text_fields=()):
    """On published content being edited (`obj` carries the new values, `before` is the
    row as saved): put the new values of changed link fields aside in `obj.held_changes`
    and keep the published ones until a moderator accepts them (HELD_CHANGES). Returns
    the names of the fields held."""
    held = link_changes(before, obj, fields, text_fields)
    for name in held:
        obj.held_changes[name] = getattr(obj, name)
        setattr(obj, name, getattr(before, name))
    return held


def held_changes_rows(obj):
    """What a moderator compares: [(field label, published value, held value)]."""
    meta = type(obj)._meta
    return [
        (meta.get_field(name).verbose_name, getattr(obj, name), value)
        for name, value in obj.held_changes.items()
    ]


def _no_held_changes(obj):
    return None if obj.held_changes else "Aucune modification n'attend de modération."


def _apply_held_changes(obj):
    for name, value in obj.held_changes.items():
        setattr(obj, name, value)
    obj.held_changes = {}


def _drop_held_changes(obj):
    obj.held_changes = {}


def held_changes_transitions(state):
    """The moderation of held link changes on content in `state` (published)."""
    return (
        Transition(
            "accept_changes",
            {state},
            state,
            {MODERATOR},
            "Publier les modifications",
            guard=_no_held_changes,
            effect=_apply_held_changes,
        ),
        Transition(
            "refuse_changes",
            {state},
            state,
            {MODERATOR},
            "Refuser les modifications",
            comment_required=True,
            guard=_no_held_changes,
            effect=_drop_held_changes,
        ),
    )
