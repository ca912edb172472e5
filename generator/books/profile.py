"""The compound profile, ``ledgers/<id>/compound.yaml``: who and what the compound is.

Keys beyond the ones read here are free (DESIGN.md); the ones read here are
checked, because the rules depend on them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from beancount.core import account as bc_account

from generator.books import yamlsource as ys

ROLES = ("treasurer", "committee", "supervisor")
KEY_PATTERN = re.compile(r"^(ssh-ed25519|ssh-rsa|ecdsa-sha2-nistp(256|384|521)|sk-ssh-ed25519@openssh\.com)"
                         r"\s+[A-Za-z0-9+/=]+(\s.*)?$")
PRINCIPAL_PATTERN = re.compile(r"^[a-z0-9][a-z0-9._-]*$")
CURRENCY_PATTERN = re.compile(r"^[A-Z][A-Z0-9'._-]{0,22}[A-Z0-9]$")


GITHUB_LOGIN = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})", re.ASCII)
# An area code (010, 02x with 8 digits; 0xxx with 7 or 8) and its number, or a 400/800 number. No area code
# begins 01 but 010: "0" before a mobile (013912345678, as dialled from another city) is a mobile still.
OFFICE_PHONE = re.compile(r"(?:010|02[0-9])[0-9]{8}|0[3-9][0-9]{9,10}|[48]00[0-9]{7}", re.ASCII)
CONTACT_KEYS = {"name", "name_en", "phone", "hours", "hours_en", "mailbox", "mailbox_en", "email"}
EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}", re.ASCII)


@dataclass(frozen=True)
class Signer:
    principal: str
    role: str
    key: str
    line: int
    github: str | None = None  # the GitHub login, so a reply in a query's thread counts as the compound's


@dataclass(frozen=True)
class Contact:
    """An organisation owners can reach (物业服务中心, 业委会): never a person."""

    name: str
    name_en: str | None
    phone: str | None  # an office landline or a 400/800 number
    hours: str | None
    hours_en: str | None
    mailbox: str | None  # where the paper mailbox is
    mailbox_en: str | None
    email: str | None
    phone_line: int = 0


@dataclass
class Profile:
    path: Path
    name: str
    name_en: str
    households: int
    floor_area: Decimal
    currency: str
    evidence_threshold: Decimal
    fund_account: str  # the first fund account: the balance owners see
    trustee_fee_account: str
    signers: list[Signer] = field(default_factory=list)
    extra: dict[str, Any] = field(default_factory=dict)
    fund_accounts: tuple[str, ...] = ()  # every account (with its sub-accounts) that holds the fund's money
    contacts: tuple[Contact, ...] = ()
    response_days: int = 3  # a query answered within this many Asia/Shanghai days counts as answered in time
    unit_pages: bool = True  # ``fees: {unit_pages: false}`` turns each unit's own statement page off
    other_currencies: tuple[str, ...] = ()  # currencies besides ``currency`` the books may use, at cost

    @property
    def currencies(self) -> tuple[str, ...]:
        return (self.currency, *self.other_currencies)


def parse_profile(doc: ys.Document) -> Profile:
    """Raises YamlProblem at the first thing that is wrong."""
    data = doc.data
    for required in ("name", "name_en", "households", "floor_area", "accounts", "signers"):
        if required not in data:  # keys beyond the known ones are free in a profile (DESIGN.md)
            raise ys.YamlProblem(doc.first_line, f"'{required}' is missing")
    currency = ys.text(doc, data.get("currency", "CNY"), "currency")
    if not CURRENCY_PATTERN.match(currency):
        raise ys.YamlProblem(doc.line("currency"), f"'currency' must be a currency code like CNY, got {currency!r}")
    other_currencies = []
    for index, raw_currency in enumerate(ys.sequence(doc, data.get("other_currencies") or [], "other_currencies")):
        code = ys.text(doc, raw_currency, "other_currencies", index)
        if not CURRENCY_PATTERN.match(code) or code == currency:
            raise ys.YamlProblem(doc.line("other_currencies", index),
                                 f"'other_currencies' lists currency codes besides {currency}, got {code!r}")
        other_currencies.append(code)
    accounts = ys.mapping(doc, data["accounts"], "accounts")
    account_names: dict[str, list[str]] = {}
    for role in ("fund", "trustee_fee"):
        if role not in accounts:
            raise ys.YamlProblem(doc.line("accounts"), f"'accounts.{role}' is missing")
        raw_names = accounts[role] if role == "fund" and isinstance(accounts[role], list) else [accounts[role]]
        if not raw_names:
            raise ys.YamlProblem(doc.line("accounts", role), f"'accounts.{role}' names no account")
        for index, raw_name in enumerate(raw_names):
            name = ys.text(doc, raw_name, "accounts", role, index) if isinstance(accounts[role], list) \
                else ys.text(doc, raw_name, "accounts", role)
            if not bc_account.is_valid(name):
                raise ys.YamlProblem(doc.line("accounts", role),
                                     f"'accounts.{role}' is not a Beancount account name: {name!r}")
            account_names.setdefault(role, []).append(name)
    signers = []
    for index, raw in enumerate(ys.sequence(doc, data["signers"], "signers")):
        entry = ys.mapping(doc, raw, "signers", index)
        principal = ys.text(doc, entry.get("principal"), "signers", index, "principal")
        role = ys.text(doc, entry.get("role"), "signers", index, "role")
        key = ys.text(doc, entry.get("key"), "signers", index, "key")
        if not PRINCIPAL_PATTERN.match(principal):
            raise ys.YamlProblem(doc.line("signers", index, "principal"),
                                 "principal must be a role id of lowercase letters, digits, '.', '_' or '-' "
                                 f"(no personal names), got {principal!r}")
        if role not in ROLES:
            raise ys.YamlProblem(doc.line("signers", index, "role"),
                                 f"role must be one of {', '.join(ROLES)}, got {role!r}")
        if not KEY_PATTERN.match(key):
            raise ys.YamlProblem(doc.line("signers", index, "key"),
                                 "key must be an SSH public key line such as 'ssh-ed25519 AAAA…'")
        github = entry.get("github")
        if github is not None:
            github = ys.text(doc, github, "signers", index, "github")
            if not GITHUB_LOGIN.fullmatch(github):
                raise ys.YamlProblem(doc.line("signers", index, "github"),
                                     f"github must be a GitHub login (letters, digits, hyphens), got {github!r}")
        signers.append(Signer(principal, role, key, doc.line("signers", index), github))
    known = {"name", "name_en", "households", "floor_area", "currency", "evidence_threshold", "accounts", "signers",
             "other_currencies", "contact", "response_days", "fees"}
    return Profile(
        path=doc.path,
        name=ys.text(doc, data["name"], "name"),
        name_en=ys.text(doc, data["name_en"], "name_en"),
        households=ys.integer(doc, data["households"], "households", low=1),
        floor_area=ys.amount(doc, data["floor_area"], "floor_area"),
        currency=currency,
        evidence_threshold=ys.amount(doc, data.get("evidence_threshold", "500.00"), "evidence_threshold"),
        fund_account=account_names["fund"][0],
        trustee_fee_account=account_names["trustee_fee"][0],
        fund_accounts=tuple(account_names["fund"]),
        other_currencies=tuple(other_currencies),
        signers=signers,
        extra={key: value for key, value in data.items() if key not in known},
        contacts=_contacts(doc),
        response_days=ys.integer(doc, data.get("response_days", "3"), "response_days", low=1, high=60),
        unit_pages=_unit_pages(doc),
    )


def _unit_pages(doc: ys.Document) -> bool:
    fees = ys.mapping(doc, doc.data.get("fees") or {}, "fees")
    ys.keys(doc, fees, {"unit_pages"})
    value = fees.get("unit_pages", "true")
    if value not in ("true", "false", "True", "False"):
        raise ys.YamlProblem(doc.line("fees", "unit_pages"), f"fees.unit_pages must be true or false, got {value!r}")
    return bool(value.lower() == "true")


def _contacts(doc: ys.Document) -> tuple[Contact, ...]:
    """``contact:`` — a list of organisations, each with a name and any of phone, hours, mailbox, e-mail."""
    contacts = []
    for index, raw in enumerate(ys.sequence(doc, doc.data.get("contact") or [], "contact")):
        entry = ys.mapping(doc, raw, "contact", index)
        unknown = sorted(set(entry) - CONTACT_KEYS)
        if unknown:
            raise ys.YamlProblem(doc.line("contact", index, unknown[0]), f"unknown key 'contact.{unknown[0]}' "
                                 f"(allowed: {', '.join(sorted(CONTACT_KEYS))})")

        def optional(key: str, entry: dict[str, object] = entry, index: int = index) -> str | None:
            value = entry.get(key)
            return None if value is None else ys.text(doc, value, "contact", index, key)

        phone = optional("phone")
        if phone is not None and not OFFICE_PHONE.fullmatch(re.sub(r"[ \-]", "", phone)):
            raise ys.YamlProblem(doc.line("contact", index, "phone"),
                                 "contact phone must be an organisation's office landline (010-12345678) or 400/800 "
                                 f"number; a mobile or personal number may not be published, got {phone!r}")
        email = optional("email")
        if email is not None and not EMAIL.fullmatch(email):
            raise ys.YamlProblem(doc.line("contact", index, "email"), f"contact email is not an address: {email!r}")
        contacts.append(Contact(ys.text(doc, entry.get("name"), "contact", index, "name"), optional("name_en"), phone,
                                optional("hours"), optional("hours_en"), optional("mailbox"), optional("mailbox_en"),
                                email, doc.line("contact", index, "phone") if phone else 0))
    return tuple(contacts)


def profile_from_text(text: str, path: Path) -> tuple[Profile | None, str | None]:
    """A profile read from text (e.g. as it stood at a revision), or what is wrong with it."""
    try:
        return parse_profile(ys.parse(text, path)), None
    except ys.YamlProblem as problem:
        return None, f"line {problem.line}: {problem.message}"
