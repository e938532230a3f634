"""统一社会信用代码 (GB 32100-2015): check character, alphabet, length, normalisation, messages.

Why one changed character is always caught: the check character makes
``Σ value(c_i)·w_i + value(c_18) ≡ 0 (mod 31)``. Every weight ``w_i = 3^i mod 31`` is non-zero and
31 is prime, so changing one character by ``d ≠ 0`` (mod 31) changes the sum by ``d·w_i ≢ 0``.
Hence the exact property tested below: *no single-character substitution of a valid code is
valid*; the nearest other valid codes differ in a body character **and** the check character
(and that new check character is never the old one).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import override
from hypothesis import given
from hypothesis import strategies as st

from parkchain.enterprises import credit_code
from parkchain.enterprises.models import Enterprise, validate_credit_code
from parkchain.enterprises.tests.factories import EnterpriseFactory

STANDARD_EXAMPLE = "91350100M000100Y43"  # the worked example of GB 32100-2015
FORBIDDEN_LETTERS = "IOZSV"

region_codes = st.from_regex(r"\A[1-6][0-9]{5}\Z")
org_bodies = st.text(alphabet=credit_code.ALPHABET, min_size=8, max_size=8)
alphabet_chars = st.sampled_from(credit_code.ALPHABET)


@st.composite
def valid_codes(draw: st.DrawFn) -> str:
    return credit_code.build(region_code=draw(region_codes), org_body=draw(org_bodies))


def reason_of(raw: str) -> tuple[str, str | None]:
    with pytest.raises(credit_code.CreditCodeError) as err:
        credit_code.validate(raw)
    return err.value.reason, err.value.expected


# ---------------------------------------------------------------------------------------------
# worked examples
# ---------------------------------------------------------------------------------------------
def test_standard_example_is_valid():
    # when
    code = credit_code.validate(STANDARD_EXAMPLE)
    # then
    assert code == STANDARD_EXAMPLE
    assert credit_code.check_char(STANDARD_EXAMPLE[:17]) == "3"


def test_standard_example_organisation_code_has_its_own_check_character():
    # given the organisation code M000100Y4 (GB 11714) sits in positions 9–17
    # when
    check = credit_code.org_code_check_char("M000100Y")
    # then
    assert check == "4"


def test_wrong_check_character_is_rejected_naming_the_right_one():
    # given
    wrong = STANDARD_EXAMPLE[:17] + "4"
    # when
    reason, expected = reason_of(wrong)
    # then
    assert (reason, expected) == ("check_digit", "3")


@pytest.mark.parametrize(
    "raw",
    ["", "9135010", STANDARD_EXAMPLE[:17], STANDARD_EXAMPLE + "0", STANDARD_EXAMPLE * 2],
    ids=["empty", "short", "17", "19", "36"],
)
def test_code_of_wrong_length_is_rejected(raw):
    # when
    reason, _ = reason_of(raw)
    # then
    assert reason == "length"


@pytest.mark.parametrize("letter", list(FORBIDDEN_LETTERS))
def test_forbidden_letters_are_rejected_and_named(letter):
    # given the organisation code's first character replaced by a letter GB 32100 does not use
    raw = STANDARD_EXAMPLE[:8] + letter + STANDARD_EXAMPLE[9:]
    # when
    reason, expected = reason_of(raw)
    # then
    assert (reason, expected) == ("characters", letter)


def test_punctuation_is_rejected_as_a_character():
    # when
    reason, expected = reason_of(STANDARD_EXAMPLE[:8] + "-" + STANDARD_EXAMPLE[9:])
    # then
    assert (reason, expected) == ("characters", "-")


def test_full_width_lower_case_and_spaces_are_normalised():
    # given a code pasted from a Word table: full-width, lower case, surrounded by spaces
    pasted = " ９１３５０１００ｍ０００１００ｙ４３　"
    # when
    code = credit_code.validate(pasted)
    # then
    assert code == STANDARD_EXAMPLE


def test_inner_spaces_are_dropped():
    # when / then
    assert credit_code.validate("9135 0100 M000 100Y 43") == STANDARD_EXAMPLE


def test_build_makes_the_standard_example():
    # when
    code = credit_code.build(region_code="350100", org_body="M000100Y")
    # then
    assert code == STANDARD_EXAMPLE


# ---------------------------------------------------------------------------------------------
# properties
# ---------------------------------------------------------------------------------------------
@given(code=valid_codes())
def test_build_always_gives_a_valid_code(code):
    # when / then
    assert credit_code.validate(code) == code
    assert len(code) == 18
    assert not set(code) & set(FORBIDDEN_LETTERS)


@given(code=valid_codes(), position=st.integers(min_value=0, max_value=17), new=alphabet_chars)
def test_no_single_character_change_of_a_valid_code_is_valid(code, position, new):
    # given
    changed = code[:position] + new + code[position + 1 :]
    if changed == code:
        return
    # when
    reason, expected = reason_of(changed)
    # then
    assert reason == "check_digit"
    assert expected is not None
    assert expected != changed[17]


@given(code=valid_codes(), position=st.integers(min_value=0, max_value=16), new=alphabet_chars)
def test_changing_a_body_character_needs_a_different_check_character(code, position, new):
    # given
    body = code[:position] + new + code[position + 1 : 17]
    if body == code[:17]:
        return
    # when
    repaired = body + credit_code.check_char(body)
    # then: the only valid completion differs from the original in the check character too
    assert credit_code.validate(repaired) == repaired
    assert repaired[17] != code[17]


@given(code=valid_codes(), position=st.integers(min_value=0, max_value=17))
def test_a_forbidden_letter_anywhere_is_rejected_as_a_character(code, position):
    # given
    for letter in FORBIDDEN_LETTERS:
        changed = code[:position] + letter + code[position + 1 :]
        # when
        reason, expected = reason_of(changed)
        # then
        assert (reason, expected) == ("characters", letter)


@given(code=valid_codes())
def test_full_width_form_of_a_valid_code_is_valid(code):
    # given
    full_width = "".join(chr(ord(c) + 0xFEE0) for c in code)
    # when / then
    assert credit_code.validate(full_width) == code


# ---------------------------------------------------------------------------------------------
# model level: the message the user reads
# ---------------------------------------------------------------------------------------------
CATALOGUE = Path(settings.BASE_DIR) / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.mo"
needs_catalogue = pytest.mark.skipif(
    not CATALOGUE.exists(), reason="zh_Hans catalogue (locale/zh_Hans) not compiled yet"
)


def credit_code_messages(enterprise: Enterprise) -> list[str]:
    with pytest.raises(ValidationError) as err:
        enterprise.full_clean()
    return err.value.message_dict.get("credit_code", [])


@pytest.mark.django_db
def test_enterprise_with_a_valid_code_passes_the_field_check():
    # given
    enterprise = EnterpriseFactory.build(credit_code=STANDARD_EXAMPLE)
    # when (other fields, such as the unsaved org unit, fail; this one must not)
    messages = credit_code_messages(enterprise)
    # then
    assert messages == []


@pytest.mark.django_db
def test_enterprise_full_clean_names_the_right_check_character_in_english():
    # given
    enterprise = EnterpriseFactory.build(credit_code=STANDARD_EXAMPLE[:17] + "4")
    # when
    with override("en"):
        messages = credit_code_messages(enterprise)
    # then
    assert messages == [
        "The check character (18th) of this unified social credit code is wrong: it should be “3”. "
        "Check the code against the business licence."
    ]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("raw", "fragment"),
    [
        ("9135", "has 18 characters"),
        (STANDARD_EXAMPLE[:8] + "O" + STANDARD_EXAMPLE[9:], "remove “O”"),
    ],
)
def test_enterprise_full_clean_explains_length_and_characters_in_english(raw, fragment):
    # given
    enterprise = EnterpriseFactory.build(credit_code=raw)
    # when
    with override("en"):
        messages = credit_code_messages(enterprise)
    # then
    assert len(messages) == 1
    assert fragment in messages[0]


@needs_catalogue
@pytest.mark.django_db
def test_enterprise_full_clean_speaks_chinese_under_zh_hans():
    # given
    enterprise = EnterpriseFactory.build(credit_code=STANDARD_EXAMPLE[:17] + "4")
    # when
    with override("zh-hans"):
        messages = credit_code_messages(enterprise)
    # then
    assert len(messages) == 1
    message = messages[0]
    assert "统一社会信用代码" in message
    assert "“3”" in message  # names the right check character
    assert "check character" not in message


@needs_catalogue
@pytest.mark.parametrize("reason", ["length", "characters"])
def test_credit_code_length_and_character_messages_are_translated(reason):
    # given
    raw = "9135" if reason == "length" else STANDARD_EXAMPLE[:8] + "I" + STANDARD_EXAMPLE[9:]
    # when
    with override("zh-hans"), pytest.raises(ValidationError) as err:
        validate_credit_code(raw)
    # then
    message = err.value.messages[0]
    assert any("\u4e00" <= ch <= "\u9fff" for ch in message)
    assert "unified social credit code" not in message
