from decimal import Decimal, InvalidOperation

from django import template

register = template.Library()
NARROW_SPACE = "\u202f"


@register.filter
def negate(value):
    return -value


@register.filter
def euros(value):
    """12345.5 → "12 345,50 €" (a narrow no-break space between thousands)."""
    if value in (None, ""):
        return "—"
    try:
        amount = Decimal(str(value)).quantize(Decimal("0.01"))
    except InvalidOperation:
        return value
    whole, cents = f"{amount:,.2f}".split(".")
    return whole.replace(",", NARROW_SPACE) + "," + cents + " €"
