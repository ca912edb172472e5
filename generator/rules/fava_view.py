"""What Fava needs to show a compound's books as treasurers use them, added in memory.

Not a rule: it reports nothing. Under Fava (only: see ``under_fava``) it adds
to the loaded entries, never to any file, so ``main.beancount`` keeps options, the
plugin line and includes only::

    2025-01-01 custom "fava-option" "language" "zh"
    2025-01-01 custom "fava-option" "currency-column" "61"
    2025-01-01 query "本月各预算科目支出（2026年10月）" "SELECT … WHERE year = 2026 AND month = 10 …"
    2026-03-05 document Expenses:Cleaning "/…/vouchers/2026/03/2026-0031-invoice.pdf" #evidence ^2026-0031

- Fava options: the interface in Chinese, and amounts aligned at the column
  the books are laid out at (``bean-format -c 61``). They are dated on the
  books' first day, so an option a treasurer writes in a journal wins.
- Saved queries (Fava's 查询 page) for what treasurers are asked: the latest
  month's spending by budget line, what is left of each line this year, the
  trustee's remuneration against fund income by year, and spending without
  evidence. The latest month and year are the books' own (never the wall
  clock); the caps and lines are written into the query from the approved
  budget, since BQL cannot read YAML.
- Every ``evidence:`` file that exists becomes a ``document`` entry on the
  transaction's date and account (the expense it proves, else the income,
  else the liability), with the absolute path Fava serves it from, the tag
  ``#evidence`` and the voucher number as a link that the transaction carries
  too, so Fava's 文档 page lists the vouchers and the transaction leads to them.
- The compound's other files that the rules read (``compound.yaml``,
  ``units.csv``, the budgets and notices) are added to the loaded files
  (``options_map["include"]``), so Fava reloads when one of them is edited.
  A file created while Fava runs is read at the next reload (any edit to the
  books), or when Fava is restarted.

trustfund's own load (``check``, ``build``) adds nothing: the site never
shows these entries, and they cost time at a hundred thousand transactions.
"""

from __future__ import annotations

import datetime
import re
import sys
from decimal import Decimal
from pathlib import Path
from typing import Any

from beancount.core import data
from beancount.parser.grammar import ValueType

from generator import errors as err
from generator.books.budget import Budget
from generator.books.compound import Compound
from generator.books.profile import Profile
from generator.books.scaffold import CURRENCY_COLUMN
from generator.books.vouchers import EVIDENCE_SUFFIXES, evidence_of
from generator.rules.context import context_for

__plugins__ = ("rule",)

LANGUAGE = "zh"
EVIDENCE_TAG = "evidence"
# Beancount's grammar for a link; an account name that BQL's regular expressions can hold without escaping.
LINK = re.compile(r"[A-Za-z0-9\-_/.]+")
ACCOUNT = re.compile(r"[A-Za-z0-9:\-]+")


def rule(entries: list[data.Directive], options_map: dict[str, Any],
         config: object = None) -> tuple[list[data.Directive], list[err.RuleError]]:
    context = context_for(options_map, config)
    if context.linted or not entries or not under_fava():
        return entries, []
    compound = context.compound
    main = str(options_map["filename"])
    first = min(entry.date for entry in entries)
    added: list[data.Directive] = [_fava_option(main, first, "language", LANGUAGE),
                                   _fava_option(main, first, "currency-column", str(CURRENCY_COLUMN))]
    if compound.profile is not None:
        added.extend(_queries(entries, options_map, compound, compound.profile, main, first))
    entries, documents = _documents(entries, options_map, compound)
    _watch(options_map, compound)
    return entries + added + documents, []


def under_fava() -> bool:
    """Whether Fava is loading the books: its application imports ``fava.core`` before any ledger is read.
    ``bean-check``, ``bean-query`` and CI show none of these entries, so they pay nothing for them (about 2 s
    at 100,000 transactions: a document for every evidence file, each validated by Beancount)."""
    return "fava.core" in sys.modules


def _fava_option(main: str, date: datetime.date, key: str, value: str) -> data.Custom:
    return data.Custom(data.new_metadata(main, 0), date, "fava-option", [ValueType(key, str), ValueType(value, str)])


def _documents(entries: list[data.Directive], options_map: dict[str, Any],
               compound: Compound) -> tuple[list[data.Directive], list[data.Directive]]:
    """A ``document`` for each evidence file that exists; the transaction links to its documents by voucher."""
    documents: list[data.Directive] = []
    checked: dict[str, Path | str] = {}
    roots = (options_map["name_expenses"] + ":", options_map["name_income"] + ":",
             options_map["name_liabilities"] + ":")
    linked: list[data.Directive] = []
    for entry in entries:
        if isinstance(entry, data.Transaction) and entry.postings:
            files = [found for name in evidence_of(entry)[0]
                     if isinstance(found := compound.voucher_file(name, EVIDENCE_SUFFIXES, checked), Path)]
            if files:
                voucher = entry.meta.get("voucher")
                links = frozenset({voucher}) if isinstance(voucher, str) and LINK.fullmatch(voucher) else frozenset()
                account = _account_proved(entry, roots)
                meta = data.new_metadata(entry.meta.get("filename", options_map["filename"]),
                                         entry.meta.get("lineno", 0))
                documents.extend(data.Document(dict(meta), entry.date, account, str(path), frozenset({EVIDENCE_TAG}),
                                               links) for path in dict.fromkeys(files))
                if links - (entry.links or frozenset()):
                    entry = entry._replace(links=frozenset(entry.links or ()) | links)
        linked.append(entry)
    return linked, documents


