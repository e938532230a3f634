"""统一社会信用代码 (unified social credit code), GB 32100-2015.

18 characters: registration authority (1), entity type (1), GB/T 2260 region (6),
organisation code per GB 11714 (9, its own check character last), check character (1).
The alphabet has 31 characters: digits and capitals without I, O, Z, S, V.
"""

from __future__ import annotations

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_VALUE = {ch: i for i, ch in enumerate(ALPHABET)}
_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
_ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)


class CreditCodeError(ValueError):
    """The code is malformed; ``str(err)`` says what is wrong and how to fix it (already translated by the caller)."""

    def __init__(self, reason: str, *, expected: str | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.expected = expected


def check_char(first17: str) -> str:
    """The 18th character for the first 17 (weights 3^i mod 31, check = 31 − Σ mod 31)."""
    total = sum(_VALUE[ch] * w for ch, w in zip(first17, _WEIGHTS, strict=True))
    return ALPHABET[(31 - total % 31) % 31]


def org_code_check_char(body8: str) -> str:
    """GB 11714 check character of an 8-character organisation code body."""

    def value(ch: str) -> int:
        return int(ch) if ch.isdigit() else ord(ch) - ord("A") + 10

    remainder = 11 - sum(value(ch) * w for ch, w in zip(body8, _ORG_WEIGHTS, strict=True)) % 11
    return {10: "X", 11: "0"}.get(remainder, str(remainder))


def normalise(raw: str) -> str:
    """Trim, upper-case and turn full-width characters into half-width (common in pasted Excel)."""
    text = "".join(chr(ord(c) - 0xFEE0) if "！" <= c <= "～" else c for c in raw)
    return text.strip().replace(" ", "").upper()


def validate(raw: str) -> str:
    """Return the normalised code or raise CreditCodeError with the reason (length, characters, check digit)."""
    code = normalise(raw)
    if len(code) != 18:
        raise CreditCodeError("length")
    bad = [c for c in code if c not in _VALUE]
    if bad:
        raise CreditCodeError("characters", expected="".join(bad))
    expected = check_char(code[:17])
    if code[17] != expected:
        raise CreditCodeError("check_digit", expected=expected)
    return code


def build(*, region_code: str, org_body: str, authority: str = "9", entity_type: str = "1") -> str:
    """Assemble a valid code from a region code and an 8-character organisation body (used by the demo data)."""
    org = org_body + org_code_check_char(org_body)
    first17 = f"{authority}{entity_type}{region_code}{org}"
    return first17 + check_char(first17)
