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


@dataclass(frozen=True)
class Signer:
    principal: str
    role: str
    key: str
    line: int


@dataclass
class Profile:
    path: Path
    name: str
    name_en: str
    households: int
    floor_area: Decimal
    currency: str
    evidence_threshold: Decimal
    fund_account: str
    trustee_fee_account: str
    signers: list[Signer] = field(default_factory=list)
    extra: dict[str, Any] = field(default_factory=dict)


def parse_profile(doc: ys.Document) -> Profile:
    """Raises YamlProblem at the first thing that is wrong."""
    data = doc.data
    for required in ("name", "name_en", "households", "floor_area", "accounts", "signers"):
        if required not in data:
            raise ys.YamlProblem(doc.first_line, f"'{required}' is missing")
    currency = ys.text(doc, data.get("currency", "CNY"), "currency")
    if not CURRENCY_PATTERN.match(currency):
        raise ys.YamlProblem(doc.line("currency"), f"'currency' must be a currency code like CNY, got {currency!r}")
    accounts = ys.mapping(doc, data["accounts"], "accounts")
    account_names = {}
    for role in ("fund", "trustee_fee"):
        if role not in accounts:
            raise ys.YamlProblem(doc.line("accounts"), f"'accounts.{role}' is missing")
        name = ys.text(doc, accounts[role], "accounts", role)
        if not bc_account.is_valid(name):
            raise ys.YamlProblem(doc.line("accounts", role),
                                 f"'accounts.{role}' is not a Beancount account name: {name!r}")
        account_names[role] = name
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
        signers.append(Signer(principal, role, key, doc.line("signers", index)))
    known = {"name", "name_en", "households", "floor_area", "currency", "evidence_threshold", "accounts", "signers"}
    return Profile(
        path=doc.path,
        name=ys.text(doc, data["name"], "name"),
        name_en=ys.text(doc, data["name_en"], "name_en"),
        households=ys.integer(doc, data["households"], "households", low=1),
        floor_area=ys.amount(doc, data["floor_area"], "floor_area"),
        currency=currency,
        evidence_threshold=ys.amount(doc, data.get("evidence_threshold", "500.00"), "evidence_threshold"),
        fund_account=account_names["fund"],
        trustee_fee_account=account_names["trustee_fee"],
        signers=signers,
        extra={key: value for key, value in data.items() if key not in known},
    )
