"""French company and association identifiers."""

import re

import numpy as np

# La Poste's establishments share SIREN 356000000 and do not satisfy Luhn; INSEE
# documents that their SIRET digits sum to a multiple of 5 instead.
LA_POSTE_SIREN = "356000000"
RNA_PATTERN = re.compile(r"^W[0-9A-Z]{9}$")


def luhn_valid(digits):
    total = 0
    for index, char in enumerate(reversed(digits)):
        value = int(char)
        if index % 2 == 1:
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return total % 10 == 0


def is_valid_siren(value):
    return bool(value) and len(value) == 9 and value.isdigit() and luhn_valid(value)


def is_valid_siret(value):
    if not value or len(value) != 14 or not value.isdigit():
        return False
    if value.startswith(LA_POSTE_SIREN):
        return sum(int(c) for c in value) % 5 == 0
    return is_valid_siren(value[:9]) and luhn_valid(value)


def is_valid_rna(value):
    """RNA numbers: "W" then 9 characters (the prefecture code, e.g. W872001234)."""
    return bool(value) and bool(RNA_PATTERN.match(value))


def with_luhn_key(prefix):
    """Complete `prefix` with the one digit that makes it Luhn-valid (for generators)."""
    for digit in "0123456789":
        if luhn_valid(prefix + digit):
            return prefix + digit
    raise ValueError(prefix)  # unreachable: one digit always fits


def luhn_valid_array(values, width):
    """Whether each number of an int64 numpy array, written in `width` digits,
    satisfies Luhn: luhn_valid on millions of SIRENE identifiers at once."""
    total = np.zeros(len(values), np.int64)
    rest = np.array(values, np.int64)
    for position in range(width):
        digit = rest % 10
        rest //= 10
        if position % 2:
            digit *= 2
            digit -= 9 * (digit > 9)
        total += digit
    return total % 10 == 0
