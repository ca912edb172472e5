"""``trustfund diff BASE [HEAD]``: what changed in the books, per compound, for a pull-request summary.

Both revisions are taken out of git into temporary folders and loaded like any
books; items are matched by voucher number. For every budget line whose use
changed it shows the share of the cap before and after, and the trustee
remuneration before and after. Text from the books is escaped so it cannot
become Markdown or HTML in the summary.
"""

from __future__ import annotations

import json
import re
import tempfile
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from generator.audit.git import Git
from generator.audit.signers import Signers, signers_at
from generator.books import compound_ids, load_books
from generator.money import format_money as money
from generator.money import format_share as percent
from generator.view import CompoundView, Item, build_view

BOOKS = ("ledgers", "budgets", "notices")
SPECIAL = re.compile(r"([\\`*_\[\]|~])")


def escape(text: str) -> str:
    """Plain text for a Markdown table cell: no markup, no HTML, no line breaks."""
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return SPECIAL.sub(r"\\\1", " ".join(text.split()))


@dataclass
class CompoundDiff:
    compound: str
    name: str
    added: list[dict[str, Any]] = field(default_factory=list)
    removed: list[dict[str, Any]] = field(default_factory=list)
    changed: list[dict[str, Any]] = field(default_factory=list)
    budget_lines: list[dict[str, Any]] = field(default_factory=list)
    trustee: list[dict[str, Any]] = field(default_factory=list)
    files: list[dict[str, str]] = field(default_factory=list)
    signers: list[str] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not (self.added or self.removed or self.changed or self.budget_lines or self.trustee or self.files
                    or self.signers)


def _views(root: Path) -> dict[str, CompoundView]:
    views = {}
    for compound_id in compound_ids(root):
        books = load_books(root, compound_id)
        if books.loaded:
            views[compound_id] = build_view(books)
    return views


def _item(view: CompoundView, item: Item) -> dict[str, Any]:
    return {"voucher": item.voucher, "date": item.date.isoformat(), "payee": item.payee,
            "narration": item.narration,
            "legs": [{"account": leg.account, "name": view.display_name(leg.account, "zh"),
                      "amount": f"{leg.amount:.2f}", "currency": leg.currency} for leg in item.legs]}


def diff(root: Path, base: str, head: str | None) -> list[CompoundDiff]:
    git = Git(root)
    base_sha = git.resolve(base)
    head_sha = git.resolve(head) if head else None
    with tempfile.TemporaryDirectory() as folder:
        before_root, after_root = Path(folder) / "before", Path(folder) / "after"
        before_root.mkdir()
        git.extract(base_sha, BOOKS, before_root)
        if head_sha:
            after_root.mkdir()
            git.extract(head_sha, BOOKS, after_root)
        else:
            after_root = root
        before, after = _views(before_root), _views(after_root)
        changed_files = _changed_files(git, base_sha, head_sha)
    signers_before = signers_at(git, base_sha)
    signers_after = signers_at(git, head_sha) if head_sha else None
    result = []
    for compound in sorted(set(before) | set(after)):
        old, new = before.get(compound), after.get(compound)
        view = new or old
        assert view is not None
        profile = view.compound.profile
        entry = CompoundDiff(compound, profile.name if profile else compound)
        old_items = {i.voucher: i for i in old.items} if old else {}
        new_items = {i.voucher: i for i in new.items} if new else {}
        for voucher in sorted(set(new_items) - set(old_items)):
            entry.added.append(_item(view, new_items[voucher]))
        for voucher in sorted(set(old_items) - set(new_items)):
            entry.removed.append(_item(view, old_items[voucher]))
        for voucher in sorted(set(old_items) & set(new_items)):
            a, b = _item(view, old_items[voucher]), _item(view, new_items[voucher])
            if a != b or old_items[voucher].evidence != new_items[voucher].evidence:
                entry.changed.append({"voucher": voucher, "before": a, "after": b})
        entry.budget_lines = _budget_lines(old, new)
        entry.trustee = _trustee(old, new)
        entry.files = [f for f in changed_files if f["path"].split("/")[:2] in (["budgets", compound],
                                                                               ["notices", compound])
                       or f["path"] == f"ledgers/{compound}/compound.yaml"]
        if signers_after is not None:
            entry.signers = _signer_changes(signers_before, signers_after, compound)
        result.append(entry)
    return result


def _changed_files(git: Git, base: str, head: str | None) -> list[dict[str, str]]:
    args = ["diff", "--name-status", "--no-renames", base] + ([head] if head else []) + ["--", *BOOKS]
    rows = []
    for line in git.run(*args).stdout.split("\n"):
        if line:
            status, path = line.split("\t", 1)
            rows.append({"status": {"A": "added", "D": "removed"}.get(status[0], "changed"), "path": path})
    return rows


