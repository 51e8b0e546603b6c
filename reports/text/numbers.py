"""Whole numbers from query strings and forms."""


def plain_number(raw, max_digits=18):
    """The number `raw` spells in plain ASCII digits, or None: not "²" or "１" (which str.isdigit
    takes and int() refuses), not a sign, and no longer than max_digits (int() refuses more
    than 4,300 digits, and no page, year or key needs 19)."""
    raw = str(raw).strip()
    return int(raw) if raw.isascii() and raw.isdigit() and len(raw) <= max_digits else None