def _account_proved(entry: data.Transaction, roots: tuple[str, ...]) -> str:
    for root in roots:
        for posting in entry.postings:
            if posting.account.startswith(root):
                return posting.account
    return entry.postings[0].account


def _watch(options_map: dict[str, Any], compound: Compound) -> None:
    """The rules read these too: Fava reloads when one of them changes, as for a ledger file."""
    files = [compound.folder / "compound.yaml", compound.folder / "units.csv"]
    for folder, suffix in ((compound.budget_folder, ".yaml"), (compound.notice_folder, ".md")):
        if folder.is_dir() and not folder.is_symlink():
            files += sorted(folder.glob(f"*{suffix}"))
    included = list(options_map.get("include") or [])
    for path in files:
        if path.is_file() and not path.is_symlink() and str(path) not in included:
            included.append(str(path))
    options_map["include"] = included


def _queries(entries: list[data.Directive], options_map: dict[str, Any], compound: Compound, profile: Profile,
             main: str, first: datetime.date) -> list[data.Query]:
    spent = [entry.date for entry in entries if isinstance(entry, data.Transaction)]
    if not spent:
        return []
    last = max(spent)
    currency = profile.currency
    expenses = options_map["name_expenses"]
    fee = profile.trustee_fee_account
    budget = compound.approved_budget(last.year)
    lines = [line for line in (budget.lines if budget else {}) if ACCOUNT.fullmatch(line)]
    queries = []
    grouped = _line_pattern([*lines, fee] if ACCOUNT.fullmatch(fee) else lines)
    line_of = f"grep('{grouped}', account)" if grouped else "account"
    queries.append((f"本月各预算科目支出（{last.year}年{last.month}月）",
                    f"SELECT {line_of} AS budget_line, sum(number) AS spent, currency "
                    f"WHERE account ~ '^{expenses}:' AND currency = '{currency}' "
                    f"AND year = {last.year} AND month = {last.month} "
                    "GROUP BY budget_line, currency ORDER BY budget_line"))
    if budget is not None and lines:
        queries.append((f"预算余额（{last.year}年）", _remaining(budget, lines, last, currency)))
    if ACCOUNT.fullmatch(fee):
        income = options_map["name_income"]
        queries.append(("受托人酬金与基金收入（逐年至今）",
                        f"SELECT year, sum(number * decimal(account ~ '^{fee}(:|$)')) AS remuneration, "
                        f"neg(sum(number * decimal(account ~ '^{income}:'))) AS fund_income, "
                        f"round(safediv(sum(number * decimal(account ~ '^{fee}(:|$)')), "
                        f"neg(sum(number * decimal(account ~ '^{income}:')))), 4) AS share "
                        f"WHERE account ~ '^({fee}(:|$)|{income}:)' AND currency = '{currency}' "
                        "GROUP BY year ORDER BY year"))
    queries.append(("无凭证的支出",
                    "SELECT date, entry_meta('voucher') AS voucher, payee, narration, account, number, currency "
                    f"WHERE account ~ '^{expenses}:' AND number > 0 "
                    "AND entry_meta('evidence') IS NULL AND meta('evidence') IS NULL ORDER BY date DESC"))
    return [data.Query(data.new_metadata(main, 0), first, name, text) for name, text in queries]


def _line_pattern(lines: list[str]) -> str:
    """A regular expression whose match in an account is the budget line covering it (the longest line first,
    so a sub-account's own line wins)."""
    if not lines:
        return ""
    return "^(" + "|".join(sorted(set(lines), key=lambda line: (-len(line), line))) + ")(?=:|$)"


def _remaining(budget: Budget, lines: list[str], on: datetime.date, currency: str) -> str:
    """Each line's cap as voted by ``on`` (amendments included), spent this year, and what is left."""
    pattern = _line_pattern(lines)
    cap = f"grep('{pattern}', account)"
    for line in lines:
        cap = f"subst('^{line}$', '{_cents(budget.cap(line, on))}', {cap})"
    cap = f"decimal({cap})"
    return (f"SELECT grep('{pattern}', account) AS budget_line, {cap} AS cap, sum(number) AS spent, "
            f"max({cap}) - sum(number) AS remaining "
            f"WHERE account ~ '{pattern}' AND currency = '{currency}' AND year = {on.year} "
            "GROUP BY budget_line, cap ORDER BY budget_line")


def _cents(amount: Decimal) -> str:
    return f"{amount.quantize(Decimal('0.01'))}"