def _budget_lines(old: CompoundView | None, new: CompoundView | None) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    view = new or old
    if view is None:
        return rows
    years = sorted(set(old.budgets if old else {}) | set(new.budgets if new else {}))
    for year in years:
        a = {line.account: line for line in (old.budgets[year].lines if old and year in old.budgets else [])}
        b = {line.account: line for line in (new.budgets[year].lines if new and year in new.budgets else [])}
        for account in sorted(set(a) | set(b)):
            x, y = a.get(account), b.get(account)
            if (x and y and (x.spent, x.cap) == (y.spent, y.cap)) or (x is None and y is None):
                continue
            rows.append({"year": year, "account": account,
                         "name": view.display_name(account, "zh"),
                         "before": {"spent": f"{x.spent:.2f}", "cap": f"{x.cap:.2f}", "share": _share(x.share)}
                         if x else None,
                         "after": {"spent": f"{y.spent:.2f}", "cap": f"{y.cap:.2f}", "share": _share(y.share)}
                         if y else None})
    return rows


def _share(share: Decimal | None) -> str | None:
    return percent(share) if share is not None else None


def _trustee(old: CompoundView | None, new: CompoundView | None) -> list[dict[str, Any]]:
    rows = []
    years = sorted(set(old.trustee_fee_by_year if old else {}) | set(new.trustee_fee_by_year if new else {}))
    for year in years:
        a = old.trustee_fee_by_year.get(year, Decimal(0)) if old else Decimal(0)
        b = new.trustee_fee_by_year.get(year, Decimal(0)) if new else Decimal(0)
        if a != b:
            rows.append({"year": year, "before": f"{a:.2f}", "after": f"{b:.2f}"})
    return rows


def _signer_changes(before: Signers, after: Signers, compound: str) -> list[str]:
    old, new = before.listed(compound), after.listed(compound)
    return [f"+ {s}" for s in sorted(new - old)] + [f"− {s}" for s in sorted(old - new)]


def _legs(item: dict[str, Any]) -> str:
    return "; ".join(f"{escape(leg['name'])} {money(Decimal(leg['amount']))}"
                     + (f" {leg['currency']}" if leg["currency"] != "CNY" else "") for leg in item["legs"])


def _row(item: dict[str, Any]) -> str:
    return (f"| {escape(item['voucher'])} | {item['date']} | {escape(item['payee'])} | "
            f"{escape(item['narration'])} | {_legs(item)} |")


def to_markdown(diffs: list[CompoundDiff], base: str, head: str | None) -> str:
    out = [f"# 账目变更 · Changes to the books ({escape(base)} → {escape(head or 'working tree')})", ""]
    if all(d.empty for d in diffs):
        out.append("账目没有变化。 No change to the books.")
    for d in diffs:
        if d.empty:
            continue
        out += [f"## {escape(d.name)} ({d.compound})", ""]
        for title, items in (("新增 Added", d.added), ("删除 Removed", d.removed)):
            if items:
                out += [f"### {title} ({len(items)})", "", "| 凭证号 | 日期 | 对方 | 摘要 | 科目与金额 |",
                        "| --- | --- | --- | --- | --- |", *(_row(i) for i in items), ""]
        if d.changed:
            out += [f"### 修改 Changed ({len(d.changed)})", "", "| 凭证号 | | 日期 | 对方 | 摘要 | 科目与金额 |",
                    "| --- | --- | --- | --- | --- | --- |"]
            for change in d.changed:
                for when, item in (("之前 before", change["before"]), ("之后 after", change["after"])):
                    out.append(f"| {escape(change['voucher'])} | {when} | {item['date']} | {escape(item['payee'])} | "
                               f"{escape(item['narration'])} | {_legs(item)} |")
            out.append("")
        if d.budget_lines:
            out += ["### 预算使用 Budget lines", "", "| 年度 | 预算科目 | 之前 before | 之后 after |",
                    "| --- | --- | --- | --- |"]
            for line in d.budget_lines:
                cells = [f"{money(Decimal(s['spent']))} / {money(Decimal(s['cap']))} ({s['share']})" if s else "—"
                         for s in (line["before"], line["after"])]
                out.append(f"| {line['year']} | {escape(line['name'])} | {cells[0]} | {cells[1]} |")
            out.append("")
        if d.trustee:
            out += ["### 受托人酬金 Trustee remuneration", "", "| 年度 | 之前 before | 之后 after |",
                    "| --- | --- | --- |",
                    *(f"| {t['year']} | {money(Decimal(t['before']))} | {money(Decimal(t['after']))} |"
                      for t in d.trustee), ""]
        if d.files:
            out += ["### 预算、公告与小区档案 Budgets, notices, profile", "",
                    *(f"- {f['status']}: `{f['path']}`" for f in d.files), ""]
        if d.signers:
            out += ["### 签名人 Signers", "", *(f"- {escape(s)}" for s in d.signers), ""]
    return "\n".join(out).rstrip() + "\n"


def to_json(diffs: list[CompoundDiff]) -> str:
    return json.dumps({"compounds": [d.__dict__ for d in diffs]}, ensure_ascii=False, indent=2)
