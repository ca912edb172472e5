"""privacy: nothing published names a person (个人信息).

Everything in the books is published to every owner and kept in a public
repository, so no text may hold a mobile or landline phone number, an
ID-card number (18 digits with a valid check digit) or a bank-card number
(16–19 digits passing the Luhn check) — however it is spelt: with dots,
slashes, spaces, full-width or invisible characters
(``generator.books.privacy``). The scan reads every published byte as text:
each ledger file whole (comments too), every detail sheet under
``vouchers/``, ``compound.yaml``, the unit roster, budgets and notices, and
the names of the files under ``vouchers/``, budgets and notices. And no
metadata key may be a person's name or contact field; units are referred to
by unit code::

    2026-03-02 * "3号楼业主" "补缴物业费 联系电话139 1234 5678"   ; refused: a phone number
      voucher: "2026-0021"
      owner: "某某"                                               ; refused: a person's name field
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
from generator.books.compound import Compound
from generator.books.privacy import is_mobile, personal_number, scan_lines
from generator.rules.context import compound_for

__plugins__ = ("rule",)

# Fields that would hold a person's name or contact. ``name`` is allowed only on
# ``open`` and ``commodity``, where it is an account's display name.
PERSONAL_KEYS = frozenset({
    "owner", "owner_name", "person", "person_name", "resident", "tenant", "payer_name", "contact",
    "contact_name", "phone", "mobile", "tel", "telephone", "id_card", "idcard", "id_number",
    "bank_card", "bank_account", "card_number", "姓名", "业主", "业主姓名", "联系人", "电话", "手机",
    "身份证", "身份证号", "银行卡", "银行卡号", "name"})
METADATA_LINE = re.compile(r"^[ \t]+([a-z][A-Za-z0-9_-]*):")


def rule(entries: list[data.Directive], options_map: dict[str, Any],
         config: object = None) -> tuple[list[data.Directive], list[err.RuleError]]:
    compound = compound_for(options_map, config)
    errors: list[err.RuleError] = []
    for entry in entries:
        # Most entries hold no personal key at all: a set intersection (in C) says so before any loop.
        if not (entry.meta and PERSONAL_KEYS.intersection(entry.meta)) and not (
                isinstance(entry, data.Transaction) and any(p.meta and PERSONAL_KEYS.intersection(p.meta)
                                                            for p in entry.postings)):
            continue
        for where, key in _keys(entry):
            if key in PERSONAL_KEYS and not (key == "name" and isinstance(entry, (data.Open, data.Commodity))):
                errors.append(err.make(err.PrivacyError, where,
                                       f"'{key}:' is a person's name or contact field; never record personal data — "
                                       "refer to the unit by its roster code (unit: \"a3f9k2m7\")", entry))
    ledger_files = [Path(name) for name in options_map.get("include") or [options_map["filename"]]]
    # An organisation's office line under ``contact:`` is published on purpose; only that exact number on
    # its own line is passed over (a mobile there is refused by the profile's schema and here alike).
    office_lines = {contact.phone_line: contact.phone for contact in (compound.profile.contacts
                                                                      if compound.profile else ()) if contact.phone}
    for path in [*ledger_files, *compound.published_text_files()]:
        exempt = office_lines if path == compound.folder / "compound.yaml" else {}
        errors.extend(_scan_file(path, compound.relative(path), exempt))
    errors.extend(_scan_names(compound))
    return entries, errors


def _scan_names(compound: Compound) -> list[err.RuleError]:
    """File names are published too: in the address of every voucher, sheet and notice."""
    errors = []
    for folder in (compound.vouchers, compound.budget_folder, compound.notice_folder):
        if not folder.is_dir() or folder.is_symlink():
            continue
        for path in sorted(folder.rglob("*")):
            kind = personal_number(str(path.relative_to(folder)))
            if kind is not None:
                errors.append(err.make(err.PrivacyError, err.source(path, 0),
                                       f"the name {compound.relative(path)} holds {kind}; rename it — file names "
                                       "are published too"))
    return errors


def _keys(entry: data.Directive) -> Iterator[tuple[dict[str, Any], str]]:
    meta = entry.meta or {}
    for key in meta:
        yield meta, key
    if isinstance(entry, data.Transaction):
        for posting in entry.postings:
            for key in posting.meta or {}:
                yield posting.meta or meta, key


def _scan_file(path: Path, label: str, exempt: dict[int, str] | None = None) -> list[err.RuleError]:
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except (OSError, UnicodeDecodeError):
        return []  # the source lint names unreadable files
    if exempt:
        kept = text.split("\n")
        for number, phone in exempt.items():
            if 0 < number <= len(kept) and not is_mobile(phone):
                kept[number - 1] = kept[number - 1].replace(phone, "", 1)
        text = "\n".join(kept)
    errors = []
    lines: list[str] | None = None
    for number, kind in scan_lines(text):
        lines = lines or text.split("\n")
        key = METADATA_LINE.match(lines[number - 1]) if path.suffix == ".beancount" else None
        what = f"'{key.group(1)}:'" if key else "the text"
        errors.append(err.make(err.PrivacyError, err.source(path, number),
                               f"{what} holds {kind} ({label} line {number}); remove it — everything here is "
                               "published"))
    return errors
