"""Purchasing's service functions: the writes of the app, and what other apps may call
(feature apps reach purchasing only through this module)."""

from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from essor.accounts.personal_data import (
    ANONYMISE,
    DELETE,
    DELETED_MESSAGE,
    DETACH,
    UserLink,
    in_role,
    scrubber,
)
from essor.core.workflow import decide
from essor.search.registry import reindex
from essor.territories.areas import replace_areas

from .eligibility import derive
from .enums import (
    AnswerDecision,
    MemberStatus,
    NeedEvent,
    NeedStatus,
    ProfileStatus,
)
from .enums import NeedTransitionName as T
from .models import (
    Answer,
    ConsortiumMember,
    NeedAttachment,
    PurchaseCategory,
    PurchaseNeed,
    SavedSourcingSearch,
    SupplierDocument,
    SupplierProfile,
)
from .perms import answer_refusal, can_edit_need, can_edit_supplier_profile, is_need_buyer


def locate(organisation):
    """(commune, latitude, longitude) of the organisation: its head office, else its
    first placed establishment; the commune's centre when the point is unknown."""
    establishments = sorted(
        (e for e in organisation.establishments.all() if e.status == "active" and e.commune_id),
        key=lambda e: (not e.is_head_office, e.pk),
    )
    if not establishments:
        return None, None, None
    first = establishments[0]
    commune = first.commune
    if first.latitude is not None and first.longitude is not None:
        return commune, first.latitude, first.longitude
    return commune, commune.latitude, commune.longitude


def refresh_profile(profile, *, save=True):
    """Derive the kind, reserved-contract and position columns from the organisation
    (its labels, legal category, establishments) and the categories sold."""
    organisation = profile.organisation
    labels = [label.code for label in organisation.labels.all()]
    specific = profile.pk is not None and profile.categories.filter(specific_services=True).exists()
    for name, value in derive(
        organisation, labels, is_scic=profile.is_scic, sells_specific_services=specific
    ).items():
        setattr(profile, name, value)
    profile.commune, profile.latitude, profile.longitude = locate(organisation)
    if save:
        profile.save()
    return profile


@transaction.atomic
def save_profile(profile, *, categories, areas, publish=None):
    """Store a supplier profile with its categories and perimeter ([AreaSpec]); `publish`
    True/False publishes or withdraws it. Keeps the platform search in step."""
    from .tasks import alert_saved_searches

    if publish is not None:
        profile.status = ProfileStatus.PUBLISHED if publish else ProfileStatus.DRAFT
    was_published = (
        profile.pk is not None
        and SupplierProfile.objects.filter(pk=profile.pk, status=ProfileStatus.PUBLISHED).exists()
    )
    profile.save()
    profile.categories.set(categories)
    replace_areas(profile, areas)
    refresh_profile(profile)
    reindex(SupplierProfile, [profile.pk])
    if profile.is_published and not was_published:
        # Buyers' saved searches hear of a new supplier once it is committed.
        transaction.on_commit(lambda: alert_saved_searches.enqueue(profile_id=profile.pk))
    return profile


def add_supplier_document(document, *, upload, by):
    """Store a document of a supplier profile (the form checked type and size, the view
    that `by` may edit the profile)."""
    if not can_edit_supplier_profile(by, document.profile.organisation):
        raise PermissionDenied
    document.file = upload
    document.name = upload.name[:150]
    document.size = upload.size
    document.uploaded_by = by
    document.save()
    return document


def delete_supplier_document(document, *, by):
    if not can_edit_supplier_profile(by, document.profile.organisation):
        raise PermissionDenied
    document.file.delete(save=False)
    document.delete()


def refresh_profiles_of(organisation):
    """After the organisation's labels or establishments changed."""
    profile = SupplierProfile.objects.filter(organisation=organisation).first()
    if profile is not None:
        refresh_profile(profile)
        reindex(SupplierProfile, [profile.pk])


# --- Needs -------------------------------------------------------------------------------


def _attach(need, uploads):
    for upload in uploads:
        NeedAttachment.objects.create(
            need=need, file=upload, name=upload.name[:150], size=upload.size
        )


@transaction.atomic
def create_need(need, *, by, attachments=()):
    """Store a new need as a draft of its buyer (a member checked by the view)."""
    if not is_need_buyer(by, need):
        raise PermissionDenied
    need.created_by = by
    need.status = NeedStatus.DRAFT
    need.save()
    _attach(need, attachments)
    need.workflow.record(need, NeedEvent.CREATE, by=by)
    return need


