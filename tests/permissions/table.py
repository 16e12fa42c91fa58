"""Every route of ESSor and what each demo role gets on it. One line per route; the
helpers are in tests/permissions/__init__.py, the objects (`w.…`) in world.py.

tests/test_permission_matrix.py fails when a route of the resolver is missing here."""

from . import (
    BAD_REQUEST,
    CONFLICT,
    DENIED,
    LOGIN,
    MISSING,
    OK,
    ROLES,
    Entry,
    public,
    public_object,
    roles,
    signed_in,
    staff,
    tenant,
)


def _process(w):
    return {"slug": w.consultation.process.slug}


def _phase(w):
    return {"slug": w.consultation.process.slug, "pk": w.consultation.phase.pk}


def _questionnaire(w):
    return {"slug": w.consultation.process.slug, "pk": w.consultation.pk}


def _section(w):
    return {
        "slug": w.consultation.process.slug,
        "pk": w.consultation.pk,
        "section_pk": w.consultation.sections.first().pk,
    }


def _question(w):
    question = w.consultation.ordered_questions()[-1]
    return {
        "slug": w.consultation.process.slug,
        "pk": w.consultation.pk,
        "question_pk": question.pk,
    }


# Every page of the Django admin (/gestion/) is checked by test_the_admin_is_for_cress_staff_only.
ADMIN_NAMESPACE = "admin"

