"""privacy: nothing published names a person (个人信息).

Everything in the books is published to every owner, so no string may hold a
mobile or landline phone number, an ID-card number (18 digits with a valid
check digit), a bank-card number (16–19 digits passing the Luhn check), and no
metadata key may be a person's name or contact field. Units are referred to
by unit code. Ledger strings, detail sheets, notices and compound.yaml are
all checked::

    2026-03-02 * "3号楼业主" "补缴物业费 联系电话13912345678"   ; refused: a phone number
      voucher: "2026-0021"
      owner: "某某"                                              ; refused: a person's name field
      Assets:Bank:Fund    960.00 CNY
      Income:PropertyFees
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from beancount.core import data

from generator import errors as err
from generator.books.compound import DETAIL_SUFFIXES, Compound, voucher_file
from generator.rules.context import compound_for, from_ledger

__plugins__ = ("rule",)

# Fields that would hold a person's name or contact. ``name`` is allowed only on
# ``open`` and ``commodity``, where it is an account's display name.
PERSONAL_KEYS = frozenset({
    "owner", "owner_name", "person", "person_name", "resident", "tenant", "payer_name", "contact",
    "contact_name", "phone", "mobile", "tel", "telephone", "id_card", "idcard", "id_number",
    "bank_card", "bank_account", "card_number", "姓名", "业主", "业主姓名", "联系人", "电话", "手机",
    "身份证", "身份证号", "银行卡", "银行卡号", "name"})
DIGITS = re.compile(r"\d[\d\s-]{6,}\d")
MOBILE = re.compile(r"(?<!\d)(?:\+?86[\s-]?)?1[3-9]\d(?:[\s-]?\d{4}){2}(?!\d)")
LANDLINE = re.compile(r"(?<![\d-])0\d{2,3}-\d{7,8}(?![\d-])")
ID_CARD = re.compile(r"(?<!\d)\d{17}[\dXx](?!\d)")
BANK_CARD = re.compile(r"(?<!\d)\d{4}(?:[\s-]?\d{4}){3}(?:[\s-]?\d{1,3})?(?!\d)")
ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
ID_CHECK = "10X98765432"


def personal_number(text: str) -> str | None:
    """What kind of personal number ``text`` holds, if any."""
    if not DIGITS.search(text):
        return None
    if MOBILE.search(text):
        return "a mobile phone number"
    if LANDLINE.search(text):
        return "a phone number"
    for match in ID_CARD.finditer(text):
        digits = match.group()
        if ID_CHECK[sum(int(d) * w for d, w in zip(digits, ID_WEIGHTS, strict=False)) % 11] == digits[-1].upper():
            return "an ID-card number"
    for match in BANK_CARD.finditer(text):
        digits = re.sub(r"\D", "", match.group())
        if 16 <= len(digits) <= 19 and _luhn(digits):
            return "a bank-card number"
    return None


def _luhn(digits: str) -> bool:
    total = 0
    for index, char in enumerate(reversed(digits)):
        value = int(char)
        if index % 2:
            value = value * 2 - 9 if value > 4 else value * 2
        total += value
    return total % 10 == 0


def rule(entries: list[data.Directive], options_map: dict[str, Any],
         config: object = None) -> tuple[list[data.Directive], list[err.RuleError]]:
    compound = compound_for(options_map, config)
    errors: list[err.RuleError] = []
    sheets: set[str] = set()
    for entry in entries:
        if not from_ledger(entry):
            continue
        for where, key, text in _strings(entry):
            if key is not None and key in PERSONAL_KEYS and not (
                    key == "name" and isinstance(entry, (data.Open, data.Commodity))):
                errors.append(err.make(err.PrivacyError, where,
                                       f"'{key}:' is a person's name or contact field; never record personal data — "
                                       "refer to the unit by its code (unit: \"3-2-501\")", entry))
            if text is not None and (kind := personal_number(text)) is not None:
                errors.append(err.make(err.PrivacyError, where,
                                       f"{_label(key)} holds {kind}; remove it — everything here is published", entry))
        if isinstance(entry, data.Transaction) and isinstance(entry.meta.get("detail"), str):
            sheets.add(entry.meta["detail"].strip())
    for name in sorted(sheets):
        found = voucher_file(compound, name, DETAIL_SUFFIXES)
        if isinstance(found, Path):
            errors.extend(_check_text_file(found, f"detail sheet vouchers/{name}"))
    errors.extend(_check_published_files(compound))
    return entries, errors


def _label(key: str | None) -> str:
    return f"'{key}:'" if key else "the text"


def _strings(entry: data.Directive) -> Iterator[tuple[dict[str, Any], str | None, str | None]]:
    """(where, metadata key or None, text) for every string the site may publish."""
    meta = entry.meta
    for key, value in meta.items():
        if key not in ("filename", "lineno") and not key.startswith("__"):
            yield meta, key, value if isinstance(value, str) else None
    if isinstance(entry, data.Transaction):
        for text in (entry.payee, entry.narration):
            if text:
                yield meta, None, text
        for text in (*(entry.tags or ()), *(entry.links or ())):
            yield meta, None, text
        for posting in entry.postings:
            for key, value in (posting.meta or {}).items():
                if key not in ("filename", "lineno") and not key.startswith("__"):
                    yield posting.meta or meta, key, value if isinstance(value, str) else None
    elif isinstance(entry, data.Note):
        yield meta, None, entry.comment
    elif isinstance(entry, data.Event):
        yield meta, None, entry.description
    elif isinstance(entry, data.Custom):
        for value in entry.values:
            if isinstance(value.value, str):
                yield meta, None, value.value


def _check_text_file(path: Path, label: str) -> list[err.RuleError]:
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except (OSError, UnicodeDecodeError):
        return []  # the source lint names unreadable files
    errors = []
    for number, line in enumerate(text.split("\n"), start=1):
        if (kind := personal_number(line)) is not None:
            errors.append(err.make(err.PrivacyError, err.source(path, number),
                                   f"{label} line {number} holds {kind}; remove it — everything here is published"))
    return errors


def _check_published_files(compound: Compound) -> list[err.RuleError]:
    errors = []
    profile_path = compound.folder / "compound.yaml"
    if profile_path.is_file():
        errors.extend(_check_text_file(profile_path, "compound.yaml"))
    for notice in compound.notices.values():
        errors.extend(_check_text_file(notice.path, f"notice {notice.slug}"))
    return errors
