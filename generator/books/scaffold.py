"""``trustfund new ID``: a compound that passes ``check`` from its first minute.

It has a profile to fill in, the standard chart of accounts with Chinese and
English names, and this month's (empty) journal. It has no budget: until the
owners approve one, nothing may be spent, and ``check`` says so.
"""

from __future__ import annotations

import datetime
from pathlib import Path

ACCOUNTS = (
    ("Assets:Bank:Fund", "共有资金账户", "Common fund bank account", None),
    ("Liabilities:AdvanceFees", "预收物业费", "Fees received in advance", "liability"),  # beyond the dues, by unit
    ("Equity:Opening", "期初结余", "Opening balance", None),
    ("Income:PropertyFees", "物业费", "Property fees", "fees"),
    ("Income:Parking", "停车费", "Parking income", "itemised"),
    ("Income:Advertising", "广告费", "Advertising income", "itemised"),
    ("Income:Rental", "场地租金", "Rental income", "itemised"),
    ("Income:Interest", "利息收入", "Bank interest", "interest"),
    ("Expenses:Cleaning", "保洁费", "Cleaning", None),
    ("Expenses:Security", "秩序维护费", "Security", None),
    ("Expenses:Greening", "绿化养护费", "Greening", None),
    ("Expenses:Repairs", "维修费", "Repairs", None),
    ("Expenses:Utilities", "公共水电费", "Common utilities", None),
    ("Expenses:Staff", "管理处人员费用", "Management office staff", None),
    ("Expenses:Office", "办公费", "Office costs", None),
    ("Expenses:TrusteeFee", "受托人酬金", "Trustee remuneration", None),
)

PROFILE = """\
# The compound's profile. See README.md, "Writing the books".
name: {name}
name_en: {name_en}
households: 1                      # edit: the number of households (户数)
floor_area: 1.00                   # edit: the total floor area in m² (建筑面积)
currency: CNY
evidence_threshold: 500.00         # expenses from this amount on need a receipt under vouchers/
accounts: {{fund: Assets:Bank:Fund, trustee_fee: Expenses:TrusteeFee}}
signers: []                        # add {{principal: treasurer-x, role: treasurer, key: "ssh-ed25519 AAAA…"}}
"""

# The column at which amounts' currencies line up: Fava's default (``currency-column``), so ``bean-format -c 61``,
# Fava's editor and the files trustfund writes agree and formatting the books changes nothing.
CURRENCY_COLUMN = 61

MAIN = """\
option "title" "{name}共有资金"
option "operating_currency" "CNY"
option "tolerance_multiplier" "0"
plugin "generator.rules"
include "accounts.beancount"
include "20[0-9][0-9]/[01][0-9].beancount"
"""


class ScaffoldError(Exception):
    pass


def _kind(kind: str | None) -> str:
    """An income account's kind, or the mark of a liability the fund may settle."""
    if kind == "liability":
        return "  liability: TRUE\n"
    return f'  income: "{kind}"\n' if kind else ""


def scaffold(root: Path, compound_id: str, name: str | None = None, name_en: str | None = None,
             today: datetime.date | None = None) -> list[Path]:
    today = today or datetime.date.today()
    folder = root / "ledgers" / compound_id
    if folder.exists():
        raise ScaffoldError(f"ledgers/{compound_id} already exists; nothing was changed")
    opened = today.replace(day=1).isoformat()
    chart = "".join(
        f'{opened} open {account} CNY\n  name: "{zh}"\n  name_en: "{en}"\n' + _kind(kind)
        + "\n" for account, zh, en, kind in ACCOUNTS)
    files = {
        folder / "compound.yaml": PROFILE.format(name=_yaml_text(name or compound_id),
                                                 name_en=_yaml_text(name_en or compound_id)),
        folder / "main.beancount": MAIN.format(name=(name or compound_id).replace('"', "")),
        folder / "accounts.beancount": "; The chart of accounts: every open has name (zh) and name_en.\n\n" + chart,
        folder / f"{today.year:04d}" / f"{today.month:02d}.beancount":
            f"; {today.year}年{today.month}月 journal. Every transaction carries voucher: \"{today.year}-NNNN\".\n",
    }
    for path, content in files.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(content, encoding="utf-8")
    return list(files)


def _yaml_text(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