ROUTES = {
    # Portal, legal pages
    "portal:home": public(),
    "portal:search": public(),
    "core:legal_notice": public(),
    "core:privacy": public(),
    "core:accessibility": public(),
    # Background exports: for the person (or session) who asked only, 404 for anyone else.
    "core:export": tenant(lambda w: {"pk": w.export.pk}, anonymous=MISSING),
    "core:export_file": tenant(lambda w: {"pk": w.export.pk}, anonymous=MISSING),
    # Territories
    "territories:index": public(),
    "territories:commune_suggestions": public(),
    "territories:departement": public({"code": "87"}),
    "territories:epci": public({"code": "248719312"}),
    "territories:commune": public({"code": "87085"}),
    # Accounts
    "accounts:signup": public(),
    "accounts:confirm_email": public({"token": "faux-jeton"}, outcome=BAD_REQUEST),
    "accounts:resend_confirmation": public(),
    "accounts:login": public(),
    "accounts:logout": public(method="post"),
    "accounts:password_reset": public(),
    "accounts:password_reset_done": public(),
    "accounts:password_reset_confirm": public(lambda w: {"uidb64": "MQ", "token": "faux-jeton"}),
    "accounts:password_change": signed_in(),
    "accounts:profile": signed_in(),
    "accounts:export_data": signed_in(),
    "accounts:moderation": staff(),
    "accounts:delete_account": signed_in(),
    "accounts:notifications": signed_in(),
    "accounts:notifications_read": signed_in(
        method="post", note="marks one's own notifications read; others' ids are ignored"
    ),
    "accounts:notification_open": tenant(lambda w: {"pk": w.notification.pk}),
    "admin_login": Entry({}, dict.fromkeys(ROLES, LOGIN), note="redirects to the site login"),
    # Directory search and map
    "search:directory": public(),
    "search:directory_export": public(),
    "search:map": public(query={"bbox": "1.2,45.8,1.3,45.9", "zoom": "12"}),
    "search:map_card": public_object(
        lambda w: {
            "pk": w.organisation.establishments.create(
                name="Siège", source=w.organisation.source
            ).pk
        }
    ),
    "search:map_place": public(query={"bbox": "1.2,45.8,1.3,45.9"}),
    "search:organisation_suggestions": public(query={"q": "ressourcerie"}),
    # Directory
    "directory:organisation": public_object(lambda w: {"pk": w.organisation.pk}),
    "directory:claim": signed_in(lambda w: {"pk": w.organisation.pk}),
    "directory:edit": tenant(lambda w: {"pk": w.organisation.pk}, others=DENIED, ok=["cress"]),
    "directory:history": tenant(lambda w: {"pk": w.organisation.pk}, others=DENIED, ok=["cress"]),
    "directory:revert": tenant(
        lambda w: {"pk": w.organisation.pk, "change_pk": w.change.pk},
        others=DENIED,
        cress=CONFLICT,
        note="the change is not the last one",
        method="post",
    ),
    "directory:suggest": signed_in(lambda w: {"pk": w.organisation.pk}),
    "directory:members": tenant(lambda w: {"pk": w.organisation.pk}, others=DENIED, ok=["cress"]),
    "directory:member_role": tenant(
        lambda w: {"pk": w.organisation.pk, "membership_pk": w.member.pk},
        others=DENIED,
        cress=BAD_REQUEST,
        method="post",
    ),
    "directory:member_remove": tenant(
        lambda w: {"pk": w.organisation.pk, "membership_pk": w.member.pk},
        others=DENIED,
        ok=["cress"],
        method="post",
    ),
    "directory:invitation_cancel": tenant(
        lambda w: {"pk": w.organisation.pk, "invitation_pk": w.invitation.pk},
        others=DENIED,
        ok=["cress"],
        method="post",
    ),
    "directory:claim_revoke": tenant(
        lambda w: {"pk": w.organisation.pk, "claim_pk": w.claim.pk},
        others=DENIED,
        cress=BAD_REQUEST,
        method="post",
    ),
    "directory:invitation": signed_in({"token": "faux-jeton"}, outcome=BAD_REQUEST),
    "directory:my_requests": signed_in(),
    "directory:my_claim": tenant(lambda w: {"pk": w.claim.pk}),
    "directory:my_suggestion": tenant(lambda w: {"pk": w.suggestion.pk}),
    "directory:moderation": staff(),
    "directory:moderation_claim": tenant(lambda w: {"pk": w.claim.pk}, others=DENIED, ok=["cress"]),
    "directory:moderation_suggestion": tenant(
        lambda w: {"pk": w.suggestion.pk}, others=DENIED, ok=["cress"]
    ),
    # Support
    "support:index": public(),
    "support:orientation": public(),
    "support:understand": public(query={"texte": "je veux créer une association"}),
    "support:results": public(query={"commune": "87085"}),
    "support:parcours_create": public(method="post", outcome=BAD_REQUEST),
    "support:parcours": public_object(lambda w: {"token": w.parcours.token}),
    # Every parcours is reached by its unguessable token only.
    "support:parcours_pdf": public({"token": "faux-jeton"}, outcome=MISSING),
    "support:offers": public(),
    "support:offer": public_object(lambda w: {"pk": w.offer.pk}),
    "support:offer_edit": tenant(lambda w: {"pk": w.offer.pk}, others=MISSING, ok=["cress"]),
    "support:offer_archive": tenant(
        lambda w: {"pk": w.offer.pk}, others=MISSING, ok=["cress"], method="post"
    ),
    "support:offer_create": tenant(
        lambda w: {"organisation_pk": w.organisation.pk}, others=DENIED, ok=["cress"]
    ),
    "support:my_offers": signed_in(),
    "support:moderation": staff(),
    "support:offer_publish": tenant(
        lambda w: {"pk": w.pending_offer.pk}, others=DENIED, ok=["cress"], method="post"
    ),
    "support:offer_reject": tenant(
        lambda w: {"pk": w.pending_offer.pk}, others=DENIED, ok=["cress"], method="post"
    ),
    "support:offer_accept_changes": tenant(
        lambda w: {"pk": w.offer.pk}, others=DENIED, ok=["cress"], method="post"
    ),
    "support:offer_refuse_changes": tenant(
        lambda w: {"pk": w.offer.pk}, others=DENIED, ok=["cress"]
    ),
    "support:request_new": signed_in(outcome=BAD_REQUEST, note="no offer chosen"),
    "support:my_requests": signed_in(),
    "support:my_request": tenant(lambda w: {"pk": w.support_request.pk}),
    "support:inbox": signed_in(),
    "support:inbox_detail": tenant(lambda w: {"pk": w.support_request.pk}),
    "support:coverage": staff(),
    "support:coverage_csv": staff(),
    # Observatory
    "observatory:index": public(),
    "observatory:method": public(),
    "observatory:departement": public({"code": "87"}),
    "observatory:epci": public({"code": "248719312"}),
    "observatory:download": public(
        {"level": "departement", "code": "87", "slug": "familles", "fmt": "csv"}
    ),
    # Initiatives
    "initiatives:index": public(),
    "initiatives:create": signed_in(outcome=DENIED, note="for members of an organisation"),
    "initiatives:mine": signed_in(),
    "initiatives:moderation": staff(),
    "initiatives:resolve_report": tenant(
        lambda w: {"pk": w.content_report.pk}, others=DENIED, cress=BAD_REQUEST, method="post"
    ),
    "initiatives:detail": public_object(lambda w: {"slug": w.initiative.slug}),
    "initiatives:edit": tenant(lambda w: {"slug": w.initiative.slug}, others=DENIED),
    "initiatives:transition": tenant(
        lambda w: {"slug": w.draft_initiative.slug},
        method="post",
        cress=BAD_REQUEST,
        note="CRESS staff may moderate, but a draft has no step to take",
    ),
    "initiatives:report": public_object(lambda w: {"slug": w.initiative.slug}),
    "initiatives:spread": public_object(lambda w: {"slug": w.initiative.slug}),
    "initiatives:spread_requests": tenant(lambda w: {"slug": w.initiative.slug}, others=DENIED),
    # Resources
    "resources:index": public(),
    "resources:guides": public(),
    "resources:what_is_ess": public(),
    "resources:legal_forms": public(),
    "resources:legal_form": public({"slug": "association"}),
    "resources:legal_form_chooser": public(),
    "resources:purchasing_guide": public(),
    "resources:trainings": public(),
    "resources:training": public_object(lambda w: {"pk": w.training.pk}),
    "resources:training_create": signed_in(
        note="without an organisation, the page says how to link one's account to it"
    ),
    "resources:training_edit": tenant(lambda w: {"pk": w.training.pk}, ok=["cress"]),
    "resources:training_step": tenant(
        lambda w: {"pk": w.training.pk},
        cress=BAD_REQUEST,
        note="the CRESS moderates, but no step is named",
        method="post",
    ),
    "resources:guide_create": signed_in(
        note="without an organisation where one is a support actor, the page says how"
    ),
    "resources:my_guides": signed_in(
        note="without an organisation where one is a support actor, the page says how"
    ),
    "resources:guide_workspace": tenant(lambda w: {"pk": w.written_guide.pk}, ok=["cress"]),
    "resources:guide_edit": tenant(lambda w: {"pk": w.written_guide.pk}, ok=["cress"]),
    "resources:guide_step": tenant(
        lambda w: {"pk": w.written_guide.pk},
        cress=BAD_REQUEST,
        note="the CRESS moderates, but no step is named (and no version waits)",
        method="post",
    ),
    "resources:guide_version": tenant(
        lambda w: {"pk": w.written_guide.pk, "number": 1}, ok=["cress"]
    ),
    "resources:page": public(lambda w: {"slug": w.page.slug}),
    "resources:page_pdf": public(lambda w: {"slug": w.page.slug}),
    "resources:kits": public(),
    "resources:kit": public({"slug": "elus"}),
    "resources:kit_pdf": public({"slug": "elus"}),
    "resources:kit_figures_csv": public({"slug": "elus"}),
    "resources:studies": public(),
    "resources:study": public_object(lambda w: {"slug": w.study.slug}),
    "resources:study_file": public_object(lambda w: {"slug": w.study.slug}),
    "resources:study_create": signed_in(
        note="without an organisation, the page says how to link one's account to it"
    ),
    "resources:study_edit": tenant(lambda w: {"slug": w.study.slug}, ok=["cress"]),
    "resources:study_step": tenant(
        lambda w: {"slug": w.study.slug},
        cress=BAD_REQUEST,
        note="the CRESS moderates, but no step is named",
        method="post",
    ),
    "resources:moderation": staff(),
    # Financing
    "financing:index": public(),
    "financing:tool": public_object(lambda w: {"pk": w.tool.pk}),
    "financing:tool_follow": Entry(
        lambda w: {"pk": w.tool.pk},
        {
            "anonymous": LOGIN,
            **dict.fromkeys(["cress", "accompagnement", "financeur", "acheteur", "porteur"], OK),
        },
        method="post",
    ),
    "financing:tool_moderation": staff(),
    "financing:tool_accept_changes": tenant(
        lambda w: {"pk": w.tool.pk}, others=DENIED, ok=["cress"], method="post"
    ),
    "financing:tool_refuse_changes": tenant(
        lambda w: {"pk": w.tool.pk}, others=DENIED, ok=["cress"]
    ),
    "financing:tool_edit": tenant(lambda w: {"pk": w.tool.pk}, others=DENIED, ok=["cress"]),
    "financing:tool_publish": tenant(
        lambda w: {"pk": w.draft_tool.pk}, others=DENIED, ok=["cress"], method="post"
    ),
    "financing:tool_archive": tenant(
        lambda w: {"pk": w.tool.pk}, others=DENIED, ok=["cress"], method="post"
    ),
    "financing:tool_create": tenant(
        lambda w: {"organisation_pk": w.funder.pk}, others=DENIED, ok=["cress"]
    ),
    "financing:my_tools": signed_in(),
    "financing:matching": public(),
    "financing:calendar": public(),
    "financing:calendar_ics": public(),
    "financing:alerts": signed_in(),
    "financing:search_save": signed_in(method="post"),
    "financing:search_delete": tenant(lambda w: {"pk": w.saved_search.pk}, method="post"),
    "financing:dossiers": signed_in(),
    "financing:dossier_create": tenant(
        lambda w: {"organisation_pk": w.organisation.pk}, others=DENIED
    ),
    "financing:dossier": tenant(lambda w: {"pk": w.dossier.pk}),
    "financing:dossier_edit": tenant(lambda w: {"pk": w.dossier.pk}),
    "financing:dossier_budget": tenant(lambda w: {"pk": w.dossier.pk, "scope": "project"}),
    "financing:dossier_funding": tenant(lambda w: {"pk": w.dossier.pk}),
    "financing:dossier_submit": tenant(lambda w: {"pk": w.dossier.pk}),
    "financing:dossier_answer": tenant(
        lambda w: {"pk": w.dossier.pk, "request_pk": w.funding_request.pk}, method="post"
    ),
    "financing:dossier_attachments": tenant(lambda w: {"pk": w.dossier.pk}),
    "financing:documents": tenant(lambda w: {"organisation_pk": w.organisation.pk}),
    "financing:document_download": tenant(lambda w: {"pk": w.document.pk}),
    "financing:version": tenant(lambda w: {"pk": w.version.pk}),
    "financing:version_pdf": tenant(lambda w: {"pk": w.version.pk}),
    "financing:requests": signed_in(note="lists the requests of the funders one belongs to"),
    "financing:requests_csv": signed_in(note="the same rows as the list"),
    "financing:request": tenant(lambda w: {"pk": w.funding_request.pk}),
    "financing:request_transition": tenant(lambda w: {"pk": w.funding_request.pk}, method="post"),
    # Consultation: public pages; the team (CRESS staff) acts; an empty POST is a 400.
    "consultation:index": public(),
    "consultation:dashboard": public(),
    "consultation:moderation": staff(),
    "consultation:process": public(lambda w: {"slug": w.consultation.process.slug}),
    "consultation:proposals": public(lambda w: {"slug": w.consultation.process.slug}),
    "consultation:questionnaire": public(
        lambda w: {"slug": w.consultation.process.slug, "pk": w.consultation.pk}
    ),
    "consultation:questionnaire_results": public(
        lambda w: {"slug": w.consultation.process.slug, "pk": w.consultation.pk}
    ),
    "consultation:questionnaire_export": staff(
        lambda w: {"slug": w.consultation.process.slug, "pk": w.consultation.pk, "extension": "csv"}
    ),
    "consultation:action": public_object(lambda w: {"pk": w.consultation_action.pk}),
    "consultation:action_update": tenant(
        lambda w: {"pk": w.consultation_action.pk}, others=DENIED, cress=BAD_REQUEST, method="post"
    ),
    "consultation:action_links": tenant(
        lambda w: {"pk": w.consultation_action.pk}, others=DENIED, cress=BAD_REQUEST, method="post"
    ),
    "consultation:action_carriers": tenant(
        lambda w: {"pk": w.consultation_action.pk}, others=DENIED, cress=BAD_REQUEST, method="post"
    ),
    "consultation:proposal": public_object(lambda w: {"pk": w.proposal.pk}),
    "consultation:proposal_transition": tenant(
        lambda w: {"pk": w.proposal.pk},
        others=BAD_REQUEST,
        cress=BAD_REQUEST,
        method="post",
        note="an empty step is unknown: a 400 for everyone, nothing changes",
    ),
    "consultation:proposal_support": signed_in(lambda w: {"pk": w.proposal.pk}, method="post"),
    "consultation:proposal_comment": signed_in(
        lambda w: {"pk": w.proposal.pk}, outcome=BAD_REQUEST, method="post"
    ),
    "consultation:proposal_report": public(
        lambda w: {"pk": w.proposal.pk}, outcome=BAD_REQUEST, method="post"
    ),
    "consultation:proposal_follow": signed_in(lambda w: {"pk": w.proposal.pk}, method="post"),
    "consultation:comment_moderate": staff(
        lambda w: {"pk": w.consultation_comment.pk}, method="post"
    ),
    # The team's pages: the CRESS creates; a process's team runs it; anyone else a 404.
    "consultation:process_create": staff(),
    "consultation:manage": tenant(_process, ok=["cress"]),
    "consultation:process_edit": tenant(_process, ok=["cress"]),
    "consultation:process_publish": tenant(_process, cress=BAD_REQUEST, method="post"),
    "consultation:phase_create": tenant(_process, ok=["cress"]),
    "consultation:phase_edit": tenant(_phase, ok=["cress"]),
    "consultation:phase_toggle": tenant(_phase, cress=BAD_REQUEST, method="post"),
    "consultation:questionnaire_create": tenant(_process, ok=["cress"]),
    "consultation:questionnaire_manage": tenant(_questionnaire, ok=["cress"]),
    "consultation:questionnaire_edit": tenant(_questionnaire, ok=["cress"]),
    "consultation:section_create": tenant(_questionnaire, cress=BAD_REQUEST, method="post"),
    "consultation:section_edit": tenant(_section, ok=["cress"]),
    "consultation:section_delete": tenant(_section, ok=["cress"], method="post"),
    "consultation:team_add": tenant(_process, cress=BAD_REQUEST, method="post"),
    "consultation:team_remove": tenant(
        lambda w: {**_process(w), "user_pk": w.person.pk}, cress=MISSING, method="post"
    ),
    "consultation:question_create": tenant(_questionnaire, ok=["cress"]),
    "consultation:question_edit": tenant(_question, ok=["cress"]),
    "consultation:question_delete": tenant(_question, ok=["cress"], method="post"),
    "consultation:workshop_link": tenant(_process, cress=MISSING, method="post"),
    "consultation:workshop_unlink": tenant(
        lambda w: {**_process(w), "event_pk": w.event.pk}, cress=MISSING, method="post"
    ),
    "consultation:follow": signed_in(
        lambda w: {"kind": "concertation", "pk": w.consultation.process.pk}, method="post"
    ),
    # Agenda (events; another organisation's event and business meetings)
    "events:index": public(),
    "events:feed": public(),
    "events:month": public({"year": 2031, "month": 11}),
    "events:mois_ess": public(),
    "events:propose": roles(ok=("cress",), note="members of an organisation and CRESS staff"),
    "events:moderation": staff(),
    "events:mine": signed_in(),
    "events:detail": public_object(lambda w: {"slug": w.event.slug}),
    "events:event_ics": public_object(lambda w: {"slug": w.event.slug}),
    "events:register": signed_in(lambda w: {"slug": w.event.slug}, method="post"),
    "events:unregister": signed_in(
        lambda w: {"slug": w.event.slug}, method="post", outcome=CONFLICT
    ),
    "events:edit": tenant(lambda w: {"slug": w.event.slug}, others=DENIED, cress=OK),
    "events:decision": Entry(
        lambda w: {"slug": w.event.slug},
        {role: LOGIN if role == "anonymous" else BAD_REQUEST for role in ROLES},
        method="post",
        forge_all=True,
        note="no step named: 400; a forged step is refused by the workflow",
    ),
    "events:registrants": tenant(lambda w: {"slug": w.event.slug}, others=DENIED, cress=OK),
    "events:registrants_csv": tenant(lambda w: {"slug": w.event.slug}, others=DENIED, cress=OK),
    "events:meetings": signed_in(lambda w: {"slug": w.espresso.event.slug}),
    "events:meetings_setup": tenant(
        lambda w: {"slug": w.espresso.event.slug}, method="post", others=DENIED, cress=OK
    ),
    "events:meetings_add_request": signed_in(
        lambda w: {"slug": w.espresso.event.slug}, method="post", outcome=DENIED
    ),
    "events:meetings_remove_request": signed_in(
        lambda w: {"slug": w.espresso.event.slug, "request_id": w.espresso_request.pk},
        method="post",
        outcome=DENIED,
    ),
    "events:meetings_why": signed_in(
        lambda w: {"slug": w.espresso.event.slug, "request_id": w.espresso_request.pk},
        outcome=DENIED,
    ),
    "events:meetings_withdraw": signed_in(
        lambda w: {"slug": w.espresso.event.slug}, method="post", outcome=DENIED
    ),
    "events:meetings_profile": tenant(
        lambda w: {"slug": w.espresso.event.slug, "participant_id": w.espresso_request.target_id},
        others=DENIED,
        cress=OK,
    ),
    "events:meetings_outcome": signed_in(
        lambda w: {"slug": w.espresso.event.slug, "meeting_id": w.espresso_meeting.pk},
        method="post",
        outcome=DENIED,
    ),
    "events:meetings_agenda_ics": signed_in(
        lambda w: {"slug": w.espresso.event.slug}, outcome=DENIED
    ),
    "events:meetings_agenda_pdf": signed_in(
        lambda w: {"slug": w.espresso.event.slug}, outcome=DENIED
    ),
    "events:meetings_dashboard": tenant(
        lambda w: {"slug": w.espresso.event.slug}, others=DENIED, cress=OK
    ),
    "events:meetings_close": tenant(
        lambda w: {"slug": w.espresso.event.slug}, method="post", others=DENIED, cress=OK
    ),
    "events:meetings_run": tenant(
        lambda w: {"slug": w.espresso.event.slug}, method="post", others=DENIED, cress=CONFLICT
    ),
    "events:meetings_progress": tenant(
        lambda w: {"slug": w.espresso.event.slug}, others=DENIED, cress=OK
    ),
    "events:meetings_publish": tenant(
        lambda w: {"slug": w.espresso.event.slug}, method="post", others=DENIED, cress=CONFLICT
    ),
    "events:meetings_late": tenant(
        lambda w: {"slug": w.espresso.event.slug}, method="post", others=DENIED, cress=BAD_REQUEST
    ),
    "events:meetings_grid": tenant(
        lambda w: {"slug": w.espresso.event.slug}, others=DENIED, cress=OK
    ),
    # Purchasing (the demo accounts belong to no buyer and no supplier)
    "purchasing:index": public(),
    "purchasing:sourcing": public(),
    "purchasing:supplier": public_object(lambda w: {"pk": w.supplier_profile.pk}),
    "purchasing:searches": signed_in(),
    "purchasing:search_save": signed_in(
        method="post", outcome=BAD_REQUEST, note="no name and no criteria: nothing saved"
    ),
    "purchasing:search_delete": tenant(lambda w: {"pk": w.sourcing_search.pk}, method="post"),
    "purchasing:search_unsubscribe": public(
        {"token": "faux-jeton"}, outcome=BAD_REQUEST, note="the signed link of an alert e-mail"
    ),
    "purchasing:supplier_edit": tenant(
        lambda w: {"organisation_pk": w.organisation.pk}, others=DENIED, ok=["cress"]
    ),
    "purchasing:supplier_documents": tenant(
        lambda w: {"organisation_pk": w.organisation.pk}, others=DENIED, ok=["cress"]
    ),
    "purchasing:supplier_document": tenant(
        lambda w: {"pk": w.supplier_profile.pk, "document_pk": w.supplier_document.pk},
        ok=["cress", "acheteur"],
        note="an attestation shown to buyers only (a brochure would be public)",
    ),
    "purchasing:supplier_document_delete": tenant(
        lambda w: {"pk": w.supplier_document.pk}, method="post", ok=["cress"]
    ),
    "purchasing:needs": public(),
    "purchasing:need_create": roles(note="a need is posted for an organisation one belongs to"),
    "purchasing:need": public_object(lambda w: {"pk": w.purchase_need.pk}),
    "purchasing:need_edit": tenant(lambda w: {"pk": w.purchase_need.pk}, others=DENIED),
    "purchasing:need_step": tenant(
        lambda w: {"pk": w.purchase_need.pk},
        others=DENIED,
        cress=BAD_REQUEST,
        note="the CRESS moderates, but no step is named",
        method="post",
    ),
    "purchasing:need_answer": tenant(
        lambda w: {"pk": w.purchase_need.pk}, others=DENIED, method="post"
    ),
    "purchasing:need_attachment": signed_in(
        lambda w: {"pk": w.purchase_need.pk, "attachment_pk": w.need_attachment.pk},
        note="the need is public: its attachments too, to signed-in people",
    ),
    "purchasing:answer_quote": tenant(lambda w: {"pk": w.purchase_answer.pk}),
    "purchasing:answer_decision": tenant(lambda w: {"pk": w.purchase_answer.pk}, method="post"),
    "purchasing:invitation": tenant(
        lambda w: {"pk": w.purchase_answer.members.get().pk}, method="post"
    ),
    "purchasing:my_needs": signed_in(),
    "purchasing:inbox": signed_in(),
    "purchasing:moderation": staff(),
    "purchasing:figures": staff(),
    "purchasing:figures_export": public(note="aggregated figures, as in the open API"),
    # Open API (read-only, public): another organisation's unpublished object is a 404.
    "api:api-root": public(outcome=MISSING, note="no root: /api/docs documents it"),
    "api:openapi-json": public(),
    "api:openapi-view": public(),
    "api:list_organisations": public(),
    # Another organisation without establishment is not listed: not in the API either.
    "api:organisation_detail": public(lambda w: {"id": w.organisation.siren}, outcome=MISSING),
    "api:list_establishments": public(),
    "api:establishment_detail": public({"siret": "00000000000000"}, outcome=MISSING),
    "api:indicators": public(query={"niveau": "departement", "code": "87"}),
    "api:evolution": public(query={"niveau": "departement", "code": "87"}),
    "api:territories": public(query={"niveau": "departement"}),
    "api:list_tools": public(),
    "api:tool_detail": public(lambda w: {"id": w.tool.pk}),
    "api:search": public(query={"q": "jardin"}),
    "api:list_processes": public(),
    "api:list_actions": public(),
    "api:get_action": public(lambda w: {"action_id": w.consultation_action.pk}),
    "api:questionnaire_results": public(lambda w: {"questionnaire_id": w.consultation.pk}),
    "api:list_cooperation": public(),
    "api:figures_of_cooperation": public(query={"departement": "79"}),
    # Cooperation (the demo accounts belong to no organisation: they write in no name)
    "cooperation:index": public(),
    "cooperation:listing": public_object(lambda w: {"pk": w.cooperation_listing.pk}),
    "cooperation:listing_edit": tenant(lambda w: {"pk": w.cooperation_listing.pk}),
    "cooperation:listing_close": tenant(lambda w: {"pk": w.cooperation_listing.pk}, method="post"),
    "cooperation:write": tenant(
        lambda w: {"pk": w.cooperation_listing.pk},
        method="post",
        note="no organisation of theirs to write in the name of",
    ),
    "cooperation:conclude": tenant(lambda w: {"pk": w.cooperation_listing.pk}),
    "cooperation:publish_start": signed_in(),
    "cooperation:listing_create": tenant(
        lambda w: {"organisation_pk": w.organisation.pk, "kind": "locaux"}, others=DENIED
    ),
    "cooperation:my_listings": signed_in(),
    "cooperation:thread": tenant(lambda w: {"pk": w.cooperation_thread.pk}),
    "cooperation:thread_accept": tenant(lambda w: {"pk": w.cooperation_thread.pk}, method="post"),
    "cooperation:moderation": staff(),
    "cooperation:moderation_decide": tenant(
        lambda w: {"pk": w.pending_listing.pk},
        others=DENIED,
        cress=BAD_REQUEST,
        method="post",
        note="no decision sent",
    ),
    "cooperation:job_proposals": staff(note="and the GE and CRGE a proposal was sent to"),
    "cooperation:places": public(),
    "cooperation:place": public_object(lambda w: {"pk": w.ess_place.pk}),
    "cooperation:where_to_work": public({"code": "248719312"}),
    "api:list_events": public(),
    "api:events_ical": public(),
    "api:event_detail": public(lambda w: {"id": w.event.pk}),
    "api:my_registrations": Entry({}, {role: 401 if role == "anonymous" else OK for role in ROLES}),
    "api:supplier_search": public(query={"commune": "16015", "rayon": "30"}),
    "api:open_needs": public(),
    "api:purchase_indicators": public(),
}
