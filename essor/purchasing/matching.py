"""Which published suppliers a need is sent to, and why: those selling its category
whose perimeter covers its place of delivery or who are located within NEED_RADIUS_KM
of it, only those it may be reserved to when it is reserved; the nearest first, at most
MAX_RECIPIENTS. The sourcing's own query (sourcing.py) does the work."""

from .sourcing import Criteria, explain, ranked_ids

NEED_RADIUS_KM = 50
MAX_RECIPIENTS = 300
BATCH_SIZE = 50
EXPLAIN_CHUNK = 500


def criteria_of(need):
    return Criteria(
        category=need.category,
        commune=need.commune,
        radius_km=NEED_RADIUS_KM,
        reservations=[need.reserved] if need.reserved else [],
    )


def match_need(need):
    """([(profile id, [reason])] of the suppliers to notify, nearest first; the number
    of matches left out by the cap)."""
    criteria = criteria_of(need)
    ranked = ranked_ids(criteria)
    kept = ranked[:MAX_RECIPIENTS]
    found = []
    for start in range(0, len(kept), EXPLAIN_CHUNK):
        for match in explain(criteria, kept[start : start + EXPLAIN_CHUNK]):
            reasons = list(match.reasons)
            if need.reserved:
                reasons.append(f"éligible au marché réservé ({need.get_reserved_display()})")
            found.append((match.profile.pk, reasons))
    return found, len(ranked) - len(kept)