@transaction.atomic
def update_need(need, *, by, attachments=()):
    if not can_edit_need(by, need):
        raise PermissionDenied
    need.save()
    _attach(need, attachments)
    need.workflow.record(need, NeedEvent.EDIT, by=by)
    return need


def decide_need(need, transition, *, by, comment="", outcome="", amount=None):
    """Take a step of the need's workflow. Publishing sends the need to its suppliers
    (background task, after the commit); closing needs an outcome."""
    from .tasks import notify_need

    update = {}
    if transition == T.CLOSE:
        if not outcome:
            raise ValidationError("Indiquez l'issue du besoin pour le clore.")
        update = {"outcome": outcome, "awarded_amount": amount}
    with transaction.atomic():
        decide(need, transition, by=by, comment=comment, update=update)
        reindex(PurchaseNeed, [need.pk])
        if transition == T.APPROVE:
            transaction.on_commit(lambda: notify_need.enqueue(need_id=need.pk))
    return need


@transaction.atomic
def answer_need(
    need,
    *,
    by,
    supplier,
    interested,
    message="",
    amount=None,
    quote=None,
    lead_share="",
    members=(),
):
    """A supplier's structured answer (one per supplier and need; a second replaces the
    first). `members`: [(SupplierProfile, share)] invited into its groupement."""
    # Re-read under lock: a need closed meanwhile takes no answer.
    need = PurchaseNeed.objects.select_for_update().get(pk=need.pk)
    if reason := answer_refusal(by, need, supplier):
        raise ValidationError(reason)
    if any(member.pk == supplier.pk for member, _ in members):
        raise ValidationError("Le mandataire ne peut pas être aussi co-traitant.")
    answer, created = Answer.objects.update_or_create(
        need=need,
        supplier=supplier,
        defaults={
            "author": by,
            "interested": interested,
            "message": message,
            "amount": amount,
            "lead_share": lead_share if members else "",
        },
    )
    if quote is not None:
        answer.quote = quote
        answer.quote_name = quote.name[:150]
        answer.save(update_fields=["quote", "quote_name"])
    existing = {m.supplier_id: m for m in answer.members.all()}
    wanted = {member.pk: share for member, share in members}
    answer.members.exclude(supplier_id__in=wanted).delete()
    for supplier_id, share in wanted.items():
        if supplier_id in existing:
            if existing[supplier_id].share != share:
                ConsortiumMember.objects.filter(pk=existing[supplier_id].pk).update(share=share)
        else:
            ConsortiumMember.objects.create(answer=answer, supplier_id=supplier_id, share=share)
    verb = "a répondu" if created else "a modifié sa réponse"
    kind = "intéressé" if interested else "pas intéressé"
    group = f", en groupement avec {len(wanted)} co-traitant(s)" if wanted else ""
    need.workflow.record(
        need,
        NeedEvent.ANSWER,
        by=by,
        comment=f"{supplier.organisation.name} {verb} ({kind}{group}).",
    )
    return answer


@transaction.atomic
def respond_to_invitation(member, *, by, accept):
    """A co-traitant accepts or declines its place in a groupement."""
    from .perms import supplier_profiles

    if not supplier_profiles(by).filter(pk=member.supplier_id).exists():
        raise PermissionDenied
    need = member.answer.need
    if not need.is_open:
        raise ValidationError("Ce besoin ne reçoit plus de réponses : le groupement est figé.")
    member.status = MemberStatus.ACCEPTED if accept else MemberStatus.DECLINED
    member.responded_at = timezone.now()
    member.save(update_fields=["status", "responded_at"])
    need.workflow.record(
        need,
        NeedEvent.ANSWER,
        by=by,
        comment=f"{member.supplier.organisation.name} {'accepte' if accept else 'décline'} "
        f"le groupement de {member.answer.supplier.organisation.name}.",
    )
    return member


@transaction.atomic
def decide_answer(answer, *, by, decision):
    """The buyer marks an answer retenu or non retenu."""
    if not is_need_buyer(by, answer.need):
        raise PermissionDenied
    if decision not in {AnswerDecision.RETAINED, AnswerDecision.NOT_RETAINED}:
        raise ValidationError("Décision inconnue : retenu ou non retenu.")
    if answer.need.status != NeedStatus.PUBLISHED:
        raise ValidationError("Ce besoin est clos : ses réponses ne changent plus.")
    answer.decision = decision
    answer.decided_at = timezone.now()
    answer.save(update_fields=["decision", "decided_at", "updated_at"])
    answer.need.workflow.record(
        answer.need,
        NeedEvent.DECISION,
        by=by,
        comment=f"{answer.supplier.organisation.name} : {answer.get_decision_display().lower()}.",
    )
    return answer


def mark_seen(need, profiles):
    need.recipients.filter(supplier__in=profiles, seen_at__isnull=True).update(
        seen_at=timezone.now()
    )


# --- Saved sourcing searches ---------------------------------------------------------------

MAX_SAVED_SEARCHES = 20
UNSUBSCRIBE_SALT = "essor.purchasing.unsubscribe"


def save_search(*, user, name, params):
    """Store the sourcing criteria `params` (the cleaned query string, at least one
    criterion) under `name` for `user`."""
    if not params:
        raise ValidationError("Choisissez au moins un critère avant d'enregistrer la recherche.")
    if user.purchasing_searches.count() >= MAX_SAVED_SEARCHES:
        raise ValidationError(
            f"Vous avez déjà {MAX_SAVED_SEARCHES} recherches enregistrées : "
            "supprimez-en une avant d'en ajouter une autre."
        )
    return SavedSourcingSearch.objects.create(user=user, name=name, params=params)


def unsubscribe_token(search):
    return signing.dumps({"search": search.pk, "user": search.user_id}, salt=UNSUBSCRIBE_SALT)


def search_of_token(token):
    """The saved search an unsubscribe link names, or None (forged, or already deleted).
    The link does not expire: it must work in an old e-mail."""
    try:
        data = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    except signing.BadSignature:
        return None
    return SavedSourcingSearch.objects.filter(
        pk=data.get("search"), user_id=data.get("user")
    ).first()


# --- For other apps ------------------------------------------------------------------------


def reserved_contracts():
    """The reserved contracts a supplier can be eligible to (eligibility.Reservation:
    article, badge, plain words, the article's text): what the purchasing guide of
    /ressources/ quotes, from the one place that holds them."""
    from .eligibility import RESERVATIONS

    return list(RESERVATIONS.values())


def published_supplier_of(organisation):
    """The organisation's published supplier profile, or None."""
    return (
        SupplierProfile.objects.published()
        .filter(organisation=organisation)
        .prefetch_related("categories")
        .first()
    )


def category_choices():
    """[(family name, [(category code, name)])]: the purchase categories, by family, for
    other apps' forms (the business meetings' offers and needs)."""
    from .categories import category_tree

    return [
        (family.name, [(c.code, c.name) for c in children])
        for family, children in category_tree(PurchaseCategory.objects.all())
    ]


def category_index():
    """{category code: (name, family code, family name)} of every purchase category (not
    the families themselves): one query, for labels and matching by family."""
    return {
        c.code: (c.name, c.parent.code, c.parent.name)
        for c in PurchaseCategory.objects.filter(parent__isnull=False).select_related("parent")
    }


def personal_data(user):
    """The needs a person posted, the answers they wrote and their saved sourcing
    searches: their section of the RGPD export. Deleting the account: USER_LINKS."""
    return {
        "besoins_achat_deposes": [
            {"acheteur": n.buyer.name, "intitule": n.title, "etat": n.get_status_display(),
             "cree_le": n.created_at}
            for n in user.purchase_needs.select_related("buyer")
        ],
        "reponses_besoins_achat": [
            {"besoin": a.need.title, "fournisseur": a.supplier.organisation.name,
             "interesse": a.interested, "message": a.message, "le": a.created_at}
            for a in Answer.objects.filter(author=user).select_related("need", "supplier__organisation")
        ],
        "recherches_fournisseurs_enregistrees": [
            {"nom": s.name, "criteres": s.params, "creee_le": s.created_at,
             "alertes_recues": s.alerts.count()}
            for s in user.purchasing_searches.all()
        ],
        "documents_fournisseur_deposes": [
            {"fournisseur": d.profile.organisation.name, "intitule": d.title, "le": d.created_at}
            for d in SupplierDocument.objects.filter(uploaded_by=user).select_related("profile__organisation")
        ],
    }  # fmt: skip


USER_LINKS = [
    UserLink("purchasing.PurchaseNeed.created_by", DETACH, export="besoins_achat_deposes"),
    in_role("purchasing.PurchaseNeed.decided_by"),
    in_role("purchasing.NeedTransition.actor"),
    UserLink(
        "purchasing.SavedSourcingSearch.user", DELETE, export="recherches_fournisseurs_enregistrees"
    ),
    # A supplier's document is its organisation's.
    UserLink(
        "purchasing.SupplierDocument.uploaded_by", DETACH, export="documents_fournisseur_deposes"
    ),
    # The buyer keeps the supplier's answer (interest, quote), without the person's words.
    UserLink(
        "purchasing.Answer.author",
        ANONYMISE,
        export="reponses_besoins_achat",
        prepare=scrubber(message=DELETED_MESSAGE),
    ),
]
