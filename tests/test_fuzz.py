"""No input crashes anything: ``trustfund check`` over thousands of hostile versions of the example books.

A seeded mutator links one example compound (its ledger, budgets and notices) into a fresh folder per case
and applies one to four mutations of the kinds a treasurer's pull request could carry: flipped bytes,
truncation, duplicated, deleted and swapped lines, directives Beancount reads but a regex would not
(``option"x""y"``, ``plugin``, ``include``, ``pad``, ``custom``, ``document``, ``balance`` with ``~``), odd
dates, numbers of 5,000 digits, in exponent, as a division or in Unicode digits, zero-width and
carriage-return characters, text that is not UTF-8, metadata of every type (``lineno:``, ``filename:``,
``pushmeta``), YAML with anchors, aliases, tags, deep nesting and values of every type in profiles, budgets
and notices, CSV detail sheets with broken quotes, CR, NUL and formulas, voucher files deleted, renamed,
replaced by other kinds or by malformed images and PDFs, file names that are not UTF-8, symbolic links, and
files swapped for folders. Some cases are in a git repository whose books a supervisor closed through
2025-12 (signed tags made with the fictitious keys in ``examples/keys/``), so the closed-month check reads
the mutated books against git too.

Each case then runs the command line's core in-process, ``generator.cli.main(["--root", ROOT, "check"])``
(output captured as a strict UTF-8 terminal would take it), and must return 0, 1 or 2 with no exception
escaping and no traceback printed; a plugin that crashed inside Beancount's loader (reported as "an
internal error") counts as a crash too. Every third case asks for ``--format json`` and parses it; every
tenth also calls ``generator.audit.check.check`` and each finding must carry a path, an int line and a rule
id; some cases whose books pass are built into a site too, since what passes check must not crash the build.

The cases run in worker processes forked from the test's warm interpreter (nothing is imported again; two
workers on two cores), so that a crash of the interpreter itself (a segmentation fault in Beancount's C
parser) is reported as one failed case, with its C-level stack, instead of ending the test run.

Environment: ``TRUSTFUND_FUZZ_CASES`` (default 300; ``make fuzz`` runs 2,000), ``TRUSTFUND_FUZZ_SEED``
(default fixed, so a run is reproducible), ``TRUSTFUND_FUZZ_ONLY`` (comma-separated case numbers: replay
just those), ``TRUSTFUND_FUZZ_WORKERS`` (default: up to 2; 0 runs the cases in the test process itself),
``TRUSTFUND_FUZZ_GIT`` (share of cases in a git repository, default 0.15), ``TRUSTFUND_FUZZ_BUILD`` (share of
clean cases also built, default 0.15), ``TRUSTFUND_FUZZ_CASE_SECONDS`` (a case taking longer fails, default
30), ``TRUSTFUND_FUZZ_VERBOSE=1`` (print each case's mutations before it runs; use with ``-s``). A failure
names the seed, the case number and its mutations, and keeps a copy of the mutated books under the test's
``tmp_path``.
"""

from __future__ import annotations

import contextlib
import datetime
import faulthandler
import io
import json
import os
import random
import re
import selectors
import shutil
import signal
import struct
import subprocess
import sys
import time
import traceback
import unicodedata
import zlib
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import yaml

from generator import cli
from generator.audit.check import check
from generator.books import load_books

REPO = Path(__file__).resolve().parent.parent
COMPOUNDS = ("qingshui-garden", "hetang-court")
CASES = int(os.environ.get("TRUSTFUND_FUZZ_CASES", "300"))
SEED = os.environ.get("TRUSTFUND_FUZZ_SEED", "trustfund-fuzz-1")
ONLY = [int(part) for part in os.environ.get("TRUSTFUND_FUZZ_ONLY", "").split(",") if part.strip()]
BUILD_SHARE = float(os.environ.get("TRUSTFUND_FUZZ_BUILD", "0.15"))
CASE_SECONDS = float(os.environ.get("TRUSTFUND_FUZZ_CASE_SECONDS", "30"))
WORKERS = int(os.environ.get("TRUSTFUND_FUZZ_WORKERS", str(min(2, os.cpu_count() or 1))))
GIT_SHARE = float(os.environ.get("TRUSTFUND_FUZZ_GIT", "0.15"))
CLOSED_MONTH = "2025-12"
SUPERVISOR_SUFFIX = {"qingshui-garden": "qs", "hetang-court": "ht"}
VERBOSE = os.environ.get("TRUSTFUND_FUZZ_VERBOSE", "") not in ("", "0")
CHECK_EVERY = 10  # every 10th case also calls check() directly and inspects each Finding
JSON_EVERY = 3  # every 3rd case asks for --format json and parses it
MAX_REPORTED = 25  # failures listed in the assertion message (all are counted)
RULE_ID = re.compile(r"[a-z][a-z0-9-]*")


# ---------------------------------------------------------------------------------------------------------
# Pools of hostile material

DATES = ["2026-03-15", "2026/3/2", "2026-1-28", "2026/03/15", "2026-13-01", "2026-02-30", "2026-00-10",
         "2026-03-00", "0001-01-01", "9999-12-31", "1969-12-31", "2025-12-31", "2027-01-01", "2024-02-29",
         "2025-02-29", "20260315", "2026-03-15T10:00", "99999-01-01", "2026-3-2", "2026\u201003\u201015",
         "２０２６-０３-１５", "2025-01-28", "2025/01/28"]

AMOUNTS = ["1" + "0" * 5000 + ".00", "9" * 5000, "1e30", "1E+30", "10000000000000.00", "999999999999.99",
           "1000000000000.00", "0.001", "0.005", "-0.00", "0", "0.00", "(1/3)", "1/0", "(10/0)",
           "(10000000000 * 10000000000 * 10000000000)", "10.00 * 3", "-(-5)", "１０.００", "1\u200b0.00",
           "10.00.00", "+10.00", "\u221210.00", "0x10", "1_000.00", "1,000.00", "NaN", "Infinity", "12.345",
           ".5", "5.", "10.00\u00a0", "٣٠٠.٠٠", "𝟏𝟎.𝟎𝟎", "-99999999999.99", "0.0000000000000000001", "1/(1-1)",
           "1 / 0.00", "(2)/(0)"]

CURRENCIES = ["CNY", "CNY", "XCNY", "USD", "cny", "C", "CNY.", "人民币", "CNY @ 1.00 XCNY", "XCNY @ 1.00 CNY",
              "XCNY @@ 1e30 CNY", "CNY {1.00 USD}", "XCNY {}", "CNY {0 CNY}", "", "CNY @ 0 CNY",
              "XCNY @ (1/3) CNY", "A" * 30, "CNY {1.00 CNY, 2026-01-01, \"lot\"}", "CNY @@ -5 CNY",
              "XCNY {{20.00 CNY}}", "XCNY {0 # 20.00 CNY}", "CNY @@ 20.00 CNY", "XCNY {1/0 CNY}", "XCNY @ 1/(2-2) CNY"]

ACCOUNTS = ["Expenses:Cleaning", "Expenses:Unbudgeted", "Expenses:Cleaning:Secret", "Expenses:TrusteeFee",
            "Assets:Bank:Fund", "Assets:Prepaid", "Assets:Bank:Other", "Equity:Opening", "Equity:Conversions",
            "Liabilities:Advance", "Income:Parking", "Income:PropertyFees", "Income:New", "Expenses",
            "Expenses:清洁", "Expenses:Clean ing", "Expenses:cleaning", "Assets:Bank:Fund:", "Expenses:" + "A" * 2000,
            "Expenses:Repairs", "Income:Interest", "Liabilities:Payable:Vendor"]

STRINGS = ["", "x", "=HYPERLINK(\"http://evil.example\",\"查看\")", "+1", "-1+2", "@SUM(A1:A9)", "\t=1", "\r=1",
           "13812345678", "138\u200b1234\u200b5678", "１３８１２３４５６７８", "138.1234.5678", "138-1234-5678",
           "110101199003071234", "11010119900307123X", "6222 0212 3456 7890 123", "<script>alert(1)</script>",
           "{{ config }}", "{% include 'x' %}", "\u202eevil", "x" * 10000, "姓名：张三", "张三 13800138000",
           "\\", "\\\"", "a\\nb", "\u0000", "😀", "e\u0301", "ﬁ", "\u3000", "[x](javascript:alert(1))",
           "<img src=x onerror=alert(1)>", "\u2028", "&lt;b&gt;", "%s%n", "2026-0038"]

VOUCHERS = ["2026-0999", "2026-0038", "2026-0056", "２０２６-０９９９", "𝟐𝟎𝟐𝟔-0999", "٢٠٢٦-0999", "2026-0\u200b999",
            "2026-999", "2026-" + "9" * 5000, "", "9999-0001", "2026-00000000001", "2026-0999 ", " 2026-0999",
            "2026–0999", "2026-0999\n", "2025-0001", "0000-0000", "2026-٠٩٩٩", "2026-0⁹⁹⁹"]

META_KEYS = ["voucher", "evidence", "detail", "reverses", "liability", "period", "name", "name_en", "income",
             "unit", "filename", "lineno", "__tolerances__", "__automatic__", "__residual__", "payee", "evidenc",
             "Evidence", "x-y", "a" * 300]

META_VALUES = ['"2026-0999"', '""', '"x"', '"/etc/passwd"', '"../../../etc/passwd"', '"2026/03/2026-0038-invoice.pdf"',
               '"2026/03"', '"2026/03/2026-0040-parking.csv"', '"vouchers/2026/03/2026-0040-parking.csv"',
               '"2026/03/2026-0040-parking.csv 2026/03/2026-0038-invoice.pdf"',
               '"2026/03/2026-0038-invoice.pdf,2026/03/2026-0038-invoice.pdf"', '"2026/03/*.csv"',
               '"' + "a/" * 3000 + 'x.pdf"', '"２０２６"', '"²⁰²⁶"', '"2026"', '"9999"', '"0"', '"-1"', '"13812345678"',
               '"138\u200b1234\u200b5678"', "2026", "0", "-1", "1" + "0" * 5000, "TRUE", "FALSE", "NULL",
               "2026-01-01", "2026-13-01", "Assets:Bank:Fund", "Expenses:Cleaning", "CNY", "XCNY", "10.00 CNY",
               "-5.00 USD", "#tag", "^link", '"fees"', '"itemised"', '"other"', '"interest"', '"bogus"',
               '"2026-0038"', '"2026-0056"', '"<x>"', '"~/x.pdf"', '"C:\\\\x.pdf"', '"%2e%2e/x.pdf"',
               '"2026/03/2026-0038-invoice.pdf\u200b"', '"2026/03/2026-0038-INVOICE.PDF"', '"." ', '"/"',
               '"2026/03/../../../compound.yaml"', '"2026/03/2026-0040-parking.csv/"', "1e30", '"1e30"']

DIRECTIVES = [
    'option"insert_pythonpath""TRUE"', 'option "insert_pythonpath" "TRUE"', 'plugin"evil"',
    'plugin "beancount.plugins.auto_accounts"', 'plugin "generator.rules" "config"', 'plugin"generator.rules"',
    'plugin "generator.rules.safety"', 'plugin "os"',
    'include"../../../etc/passwd"', 'include "/etc/hostname"', 'include "../hetang-court/main.beancount"',
    'include "../qingshui-garden/accounts.beancount"', 'include"*"', 'include "**/*.beancount"',
    'include "vouchers/2026/03/x.beancount"', 'include "main.beancount"', 'include ""', 'include "."',
    'include "accounts.beancount"', 'include "2026/03.beancount"', 'include "compound.yaml"',
    'option"inferred_tolerance_default""CNY:1000"', 'option "inferred_tolerance_default" "*:0.5"',
    'option "tolerance_multiplier" "1000"', 'option "tolerance_multiplier" "NaN"', 'option "operating_currency" "XCNY"',
    'option "booking_method" "NONE"', 'option "plugin_processing_mode" "raw"', 'option "title" "\u202e"',
    'option "name_assets" "Cash"', 'option "account_rounding" "Equity:Rounding"', 'option "render_commas" "maybe"',
    'option"documents""/"', 'option "documents" "../../.."', 'option "infer_tolerance_from_cost" "TRUE"',
    'option "long_string_maxlines" "0"', 'option "bogus" "x"', 'option "title"', 'option',
    '{d} pad Assets:Bank:Fund Equity:Opening', '{d}  pad  Assets:Bank:Fund  Income:Parking',
    '{d} custom "fava-option" "import-config" "vouchers/x.py"', '{d} custom"fava-extension""vouchers.x"',
    '{d} custom "fava-option" "language" "zh"', '{d} custom "fava-option" "invert-income-liabilities-equity" "true"',
    '{d} custom "budget" Expenses:Cleaning "monthly" 10.00 CNY', '{d} custom "budget" "x" TRUE {d} Assets:Bank:Fund',
    '{d} custom', '{d} custom "x" ' + "1 " * 500,
    '{d} document Assets:Bank:Fund "/etc/passwd"', '{d} document Assets:Bank:Fund "../../../etc/passwd"',
    '{d} document Assets:Bank:Fund "vouchers/2026/03/none.pdf"', '{d}document Assets:Bank:Fund"x.pdf"',
    '{d} balance Assets:Bank:Fund 100.00 ~ 1000000.00 CNY', '{d} balance Assets:Bank:Fund 0 CNY',
    '{d} balance Assets:Bank:Fund 1e30 CNY', '{d} balance Assets:Bank:Fund (1/3) CNY',
    '{d} balance Assets:Bank:Fund 100.00 ~ -1 CNY', '{d} balance Assets:Bank:Fund 100.00 ~ 1000000.00 XCNY',
    '{d} note Assets:Bank:Fund "13812345678"', '{d} event "location" "13812345678"', '{d} query "q" "SELECT *"',
    '{d} price CNY 1.00 USD', '{d} price XCNY 1e30 CNY', '{d} commodity XCNY', '{d} commodity CNY\n  name: "x"',
    '{d} close Assets:Bank:Fund', '{d} close Expenses:Cleaning', '{d} open Expenses:Bribes CNY',
    '{d} open Income:Side CNY\n  name: "x"\n  name_en: "x"\n  income: "bogus"',
    '{d} open Income:Side2 CNY\n  name: "x"\n  name_en: "x"', '{d} open Assets:Bank:Fund CNY',
    '{d} open Expenses:Repairs:Lift CNY,XCNY "FIFO"', '{d} open Liabilities:Loan CNY\n  liability: TRUE',
    '{d} open Assets:Prepaid', '{d} open Expenses:Zero CNY "NONE"\n  name: 12\n  name_en: TRUE',
    'pushtag #x', 'poptag #never', 'pushmeta filename: "<x>"', 'pushmeta lineno: 0', 'popmeta nothing:',
    '{d} * "x" "y" #tag ^link', '{d} txn', '{d} ! "x"', '{d} P "x"', '{d} S', '2026-03-15',
    "* Org-mode heading", "; comment 13812345678", "#comment", "%comment", "\t  Assets:Bank:Fund  1 CNY",
]

INSERT_CHARS = ["\r", "\r\n", "\x00", "\u200b", "\ufeff", "\u202e", "\u2028", "\u2029", "\u0085", "\x0c", "\x0b",
                "\t", "\\", '"', ";", "\x1b[31m", "𝟘", "²", "\u3000", "😀", "\u0301", "ﬁ", "Ⅻ", "\U000e0001",
                "\x7f", "\u00a0", "{", "}", "*", "&", "!", "#", "|", ">", ":", "-", "---\n", "\n"]

BAD_UTF8 = [b"\xff", b"\xfe", b"\xc3\x28", b"\xed\xa0\x80", b"\xf4\x90\x80\x80", b"\xc0\xaf", b"\xe2\x82", b"\x80",
            b"\xef\xbb\xbf", b"\xff\xfe", b"\xe6\x9c"]

YAML_VALUES = ["1e30", "1.0e+30", ".inf", "-.inf", ".nan", "0x10", "0o17", "1_000.00", "１２３.００", "12\u200b3",
               "9" * 5000, "-1", "0", "-0.00", "0.001", "1000000000000.00", "123456789012.99", "true", "false", "yes",
               "no", "on", "~", "null", "''", '""', "2026-01-01", "2026-13-01", "2026-01-01T00:00:00Z", "2026/3/2",
               "[]", "{}", "[1, [2, [3]]]", "{a: 1}", "{a: {b: {c: {d: 1}}}}", '"quoted"', "'single'", "|\n  block",
               ">-\n  folded", "!!binary aGVsbG8=", "!!python/object/apply:os.system ['true']", "!!float 1",
               '!!int "x"', "!!timestamp 2026-01-01", "!!set {a, b}", "!!omap [a: 1]", "!custom x", "!!str 1e30",
               "&a x", "*a", "*undefined", '"\\ud800"', '"\\udcff"', '"\\x00"', '"\\x85\\u2028\\u2029"', "=1+1",
               '"=HYPERLINK(""x"")"', "13812345678", "138 1234 5678", "110101199003071234", "x" * 100000, "²⁰²⁶",
               "0.15", "0.5", "1.5", "15%", "0.1234567", "1", "100", "101", "3.5", "1e2", "00090", "+90",
               "Expenses:Cleaning", "Assets:Bank:Fund", "Income:Parking", "../../../etc/passwd", "ssh-rsa AAAA",
               "\t", "'\\t'", "[a, b", "{a: 1", '"unterminated', "? x", "- x", ": x", "- - - x", "@x", "`x`", "%x"]

YAML_KEY_VALUES = {
    "approved_by": ["2024-12-14-budget-vote", "2024-12-21-budget-vote", "2025-12-20-budget-vote",
                    "2025-12-13-budget-vote", "2026-01-18-assessment-2025", "2026-01-20-assessment-2025",
                    "2025-09-13-committee-meeting-minutes", "../../../etc/passwd", "2025-12-20-budget-vote.md", "",
                    "x" * 300, "2026-06-28-repair-amendment-vote", "2099-01-01-budget-vote"],
    "kind": ["vote", "assessment", "minutes", "report", "announcement", "bogus", "", "Vote", "[vote]"],
    "result": ["passed", "rejected", "PASSED", "yes", "true", "failed", ""],
    "matter": ["budget", "fee", "repair", "trustee", "signers", "", "bogus"],
    "year": ["0", "-2026", "2026.0", "99999", "2025", "2027", "１２", "2026", "2024", "1e3"],
    "score": ["0", "-1", "100", "101", "88.5", "1e2", "90", "89"],
    "role": ["treasurer", "committee", "supervisor", "owner", "", "root", "Supervisor"],
    "currency": ["CNY", "XCNY", "USD", "", "cny", "人民币", "[CNY, USD]"],
    "date": ["2026-01-18", "2025-12-20", "2026-13-01", "2026/1/18", "1900-01-01", "9999-12-31", "20260118"],
    "key": ['"ssh-ed25519 AAAA"', '"ssh-rsa AAAAB3NzaC1yc2E"', '""', '"x"', '"ssh-ed25519 ' + "A" * 5000 + '"',
            '"ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAI!!!!"'],
    "households": ["0", "1", "-1", "439", "99999999999999", "{total: 0, voted: 5, for: 10}",
                   "{total: 10, voted: 20, for: 30}", "{total: 439}"],
    "area": ["{total: 0.00, voted: 5.00, for: 10.00}", "{total: 1e30, voted: 1, for: 1}", "{}"],
}

YAML_INSERTS = [
    "x: &a [*a]", "x: &a {b: *a}", "<<: *undefined", "<<: {name: x}", "<<: [{a: 1}, {b: 2}]", "x: *undefined",
    "? [a, b]\n: c", "[1, 2]: x", "{a: 1}: x", "---\nname: second document", "...", "%YAML 1.1\n---",
    "%TAG !x! tag:example.com,2000:", "x: !!python/object/apply:os.system ['true']", "x: !!binary aGVsbG8=",
    "x: !!set {a, b}", "x: !!omap [a: 1]", "x: !custom thing", "x: !!int 12.5", "x: !!float abc",
    "x: !!timestamp 2026-13-01", 'x: "\\ud800"', 'x: "\\x00\\x85\\u2028"', "\tname: tab", 'x: "unterminated',
    "x: {", "x: [", "x: |\n  block\n   more", "- list item at top", "x: " + "y" * 100000, "name: dup",
    "households: dup", "year: 2030", "lines: {Expenses:Cleaning: 1e30}", "lines: {Expenses:Cleaning: 5000}",
    "lines:\n  Expenses:Cleaning: " + "9" * 5000, "lines: [Expenses:Cleaning, 100]", "trustee: {base_rate: 1e30}",
    "trustee: {base_rate: 0.99, bonus_rate: 0.99}", "trustee: []", "income: {Income:Parking: -5}",
    "amendments: [{approved_by: 2025-12-20-budget-vote, lines: {Expenses:Cleaning: 1e30}}]",
    "amendments: {x: y}", "amendments: [x, [y]]", "accounts: {fund: Income:Parking, trustee_fee: Assets:Bank:Fund}",
    "accounts: {fund: 'Assets:Bank:Fund\u200b'}", "signers: []", "signers: [x, 1, [2]]",
    "signers:\n  - {principal: x, role: supervisor, key: 'ssh-ed25519 AAAA', github: '<script>'}",
    "contact: {phone: 13812345678, hours: 24/7}", "contact: {phone: '400-800-8888'}", "fees: {unit_pages: maybe}",
    "fees: {rate: 1e30, buildings: {'3号楼': -1}}", "fees: {rate: 1.65, buildings: [1, 2]}", "response_days: -1",
    "response_days: 99999999999999999999", "evidence_threshold: -1", "evidence_threshold: 1e30",
    "floor_area: 0", "currencies: [XCNY, USD]", "items: [{name: x, weight: 50, score: 60}]",
    "items: [{name: x, weight: 1e30, score: .nan}]", "items: x", "score: 1e30", "year: ²⁰²⁶", "date: 2026-02-30",
]

NOTICE_BODIES = [
    "<script>alert(1)</script>\n<img src=x onerror=alert(1)>\n[x](javascript:alert(1))\n![](http://evil/x.png)\n"
    "<iframe src=//evil></iframe>\n<style>body{display:none}</style>\n",
    "{{ page }} {% include 'x' %} {{ config.extra }}", "| a |\n| --- |\n" + "| x " * 2000 + "|\n",
    "---\ntitle: again\n---\n", "联系人：张三 13812345678，身份证110101199003071234", "x" * 300000,
    "\u202e\u200b\ufeff", "[a]: javascript:alert(1)\n[click][a]\n", "<!-- comment --><!--", "````\n" * 50,
    "> " * 2000 + "deep quote", "- " * 2000 + "deep list", "*" * 5000, "&#0; &#x110000; &#99999999999;",
]

ODD_NAMES = ["x.py", "x.html", "x.svg", "x.md", ".hidden", "x.PDF", "x.pdf.exe", "noext", "x.beancount",
             "main.beancount.picklecache", "x.picklecache", "x y.pdf", "x\ny.pdf", "x\ty.csv", "-rf.pdf",
             "a" * 250 + ".pdf", "发票.pdf", "x.CSV", "x.Beancount", "x.yaml", "x.js", ".beancount",
             "x.csv.py", "\u202efdp.exe", "x\udcff.pdf", "x\udce6\udc9c.csv", "x:y.pdf", "CON.pdf"]

VOUCHER_BYTES = [
    b"<html><body><script>alert(1)</script></body></html>", b'<svg xmlns="http://www.w3.org/2000/svg" onload="x"/>',
    b"import os\nos.system('true')\n", b"", b"\x00" * 1000, b"%PDF-", b"%PDF-1.7\n", b"\x89PNG\r\n\x1a\n",
    b"\xff\xd8\xff", b"\xff\xd8", b"PK\x03\x04" + b"\x00" * 30, b"GIF89a\x01\x00\x01\x00", b"\x7fELF\x02\x01\x01",
    b"RIFF\x00\x00\x00\x00WEBPVP8 ", b"\xef\xbb\xbfunit,item,amount\nP-1,x,1.00\n",
    b"%PDF-1.4\n1 0 obj << /Author (Zhang San) /Producer (x) >> endobj\ntrailer << /Info 1 0 R >>\n%%EOF\n",
    b"%PDF-1.4\n1 0 obj << /Type /Catalog /Metadata 2 0 R >> endobj\n2 0 obj << /Length 99999999 >> stream\n"
    b"<x:xmpmeta><dc:creator>Z</dc:creator>\nendstream endobj\nxref\n0 1\n0000000000 65535 f \ntrailer\n"
    b"<< /Root 1 0 R /Prev 0 /Size 3 >>\nstartxref\n9\n%%EOF\n",
    b"%PDF-1.5\n1 0 obj << /Type /ObjStm /N 99999999 /First 99999999 /Length 4 >> stream\nxxxx\nendstream\n"
    b"endobj\ntrailer << /Root 1 0 R /Info 1 0 R >>\n%%EOF\n",
    b"%PDF-1.4\n1 0 obj << /A 1 0 R /Metadata 1 0 R /Author 1 0 R >> endobj\ntrailer << /Root 1 0 R /Info 1 0 R "
    b"/Prev 5 >>\nstartxref\n5\n%%EOF\n",
    b"%PDF-1.4\n" + b"[" * 100000 + b"\n%%EOF\n/Metadata",
    b"%PDF-1.4\n1 0 obj " + b"<<" * 5000 + b"/Metadata" + b">>" * 5000 + b" endobj\ntrailer << /Root 1 0 R >>\n%%EOF",
]


def _tiff(order: str, entries: list[tuple[int, int, int, int]], first: int = 8, tail: bytes = b"") -> bytes:
    head = (b"II" if order == "<" else b"MM") + struct.pack(order + "HI", 42, first)
    body = struct.pack(order + "H", len(entries) if len(entries) < 65536 else 65535)
    for tag, kind, count, value in entries:
        body += struct.pack(order + "HHII", tag, kind, count, value)
    return head + body + struct.pack(order + "I", first) + tail


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)


TIFFS = [
    _tiff("<", [(0x8825, 4, 1, 8)]),  # the GPS IFD is the IFD itself
    _tiff(">", [(0x8825, 4, 1, 0xFFFFFFF0)]),  # far outside
    _tiff("<", [(0x8825, 4, 1, 26)], tail=b"\xff\xff"),  # a GPS IFD claiming 65,535 entries
    _tiff("<", [], first=0xFFFFFFFF), _tiff(">", [(0x0100, 3, 0xFFFFFFFF, 0)] * 3),
    b"II*\x00", b"MM\x00*\x00\x00\x00\x08\xff\xff", b"II*\x00\x08\x00\x00\x00\x01\x00\x25\x88",
]
IMAGES = (
    [b"\xff\xd8\xff\xe1" + struct.pack(">H", len(t) + 8) + b"Exif\x00\x00" + t + b"\xff\xd9" for t in TIFFS]
    + [b"\xff\xd8\xff\xe1" + struct.pack(">H", 0xFFFF) + b"Exif\x00\x00" + t for t in TIFFS]
    + [b"\x89PNG\r\n\x1a\n" + _png_chunk(b"eXIf", t) + _png_chunk(b"IEND", b"") for t in TIFFS]
    + [b"\xff\xd8\xff\xe0\x00\x00", b"\xff\xd8\xff\xe0\x00\x01", b"\xff\xd8" + b"\xff" * 5000,
       b"\xff\xd8\xff\xe1\x00\x10GPSLatitude\x00", b"\xff\xd8\xff\xda\x00\x02", b"\xff\xd8\xff\x01\xff\xd0" * 1000,
       b"\x89PNG\r\n\x1a\n\xff\xff\xff\xffIHDR" + b"\x00" * 20, b"\x89PNG\r\n\x1a\n\x00\x00\x00\x00IEND",
       b"\x89PNG\r\n\x1a\n" + _png_chunk(b"tEXt", b"GPSLatitude\x0031.2"),
       b"\x89PNG\r\n\x1a\n" + _png_chunk(b"zTXt", b"x\x00\x00" + zlib.compress(b"GPSLongitude" * 100)),
       b"\x89PNG\r\n\x1a\n" + _png_chunk(b"IHDR", b"\x00" * 13) * 3000]
)

PERIODS = ["2026-03", "2026-01..2026-12", "²⁰²⁶", "2026-13", "2026-03..2026-01", "2026-01..9999-12", "0001-01..9999-12",
           "2026-03..", "..2026-03", "2026-03..2026-03..2026-04", "²⁰²⁶-03", "２０２６-０３", " 2026-03 ", "2026-3",
           "2024-01", "2026-00"]

CSV_CELLS = [*PERIODS, "=1+1", "=HYPERLINK(\"http://evil.example\",\"x\")", "+1", "-1", "@SUM(A1)", "\t=1", "\r=1",
             "=cmd|' /C calc'!A0", "1e30", "9" * 5000, "１２.００", "12\u200b.00", "", "-0.00", "0.001", "NaN",
             "12,00", '"12.00"', '"unterminated', 'a"b', '"multi\nline"', "\x00", "\r", "13812345678", "200.00",
             "-200.00", "-", "+", "1/3", "(1)", "¥200.00", "200.00 CNY", "99999999999999.99", "0x1F", "Infinity",
             "-Infinity", "4.5E+2", "\ufeff200.00"]

CSV_HEADERS = ["unit,item,amount", "unit,period,amount", "unit,building,area,since", "amount", "amount,amount",
               "unit,item", "", "\ufeffunit,item,amount", "unit,item,amount,", ",,,", "unit;item;amount",
               "unit\titem\tamount", '"amount', "AMOUNT", " amount ", "amount\x00", "unit,item,amount\r",
               ",".join(["c"] * 5000) + ",amount"]


# ---------------------------------------------------------------------------------------------------------
# One case: a compound's books in a fresh folder, mutated

def _link(source: str, target: str) -> None:
    try:
        os.link(source, target)
    except OSError:
        shutil.copy2(source, target)


def _text(raw: bytes) -> str:
    return raw.decode("utf-8", "surrogateescape")


def _bytes(text: str) -> bytes:
    return text.encode("utf-8", "surrogateescape")


class Case:
    """The mutated copy. Files are hard links into the pristine copy, so every write replaces the file first."""

    def __init__(self, root: Path, compound: str, pristine: Path, rng: random.Random) -> None:
        self.root, self.compound, self.pristine, self.rng = root, compound, pristine, rng
        self.log: list[str] = []

    @property
    def ledger(self) -> Path:
        return self.root / "ledgers" / self.compound

    @property
    def budgets(self) -> Path:
        return self.root / "budgets" / self.compound

    @property
    def notices(self) -> Path:
        return self.root / "notices" / self.compound

    def rel(self, path: Path) -> str:
        try:
            return str(path.relative_to(self.root))
        except ValueError:
            return str(path)

    def note(self, what: str) -> None:
        self.log.append(what if len(what) <= 300 else what[:297] + "...")

    def all_files(self) -> list[Path]:
        """Every regular file of the case's compound (not following links), in a stable order."""
        found = []
        folders = [top for top in (self.ledger, self.budgets, self.notices) if top.is_dir() and not top.is_symlink()]
        while folders:
            with contextlib.suppress(OSError), os.scandir(folders.pop()) as entries:
                for entry in entries:
                    if entry.is_dir(follow_symlinks=False):
                        folders.append(Path(entry.path))
                    elif entry.is_file(follow_symlinks=False):
                        found.append(Path(entry.path))
        return sorted(found)

    def files(self, kind: str) -> list[Path]:
        every = self.all_files()
        if kind == "any":
            return every
        if kind in ("text", "yaml"):
            kinds = ("ledger", "profile", "budget", "notice", "csv") if kind == "text" else ("profile", "budget")
            return [path for part in kinds for path in self.files(part)]
        ledger, budgets, notices = (f"{folder}{os.sep}" for folder in (self.ledger, self.budgets, self.notices))
        vouchers = f"{self.ledger / 'vouchers'}{os.sep}"
        tests: dict[str, Callable[[Path, str], bool]] = {
            "ledger": lambda p, s: p.suffix == ".beancount" and s.startswith(ledger),
            "journal": lambda p, s: s.startswith(ledger) and re.fullmatch(r"[0-9]{2}\.beancount", p.name) is not None,
            "profile": lambda p, s: s == f"{ledger}compound.yaml",
            "budget": lambda p, s: s.startswith(budgets),
            "notice": lambda p, s: s.startswith(notices),
            "csv": lambda p, s: p.suffix.lower() == ".csv",
            "voucher": lambda p, s: s.startswith(vouchers),
            "binary": lambda p, s: p.suffix.lower() in (".pdf", ".png", ".jpg", ".jpeg"),
        }
        test = tests[kind]
        return [path for path in every if test(path, str(path))]

    def under(self, path: Path, folder: Path) -> bool:
        return str(path).startswith(f"{folder}{os.sep}")

    def pick(self, kind: str) -> Path | None:
        found = self.files(kind)
        return self.rng.choice(found) if found else None

    def write(self, path: Path, raw: bytes) -> None:
        if path.is_symlink() or path.is_file():
            path.unlink()  # never write through a hard link into the pristine copy
        elif path.is_dir():
            shutil.rmtree(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(raw)

    def remove(self, path: Path) -> None:
        if path.is_symlink() or path.is_file():
            path.unlink()
        elif path.is_dir():
            shutil.rmtree(path)


def _short(value: object, limit: int = 80) -> str:
    text = repr(value)
    return text if len(text) <= limit else f"{text[:limit - 20]}...<{len(text)} chars>"


def _lines(raw: bytes) -> list[bytes]:
    return raw.splitlines(keepends=True) or [b""]


def _date(rng: random.Random) -> str:
    return "2026-03-15" if rng.random() < 0.6 else rng.choice(DATES)


def _transaction(rng: random.Random) -> str:
    flag = rng.choice(["*", "*", "!", "txn", "P", "#", "?"])
    payee, narration = rng.choice(STRINGS), rng.choice(STRINGS)
    if rng.random() < 0.7:
        payee, narration = payee.replace('"', "'"), narration.replace('"', "'")
    lines = [f'{_date(rng)} {flag} "{payee}" "{narration}"']
    if rng.random() < 0.9:
        lines.append(f'  voucher: "{rng.choice(VOUCHERS)}"')
    for _ in range(rng.randrange(3)):
        lines.append(f"  {rng.choice(META_KEYS)}: {rng.choice(META_VALUES)}")
    for index in range(rng.choice([1, 2, 2, 2, 3])):
        account = rng.choice(ACCOUNTS)
        if index == 0 or rng.random() < 0.5:
            lines.append(f"  {account}  {rng.choice(AMOUNTS)} {rng.choice(CURRENCIES)}")
        else:
            lines.append(f"  {account}")
        if rng.random() < 0.2:
            lines.append(f"    {rng.choice(META_KEYS)}: {rng.choice(META_VALUES)}")
    return "\n".join(lines)


def _insert_lines(case: Case, path: Path, block: str, what: str) -> None:
    lines = _lines(path.read_bytes())
    at = case.rng.randrange(len(lines) + 1)
    if lines and not lines[-1].endswith(b"\n"):
        lines[-1] += b"\n"
    lines.insert(at, _bytes(block) + b"\n")
    case.write(path, b"".join(lines))
    case.note(f"{what} at line {at + 1} of {case.rel(path)}: {_short(block)}")


# Byte- and line-level mutations of any file -----------------------------------------------------------

def m_flip_bytes(case: Case) -> None:
    path = case.pick("any")
    if path is None:
        return
    raw = bytearray(path.read_bytes())
    if not raw:
        return
    offsets = sorted(case.rng.randrange(len(raw)) for _ in range(case.rng.randint(1, 6)))
    for offset in offsets:
        raw[offset] ^= 1 << case.rng.randrange(8)
    case.write(path, bytes(raw))
    case.note(f"flipped bits at bytes {offsets} of {case.rel(path)}")


def m_truncate(case: Case) -> None:
    path = case.pick(case.rng.choice(["any", "text", "ledger"]))
    if path is None:
        return
    raw = path.read_bytes()
    cut = case.rng.randrange(len(raw) + 1)
    case.write(path, raw[:cut])
    case.note(f"truncated {case.rel(path)} to {cut} of {len(raw)} bytes")


def m_lines(case: Case) -> None:
    path = case.pick(case.rng.choice(["text", "ledger", "journal", "yaml", "notice", "csv"]))
    if path is None:
        return
    lines = _lines(path.read_bytes())
    if lines and not lines[-1].endswith(b"\n"):
        lines[-1] += b"\n"
    i, j = case.rng.randrange(len(lines)), case.rng.randrange(len(lines))
    op = case.rng.choice(["duplicate", "delete", "swap", "move", "reverse", "shuffle", "repeat", "delete-meta"])
    if op == "duplicate":
        lines.insert(i, lines[i])
    elif op == "delete":
        del lines[i]
    elif op == "swap":
        lines[i], lines[j] = lines[j], lines[i]
    elif op == "move":
        lines.insert(j, lines.pop(i))
    elif op == "reverse":
        i, j = min(i, j), max(i, j) + 1
        lines[i:j] = lines[i:j][::-1]
    elif op == "shuffle":
        i, j = min(i, j), min(max(i, j) + 1, min(i, j) + 12)
        block = lines[i:j]
        case.rng.shuffle(block)
        lines[i:j] = block
    elif op == "repeat":
        lines[i:i + 1] = [lines[i]] * case.rng.choice([2, 50, 5000])
    else:
        meta = [k for k, line in enumerate(lines) if re.match(rb"\s+[a-z_]+:", line)]
        if not meta:
            return
        i = case.rng.choice(meta)
        del lines[i]
    case.write(path, b"".join(lines))
    case.note(f"{op} line {i + 1} (and {j + 1}) of {case.rel(path)}")


def m_insert_char(case: Case) -> None:
    path = case.pick("text")
    if path is None:
        return
    raw = path.read_bytes()
    chars = case.rng.choice(INSERT_CHARS)
    count = case.rng.choice([1, 1, 1, 3, 20])
    for _ in range(count):
        at = case.rng.randrange(len(raw) + 1)
        raw = raw[:at] + _bytes(chars) + raw[at:]
    case.write(path, raw)
    case.note(f"inserted {_short(chars)} x{count} into {case.rel(path)}")


def m_bad_utf8(case: Case) -> None:
    path = case.pick("text")
    if path is None:
        return
    raw = path.read_bytes()
    bad = case.rng.choice(BAD_UTF8)
    at = case.rng.randrange(len(raw) + 1)
    case.write(path, raw[:at] + bad + raw[at:])
    case.note(f"inserted bytes {bad!r} at offset {at} of {case.rel(path)}")


def m_encoding(case: Case) -> None:
    path = case.pick("text")
    if path is None:
        return
    text = _text(path.read_bytes())
    how = case.rng.choice(["gb18030", "utf-16", "utf-16-le", "utf-32", "bom", "crlf", "cr", "nfd", "nfkc", "latin-1"])
    if how in ("gb18030", "utf-16", "utf-16-le", "utf-32"):
        raw = text.encode(how, "replace")
    elif how == "latin-1":
        raw = text.encode("utf-8", "surrogateescape").decode("latin-1").encode("utf-8")
    elif how == "bom":
        raw = b"\xef\xbb\xbf" + _bytes(text)
    elif how == "crlf":
        raw = _bytes(text.replace("\n", "\r\n"))
    elif how == "cr":
        raw = _bytes(text.replace("\n", "\r"))
    else:
        raw = _bytes(unicodedata.normalize(how.upper(), text))
    case.write(path, raw)
    case.note(f"re-encoded {case.rel(path)} as {how}")


def m_empty(case: Case) -> None:
    path = case.pick(case.rng.choice(["any", "text", "yaml"]))
    if path is None:
        return
    content = case.rng.choice([b"", b"\n", b" ", b"\x00", b"\xef\xbb\xbf", b"---\n", b"---\n---\n", b"~\n", b"[]\n"])
    case.write(path, content)
    case.note(f"replaced {case.rel(path)} with {content!r}")


def m_huge(case: Case) -> None:
    path = case.pick("text")
    if path is None:
        return
    filler = case.rng.choice(["x" * 300_000, "; " + "y" * 1_100_000, "\n" * 200_000, "a: b\n" * 60_000])
    raw = path.read_bytes()
    at = case.rng.randrange(len(raw) + 1)
    case.write(path, raw[:at] + _bytes(filler) + raw[at:])
    case.note(f"inserted {len(filler)} characters ({_short(filler[:10])}...) at offset {at} of {case.rel(path)}")


# Ledger mutations ---------------------------------------------------------------------------------------

def m_directive(case: Case) -> None:
    path = case.pick(case.rng.choice(["ledger", "journal"]))
    if path is None:
        return
    directive = case.rng.choice(DIRECTIVES).replace("{d}", _date(case.rng))
    _insert_lines(case, path, directive, "inserted directive")


def m_transaction(case: Case) -> None:
    path = case.pick("journal") or case.pick("ledger")
    if path is None:
        return
    _insert_lines(case, path, "\n" + _transaction(case.rng) + "\n", "inserted transaction")


def _replace_match(case: Case, kinds: str, pattern: str, pool: list[str], what: str, flags: int = 0) -> None:
    path = case.pick(kinds)
    if path is None:
        return
    text = _text(path.read_bytes())
    matches = list(re.finditer(pattern, text, flags))
    if not matches:
        return
    match = case.rng.choice(matches)
    value = case.rng.choice(pool)
    case.write(path, _bytes(text[:match.start()] + value + text[match.end():]))
    line = text.count("\n", 0, match.start()) + 1
    case.note(f"{what} {_short(match.group(0), 40)} -> {_short(value)} at {case.rel(path)}:{line}")


def m_amount(case: Case) -> None:
    _replace_match(case, "ledger", r"-?[0-9][0-9,]*\.[0-9]{2}(?= +[A-Z])", AMOUNTS, "amount")


def m_date(case: Case) -> None:
    _replace_match(case, "ledger", r"^[0-9]{4}-[0-9]{2}-[0-9]{2}", DATES, "date", re.M)


def m_account(case: Case) -> None:
    _replace_match(case, "ledger", r"(?:Assets|Liabilities|Equity|Income|Expenses)(?::[A-Z][A-Za-z0-9-]*)+", ACCOUNTS,
                   "account")


def m_currency(case: Case) -> None:
    _replace_match(case, "ledger", r"(?<=[0-9] )CNY\b", CURRENCIES, "currency")


def m_voucher_number(case: Case) -> None:
    _replace_match(case, "journal", r'(?<=voucher: )"[^"\n]*"', [f'"{v}"' for v in VOUCHERS] + META_VALUES, "voucher")


def m_meta_value(case: Case) -> None:
    _replace_match(case, "ledger", r'(?<=^  )([a-z_]+: ).*$', [f"{k}: {v}" for k in META_KEYS[:10]
                                                                for v in case.rng.sample(META_VALUES, 3)],
                   "metadata", re.M)


def m_add_meta(case: Case) -> None:
    path = case.pick("journal")
    if path is None:
        return
    lines = _lines(path.read_bytes())
    heads = [k for k, line in enumerate(lines) if re.match(rb"[0-9]{4}-[0-9]{2}-[0-9]{2} [*!]", line)]
    if not heads:
        return
    at = case.rng.choice(heads) + 1
    if case.rng.random() < 0.3:  # a posting's metadata
        postings = [k for k, line in enumerate(lines) if re.match(rb"  [A-Z][a-z]+:", line)]
        at = case.rng.choice(postings) + 1 if postings else at
    meta = f"{'    ' if case.rng.random() < 0.3 else '  '}{case.rng.choice(META_KEYS)}: {case.rng.choice(META_VALUES)}"
    lines.insert(at, _bytes(meta) + b"\n")
    case.write(path, b"".join(lines))
    case.note(f"added metadata {_short(meta)} at {case.rel(path)}:{at + 1}")


# YAML mutations (profile, budgets, notice front matter) ----------------------------------------------------

def _yaml_target(case: Case) -> tuple[Path, str, str, str] | None:
    """(file, text before the YAML, the YAML, text after it) of a profile, budget or notice."""
    path = case.pick(case.rng.choice(["yaml", "profile", "budget", "notice", "notice"]))
    if path is None:
        return None
    text = _text(path.read_bytes())
    if path.suffix == ".md":
        match = re.match(r"(---[^\n]*\n)(.*?\n)(---[^\n]*\n.*)\Z", text, re.S)
        if match is None:
            return path, "", text, ""
        return path, match.group(1), match.group(2), match.group(3)
    return path, "", text, ""


def m_yaml_scalar(case: Case) -> None:
    target = _yaml_target(case)
    if target is None:
        return
    path, before, text, after = target
    matches = list(re.finditer(r"^(\s*(?:- )?)([^\s:#][^\n]*?):[ \t]+(?![|>])([^\n{]*[^\s{][^\n]*)$", text, re.M))
    matches += list(re.finditer(r"(?<=[{,] )([a-z_]+): ([^,}\n]+)", text))
    if not matches:
        return
    match = case.rng.choice(matches)
    key = match.group(2) if match.lastindex == 3 else match.group(1)
    pool = YAML_KEY_VALUES.get(key.strip(), []) * 3 + YAML_VALUES
    value = case.rng.choice(pool)
    start, end = match.span(match.lastindex or 0)
    if "\n" in value and match.lastindex == 3:
        indent = len(match.group(1)) + 2
        value = value.replace("\n", "\n" + " " * indent)
    text = text[:start] + value + text[end:]
    case.write(path, _bytes(before + text + after))
    case.note(f"YAML {key.strip()}: -> {_short(value)} in {case.rel(path)}")


def m_yaml_insert(case: Case) -> None:
    target = _yaml_target(case)
    if target is None:
        return
    path, before, text, after = target
    kind = case.rng.random()
    if kind < 0.15:
        levels = case.rng.choice([3, 9, 12])
        snippet = 'a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]\n' + "".join(
            f"a{n}: &a{n} [{', '.join([f'*a{n - 1}'] * 9)}]\n" for n in range(1, levels))
    elif kind < 0.3:
        depth = case.rng.choice([17, 200, 5000, 100_000])
        snippet = case.rng.choice([f"x: {'[' * depth}{']' * depth}", f"x: {'{a: ' * depth}1{'}' * depth}",
                                   "x:\n" + "".join(f"{'  ' * (n + 1)}k{n}:\n" for n in range(min(depth, 300))) +
                                   "  " * (min(depth, 300) + 1) + "v"])
    else:
        snippet = case.rng.choice(YAML_INSERTS)
    lines = text.splitlines(keepends=True) or [""]
    at = case.rng.randrange(len(lines) + 1)
    indent = ""
    if at < len(lines) and case.rng.random() < 0.4:
        indent = re.match(r"[ \t]*(?:- )?", lines[at]).group(0).replace("- ", "  ")  # type: ignore[union-attr]
    block = "".join(indent + line + "\n" for line in snippet.split("\n"))
    if lines and not lines[-1].endswith("\n"):
        lines[-1] += "\n"
    lines.insert(at, block)
    case.write(path, _bytes(before + "".join(lines) + after))
    case.note(f"YAML inserted {_short(block)} at line {at + 1} of {case.rel(path)}")


HUGE = "__HUGE_NUMBER__"
YAML_PY_VALUES: list[Any] = [None, True, False, 0, -1, 1e30, float("nan"), float("inf"), -0.0, 0.1, 123456789012345,
                             "", " ", "x" * 5000, "2026-13-01", "1e30", "１２３.４５", "1\u200b23", "=1+1",
                             "13812345678",
                             [], {}, [1, [2, [3]]], {"a": {"b": {"c": 1}}}, datetime.date(2026, 1, 1),
                             datetime.datetime(2026, 1, 1, 12, 0), b"\x00\xff", HUGE, 2026, "2026", 0.15, 90,
                             "Expenses:Cleaning", {"total": 1, "voted": 2, "for": 3}, [{"name": "x"}], "\u202e"]


def _paths(node: Any, prefix: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    yield prefix
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _paths(value, (*prefix, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _paths(value, (*prefix, index))


def m_yaml_tree(case: Case) -> None:
    """Load the YAML as data, change one node (type, key, shape), and write it back in another style."""
    target = _yaml_target(case)
    if target is None:
        return
    path, before, text, after = target
    try:
        if any(isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None)
               for event in yaml.parse(text, Loader=yaml.SafeLoader)):
            return m_yaml_scalar(case)
        data = yaml.safe_load(text)
    except (yaml.YAMLError, RecursionError, ValueError):
        return m_yaml_scalar(case)
    if not isinstance(data, dict) or not data:
        return m_yaml_scalar(case)
    where = case.rng.choice(list(_paths(data))[1:])
    parent: Any = data
    for part in where[:-1]:
        parent = parent[part]
    last = where[-1]
    rng = case.rng
    op = rng.choice(["value", "value", "value", "delete", "rename", "wrap", "add", "swap"])
    if op == "value":
        parent[last] = rng.choice(YAML_PY_VALUES)
    elif op == "delete":
        del parent[last]
    elif op == "rename" and isinstance(parent, dict):
        parent[rng.choice(["", "名字", f"{last} ", str(last).upper(), "__proto__", 1, True, None, f"{last}\u200b"])] = (
            parent.pop(last))
    elif op == "wrap":
        parent[last] = rng.choice([[parent[last]], {"value": parent[last]}, [parent[last]] * 3])
    elif op == "add" and isinstance(parent, dict):
        parent[rng.choice(["extra", "x", "note", "year", "lines", "signers", "kind"])] = rng.choice(YAML_PY_VALUES)
    elif op == "swap":
        other = rng.choice(list(_paths(data))[1:])
        other_parent: Any = data
        try:
            for part in other[:-1]:
                other_parent = other_parent[part]
            parent[last], other_parent[other[-1]] = other_parent[other[-1]], parent[last]
        except (KeyError, IndexError, TypeError):
            return
    flow = rng.choice([False, None, True])
    dumped = yaml.safe_dump(data, allow_unicode=True, sort_keys=rng.random() < 0.3, default_flow_style=flow,
                            width=rng.choice([80, 1_000_000]))
    dumped = dumped.replace(HUGE, "9" * 5000)
    case.write(path, _bytes(before + dumped + after))
    case.note(f"YAML tree {op} at {_short(where)} of {case.rel(path)}")


def m_notice_frame(case: Case) -> None:
    path = case.pick("notice")
    if path is None:
        return
    text = _text(path.read_bytes())
    op = case.rng.choice(["no-open", "no-close", "extra", "leading", "dashes", "body", "only-front", "crlf-fence",
                          "dots", "empty-front"])
    if op == "no-open":
        text = text.replace("---\n", "", 1)
    elif op == "no-close":
        first = text.find("---\n")
        second = text.find("---\n", first + 4)
        text = text[:second] + text[second + 4:] if second > 0 else text
    elif op == "extra":
        text = text.replace("---\n", "---\n---\n", 1)
    elif op == "leading":
        text = case.rng.choice(["\n", " ", "\ufeff", "<!-- x -->\n"]) + text
    elif op == "dashes":
        text = text.replace("---\n", case.rng.choice(["--- \n", "----\n", "---\r\n", "--\n", "---x\n", "+++\n"]), 1)
    elif op == "body":
        text = text + "\n" + case.rng.choice(NOTICE_BODIES)
    elif op == "only-front":
        text = text[:text.find("---\n", 4) + 4] if text.find("---\n", 4) > 0 else text
    elif op == "crlf-fence":
        text = text.replace("\n", "\r\n", 3)
    elif op == "dots":
        text = text.replace("\n---\n", "\n...\n", 1)
    else:
        text = "---\n---\n" + text
    case.write(path, _bytes(text))
    case.note(f"notice front matter {op} in {case.rel(path)}")


# CSV mutations -----------------------------------------------------------------------------------------

def m_csv_cell(case: Case) -> None:
    path = case.pick("csv")
    if path is None:
        return
    lines = _text(path.read_bytes()).split("\n")
    row = case.rng.randrange(len(lines))
    cells = lines[row].split(",")
    column = case.rng.randrange(len(cells))
    value = case.rng.choice(CSV_CELLS)
    cells[column] = value
    lines[row] = ",".join(cells)
    case.write(path, _bytes("\n".join(lines)))
    case.note(f"CSV cell {row + 1}:{column + 1} -> {_short(value)} in {case.rel(path)}")


def m_csv_shape(case: Case) -> None:
    path = case.pick("csv")
    if path is None:
        return
    text = _text(path.read_bytes())
    lines = text.split("\n")
    op = case.rng.choice(["header", "header", "delimiter", "quote", "rows", "columns", "blank", "crlf"])
    if op == "header":
        lines[0] = case.rng.choice(CSV_HEADERS)
        detail = lines[0]
    elif op == "delimiter":
        detail = case.rng.choice([";", "\t", "|", "，", ""])
        lines = [line.replace(",", detail) for line in lines]
    elif op == "quote":
        row = case.rng.randrange(len(lines))
        detail = case.rng.choice(['"', '"x""', '""', "'", '"\n', '"\r'])
        lines[row] = detail + lines[row]
    elif op == "rows":
        body = [line for line in lines[1:] if line] or ["P-1,x,1.00"]
        count = case.rng.choice([2, 200, 20_000])
        lines = lines[:1] + [case.rng.choice(body) for _ in range(count)]
        detail = f"{count} rows"
    elif op == "columns":
        detail = case.rng.choice([",", ",extra", ",,,,,,,,,,", "," + "x," * 3000])
        lines = [line + detail if line else line for line in lines]
    elif op == "blank":
        detail = case.rng.choice(["", ",,", " ", "\x00", "\r"])
        lines.insert(case.rng.randrange(len(lines) + 1), detail)
    else:
        detail = "crlf"
        lines = [line + "\r" for line in lines]
    case.write(path, _bytes("\n".join(lines)))
    case.note(f"CSV {op} {_short(detail)} in {case.rel(path)}")


def m_units_csv(case: Case) -> None:
    rng = case.rng
    rows = ["unit,building,area,since"] if rng.random() < 0.8 else [rng.choice(CSV_HEADERS)]
    for _ in range(rng.choice([1, 3, 10])):
        rows.append(",".join([rng.choice(["ab2c3d4e", "ab2c3d4e", "AB2C3D4E", "x", "", "13812345678", "=1+1"]),
                              rng.choice(["1号楼", "", "=cmd", "张三"]),
                              rng.choice(["88.50", "1e30", "-1", "９９.００", "9" * 5000, "", "0"]),
                              rng.choice(["2026-01", "2026-13", "²⁰²⁶-01", "", "2026/1", "0000-00"])]))
    text = "\n".join(rows) + "\n"
    case.write(case.ledger / "units.csv", _bytes(text))
    case.note(f"units.csv written: {_short(text, 200)}")


def m_fee_sheet(case: Case) -> None:
    """A fee receipt with a per-unit sheet, its periods odd (``unit,period,amount``)."""
    rng = case.rng
    journal = case.pick("journal")
    if journal is None:
        return
    lines = _lines(journal.read_bytes())
    heads = [k for k, line in enumerate(lines) if re.match(rb"[0-9]{4}-[0-9]{2}-[0-9]{2} \*", line)
             and any(b"Income:" in later for later in lines[k + 1:k + 6])]
    if not heads:
        return
    at = rng.choice(heads) + 1
    name = f"{journal.parent.name}/fuzz-fees-{rng.randrange(1000)}.csv"
    lines.insert(at, _bytes(f'  detail: "{name}"\n'))
    case.write(journal, b"".join(lines))
    rows = ["unit,period,amount"]
    for _ in range(rng.choice([1, 3, 10])):
        rows.append(",".join([rng.choice(["ab2c3d4e", "zz9zz9zz", "", "=1+1"]),
                              rng.choice(PERIODS),
                              rng.choice(["100.00", "1e30", "-5.00", "0.001", "²⁰²⁶", "1" * 5000, ""])]))
    case.write(case.ledger / "vouchers" / name, _bytes("\n".join(rows) + "\n"))
    case.note(f"fee sheet vouchers/{name} named at {case.rel(journal)}:{at + 1}: {_short(rows, 200)}")


# Files, folders and links --------------------------------------------------------------------------------

def m_voucher_content(case: Case) -> None:
    path = case.pick(case.rng.choice(["voucher", "binary"]))
    if path is None:
        return
    content = case.rng.choice(VOUCHER_BYTES + IMAGES)
    case.write(path, content)
    case.note(f"voucher {case.rel(path)} content -> {_short(content)}")


def m_voucher_delete(case: Case) -> None:
    path = case.pick(case.rng.choice(["voucher", "csv", "binary"]))
    if path is None:
        return
    case.remove(path)
    case.note(f"deleted {case.rel(path)}")


def m_rename(case: Case) -> None:
    path = case.pick(case.rng.choice(["voucher", "journal", "budget", "notice", "any"]))
    if path is None:
        return
    rng = case.rng
    stem, suffix = path.stem, path.suffix
    choices = [stem + suffix.upper(), stem + ".html", stem + suffix + ".bak", stem + " " + suffix,
               stem + "\u200b" + suffix, stem.upper() + suffix, unicodedata.normalize("NFD", stem + "é") + suffix,
               "." + stem + suffix,
               stem + "\udcff" + suffix, "x" * 240 + suffix, stem + suffix[:-1], stem]
    if path.parent.name == "vouchers" or "vouchers" in path.parts:
        choices.append("../" + path.name)
    if case.under(path, case.budgets):
        choices += ["20260.yaml", "0000.yaml", "9999.yaml", "abcd.yaml", "2026.yml", "２０２６.yaml", ".yaml",
                    "2027.yaml", "1.yaml", "2026-01.yaml"]
    if case.under(path, case.notices):
        choices += ["2026-13-45-x.md", "x.md", ".md", "2026-01-18-.md", "2026-01-18-测试.md", "2026-01-18-a b.md",
                    "2026-01-18-" + "a" * 230 + ".md", "2026-01-18-x.MD", "2026-01-18-x.md.md", "2099-01-01-x.md",
                    "2026-02-30-x.md", "0000-00-00-x.md", "2025-12-20-budget-vote.md"]
    if path.suffix == ".beancount":
        choices += ["3.beancount", "13.beancount", "00.beancount", "../../x.beancount", "../03.beancount",
                    "../2099/01.beancount", "../vouchers/01.beancount"]
    new_name = rng.choice(choices)
    target = path.parent / new_name
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        if case.rng.random() < 0.3:  # copy rather than move: two of it
            shutil.copyfile(path, target)
        else:
            path.rename(target)
    except OSError as problem:  # a name the file system refuses is not a case
        case.note(f"rename {case.rel(path)} -> {new_name!r} refused by the file system ({problem.strerror})")
        return
    case.note(f"renamed/copied {case.rel(path)} -> {case.rel(target)!r}")


def m_add_file(case: Case) -> None:
    rng = case.rng
    folder = rng.choice([case.ledger / "vouchers", case.ledger / "vouchers" / "2026" / "03", case.ledger,
                         case.ledger / "2026", case.budgets, case.notices, case.budgets / "sub", case.notices / "sub",
                         case.ledger / "vouchers" / "new"])
    name = rng.choice(ODD_NAMES)
    content = rng.choice([b"print('x')\n", b"<script>x</script>", b"%PDF-1.4\n", b"unit,item,amount\nP-1,x,1.00\n",
                          b'option "title" "x"\n', b"year: 2026\n",
                          b"---\ntitle: x\ndate: 2026-01-01\nkind: report\n---\n",
                          b"\x80\x04\x95", b""])
    try:
        case.write(folder / name, content)
    except OSError as problem:
        case.note(f"adding {name!r} refused by the file system ({problem.strerror})")
        return
    case.note(f"added {case.rel(folder / name)!r} with {content[:30]!r}")


def m_symlink(case: Case) -> None:
    rng = case.rng
    choice = rng.random()
    if choice < 0.6:
        path = case.pick("any")
    elif choice < 0.85:
        path = rng.choice([case.ledger / "vouchers", case.ledger / "vouchers" / "2026", case.ledger / "2026",
                           case.budgets, case.notices, case.ledger])
    else:
        path = rng.choice([case.ledger, case.budgets, case.notices]) / rng.choice(["link.beancount", "link.yaml",
                                                                                    "link.md", "vouchers/link.pdf"])
    if path is None:
        return
    pristine_twin = case.pristine / path.relative_to(case.root)
    target = rng.choice([str(pristine_twin), "/etc/passwd", "/etc", "../../../../etc/hostname", str(path.name),
                         "nonexistent", ".", "/", "/dev/zero", "/proc/self/environ",
                         str(case.ledger / "main.beancount")])
    case.remove(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    os.symlink(target, path)
    case.note(f"{case.rel(path)} is now a symlink to {target!r}")


def m_swap_kind(case: Case) -> None:
    """A file becomes a folder of the same name, or a folder a file."""
    rng = case.rng
    if rng.random() < 0.6:
        path = case.pick(rng.choice(["any", "yaml", "notice", "csv", "ledger"]))
        if path is None:
            return
        case.remove(path)
        path.mkdir()
        if rng.random() < 0.5:
            (path / "inner.md").write_bytes(b"x")
        case.note(f"{case.rel(path)} is now a folder")
    else:
        path = rng.choice([case.ledger / "vouchers", case.ledger / "vouchers" / "2026", case.ledger / "2026",
                           case.budgets, case.notices])
        case.write(path, b"not a folder\n")
        case.note(f"{case.rel(path)} is now a file")


def m_delete_key(case: Case) -> None:
    path = case.rng.choice([case.ledger / "main.beancount", case.ledger / "accounts.beancount",
                            case.ledger / "compound.yaml", case.budgets, case.notices, case.ledger / "vouchers",
                            case.ledger / "2026", case.ledger / "2025", case.budgets / "2026.yaml",
                            case.notices / "2025-12-20-budget-vote.md", case.notices / "2025-12-13-budget-vote.md"])
    case.remove(path)
    case.note(f"deleted {case.rel(path)}")


def m_tree(case: Case) -> None:
    """Every text file at once, as an editor or a checkout might change them."""
    how = case.rng.choice(["crlf", "bom", "nfd", "nfkc", "tabs", "strip-final-newline"])
    for path in case.files("text"):
        text = _text(path.read_bytes())
        if how == "crlf":
            text = text.replace("\n", "\r\n")
        elif how == "bom":
            text = "\ufeff" + text
        elif how in ("nfd", "nfkc"):
            text = unicodedata.normalize(how.upper(), text)
        elif how == "tabs":
            text = text.replace("  ", "\t")
        else:
            text = text.rstrip("\n")
        case.write(path, _bytes(text))
    case.note(f"every text file: {how}")


def m_compound_id(case: Case) -> None:
    new = case.rng.choice(["Qingshui", "qingshui garden", "清水", "-x", "x--", "a" * 200, "x.y", "_x", "x\u200b",
                           "x\udcff"])
    try:
        for top in ("ledgers", "budgets", "notices"):
            source = case.root / top / case.compound
            if source.exists():
                source.rename(case.root / top / new)
    except OSError as problem:
        case.note(f"renaming the compound to {new!r} refused by the file system ({problem.strerror})")
        return
    case.note(f"compound {case.compound} renamed to {new!r}")
    case.compound = new


def m_second_compound(case: Case) -> None:
    """Another folder under ledgers/: empty, a file, or a copy with a bad id."""
    rng = case.rng
    name = rng.choice(["empty", "Bad Id", ".hidden", "x", "清水"])
    target = case.root / "ledgers" / name
    op = rng.choice(["empty", "file", "main-only"])
    if op == "file":
        target.write_bytes(b"x")
    else:
        target.mkdir(exist_ok=True)
        if op == "main-only":
            (target / "main.beancount").write_bytes(b'option "title" "x"\nplugin "generator.rules"\n')
    case.note(f"ledgers/{name!r} added ({op})")


MUTATIONS: list[tuple[Callable[[Case], None], float]] = [
    (m_flip_bytes, 3), (m_truncate, 2), (m_lines, 6), (m_insert_char, 3), (m_bad_utf8, 1.5), (m_encoding, 1.5),
    (m_empty, 1), (m_huge, 0.3), (m_directive, 6), (m_transaction, 5), (m_amount, 3), (m_date, 3), (m_account, 2),
    (m_currency, 1.5), (m_voucher_number, 2), (m_meta_value, 3), (m_add_meta, 4), (m_yaml_scalar, 6),
    (m_yaml_insert, 4), (m_yaml_tree, 4), (m_notice_frame, 2), (m_csv_cell, 4), (m_csv_shape, 2.5), (m_units_csv, 1),
    (m_fee_sheet, 1), (m_voucher_content, 2.5), (m_voucher_delete, 1.5), (m_rename, 2.5), (m_add_file, 1.5),
    (m_symlink, 2), (m_swap_kind, 1), (m_delete_key, 1), (m_tree, 0.7), (m_compound_id, 0.3),
    (m_second_compound, 0.3),
]


# ---------------------------------------------------------------------------------------------------------
# Running a case

class CaseTimeout(BaseException):
    """Raised by the alarm inside a case that takes too long (BaseException, so no ``except Exception`` eats it)."""


@contextlib.contextmanager
def _deadline(seconds: float) -> Iterator[None]:
    def expire(signum: int, frame: Any) -> None:
        raise CaseTimeout(f"the case took longer than {seconds:.0f} s")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


@dataclass
class Outcome:
    index: int
    compound: str
    mutations: list[str]
    seconds: float = 0.0
    code: int | None = None
    problems: list[str] = field(default_factory=list)
    rules: Counter[str] = field(default_factory=Counter)
    built: bool = False

    def describe(self) -> str:
        steps = "\n      ".join(self.mutations) or "(none)"
        problems = "\n    ".join(self.problems)
        return (f"case {self.index} ({self.compound}; replay: TRUSTFUND_FUZZ_SEED={SEED!r} "
                f"TRUSTFUND_FUZZ_ONLY={self.index}), exit {self.code}, {self.seconds:.1f} s\n"
                f"    mutations:\n      {steps}\n    {problems}")


def _streams() -> tuple[io.TextIOWrapper, io.TextIOWrapper]:
    # Strict UTF-8, as a terminal or a CI log under a UTF-8 locale: text that cannot be written fails here too.
    return (io.TextIOWrapper(io.BytesIO(), encoding="utf-8", errors="strict", write_through=True),
            io.TextIOWrapper(io.BytesIO(), encoding="utf-8", errors="strict", write_through=True))


def _captured(stream: io.TextIOWrapper) -> str:
    buffer = stream.buffer
    assert isinstance(buffer, io.BytesIO)
    return buffer.getvalue().decode("utf-8", "replace")


def _crash(exc: BaseException) -> str:
    lines = [line for line in "".join(traceback.format_exception(exc)).splitlines() if line.strip(" ^~")]
    return "exception escaped:\n" + "\n".join(lines[-12:])


def _internal_errors(root: Path, compound: str) -> list[str]:
    """The tracebacks Beancount's loader kept when a plugin crashed (check shows only their first line)."""
    found = []
    with contextlib.suppress(Exception):
        for error in load_books(root, compound).errors:
            message = str(getattr(error, "message", ""))
            if "Traceback" in message:
                found.append("plugin crashed inside the loader:\n      " + "\n      ".join(message.splitlines()[-6:]))
    return found


def prepare_case(index: int, pristine: Path, work: Path) -> Case:
    """The case's books: one compound linked from the pristine copy, then mutated."""
    rng = random.Random(f"{SEED}/{index}")
    compound = rng.choice(COMPOUNDS)
    root = work / f"case-{index}"
    shutil.rmtree(root, ignore_errors=True)
    root.mkdir()
    for top in ("ledgers", "budgets", "notices"):
        shutil.copytree(pristine / top / compound, root / top / compound, copy_function=_link, symlinks=True)
    case = Case(root, compound, pristine, rng)
    if rng.random() < GIT_SHARE and (pristine / ".git").is_dir():
        # The closed-month check reads git: the closed state from the tag, what changed from the working tree.
        shutil.copytree(pristine / ".git", root / ".git", copy_function=_link)
        case.note(f"in a git repository where a supervisor closed {compound} through {CLOSED_MONTH}")
    mutations, weights = zip(*MUTATIONS, strict=True)
    for mutate in rng.choices(mutations, weights, k=rng.choice([1, 1, 1, 1, 1, 2, 2, 2, 3, 4])):
        mutate(case)
    return case


def run_case(index: int, case: Case) -> Outcome:
    """``trustfund check`` on the mutated books, in this interpreter, and what must hold of it."""
    root, rng = case.root, case.rng
    outcome = Outcome(index, case.compound, case.log)
    if VERBOSE:
        print(f"fuzz case {index} ({case.compound}): {' / '.join(case.log)}", file=sys.__stderr__, flush=True)
    json_format = index % JSON_EVERY == 0
    argv = ["--root", str(root), "check"] + (["--format", "json"] if json_format else [])
    out, err = _streams()
    started = time.perf_counter()
    try:
        with _deadline(CASE_SECONDS), contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            outcome.code = cli.main(argv)
    except SystemExit as exc:  # as the console script would exit; the code must still be 0, 1 or 2
        outcome.code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else -1)
    except (Exception, CaseTimeout) as exc:
        outcome.problems.append(_crash(exc))
    outcome.seconds = time.perf_counter() - started
    stdout, stderr = _captured(out), _captured(err)
    if outcome.code is not None and outcome.code not in (0, 1, 2):
        outcome.problems.append(f"exit code {outcome.code!r} is not 0, 1 or 2")
    for name, text in (("stdout", stdout), ("stderr", stderr)):
        if "Traceback" in text:
            outcome.problems.append(f"a traceback on {name}:\n      " + "\n      ".join(text.splitlines()[-8:]))
    if "an internal error" in stdout:
        outcome.problems += _internal_errors(root, case.compound) or [
            "a finding reports an internal error: " + next(line for line in stdout.splitlines() if "internal" in line)]
    if outcome.code == 0 and stdout.strip() and not json_format:
        outcome.problems.append(f"exit 0 but findings printed: {_short(stdout, 300)}")
    if json_format and outcome.code in (0, 1):
        try:
            findings = json.loads(stdout)["findings"]
            for finding in findings:
                assert set(finding) == {"path", "line", "rule", "message"}, finding
                assert isinstance(finding["line"], int), finding
                outcome.rules[finding["rule"]] += 1
            assert bool(findings) == (outcome.code == 1), "exit code and findings disagree"
        except (ValueError, KeyError, TypeError, AssertionError) as problem:
            outcome.problems.append(f"--format json output is not the findings document ({problem!r}): "
                                    f"{_short(stdout, 300)}")
    if index % CHECK_EVERY == 0 and not outcome.problems:
        _check_findings(root, outcome)
    if outcome.code == 0 and not outcome.problems and rng.random() < BUILD_SHARE:
        _build(root, outcome)
    return outcome


def _check_findings(root: Path, outcome: Outcome) -> None:
    """check() itself: every finding has a path, an int line and a rule id."""
    out, err = _streams()
    try:
        with _deadline(CASE_SECONDS), contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            findings = check(root)
    except (Exception, CaseTimeout) as exc:
        if type(exc).__name__ == "CheckError":  # a usage error: the CLI turned it into exit 2
            return
        outcome.problems.append("check(): " + _crash(exc))
        return
    for finding in findings:
        bad = []
        if not isinstance(finding.path, str) or not finding.path or finding.path == "<unknown>":
            bad.append("no path")
        if type(finding.line) is not int or finding.line < 0:
            bad.append("line is not a non-negative int")
        if not isinstance(finding.rule, str) or not RULE_ID.fullmatch(finding.rule):
            bad.append("no rule id")
        if not isinstance(finding.message, str) or not finding.message.strip():
            bad.append("no message")
        if bad:
            outcome.problems.append(f"check() finding with {', '.join(bad)}: {finding!r}")
        outcome.rules[finding.rule] += 1


def _build(root: Path, outcome: Outcome) -> None:
    """Books that pass check must also build: ``trustfund build`` into a folder of the case."""
    shutil.copyfile(REPO / "mkdocs.yml", root / "mkdocs.yml")
    shutil.copytree(REPO / "site_src", root / "site_src", copy_function=_link)
    out, err = _streams()
    started = time.perf_counter()
    code: int | None = None
    try:
        with _deadline(CASE_SECONDS * 2), contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = cli.main(["--root", str(root), "build", "--site-dir", str(root / "site")])
    except (Exception, CaseTimeout) as exc:
        outcome.problems.append("build: " + _crash(exc))
    outcome.seconds += time.perf_counter() - started
    outcome.built = True
    text = _captured(out) + _captured(err)
    if code is not None and code not in (0, 1, 2):
        outcome.problems.append(f"build: exit code {code!r} is not 0, 1 or 2")
    elif code not in (None, 0):
        outcome.problems.append(f"build: exit {code} for books that check passed: {_short(text, 400)}")
    if "Traceback" in text:
        outcome.problems.append("build: a traceback:\n      " + "\n      ".join(text.splitlines()[-8:]))


@pytest.fixture(scope="module")
def pristine(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The example books, copied once; each case hard-links its files from here."""
    base = tmp_path_factory.mktemp("fuzz-pristine")
    for compound in COMPOUNDS:
        for top in ("ledgers", "budgets", "notices"):
            shutil.copytree(REPO / top / compound, base / top / compound)
    _git_books(base, tmp_path_factory.mktemp("fuzz-keys"))
    return base


def _git_books(base: Path, keys: Path) -> None:
    """Commit the books and close both compounds through CLOSED_MONTH with the example supervisors' signed tags
    (examples/keys/, fictitious and public). Without git or ssh-keygen the cases simply run without history."""
    if shutil.which("git") is None or shutil.which("ssh-keygen") is None:
        return

    def git(*args: str) -> None:
        # Cases hard-link this repository's files: let git judge a file by its size and mtime, not its ctime.
        subprocess.run(["git", "-C", str(base), "-c", "user.name=fuzz", "-c", "user.email=fuzz@example.invalid",
                        "-c", "commit.gpgsign=false", "-c", "core.trustctime=false", "-c", "core.checkStat=minimal",
                        *args], check=True, capture_output=True)

    try:
        git("init", "-q", "-b", "main")
        git("config", "core.trustctime", "false")
        git("config", "core.checkStat", "minimal")
        git("add", "-A")
        git("commit", "-q", "-m", "The example books")
        for compound in COMPOUNDS:
            signer = f"supervisor-{SUPERVISOR_SUFFIX[compound]}"
            key = keys / signer
            shutil.copyfile(REPO / "examples" / "keys" / compound / signer, key)
            key.chmod(0o600)  # ssh-keygen refuses a private key others can read
            git("-c", "gpg.format=ssh", "-c", f"user.signingkey={key}", "tag", "-s", "-m", "Closed",
                f"close/{compound}/{CLOSED_MONTH}")
        git("gc", "-q", "--prune=now")  # a few pack files to link per case, not hundreds of loose objects
    except (OSError, subprocess.CalledProcessError):
        shutil.rmtree(base / ".git", ignore_errors=True)


# ---------------------------------------------------------------------------------------------------------
# Workers: forked from this warm interpreter (nothing is imported again), so that a crash of the interpreter
# itself — a segmentation fault in C code — is one failed case, not the end of the test run.

def _keep(root: Path, kept: Path) -> None:
    if root.exists() and not (kept / root.name).exists():
        with contextlib.suppress(OSError, shutil.Error):
            shutil.copytree(root, kept / root.name, symlinks=True)


def _work(indexes: list[int], pristine: Path, work: Path, kept: Path, send: Callable[[dict[str, Any]], None]) -> None:
    """Run cases one after another, announcing each before it runs and reporting it after."""
    for index in indexes:
        try:
            case = prepare_case(index, pristine, work)
        except Exception as exc:  # the mutator's own bug: say so, rather than blame the books
            send({"index": index, "compound": "?", "mutations": [], "problems": ["the mutator failed: " + _crash(exc)]})
            continue
        send({"start": index, "compound": case.compound, "mutations": case.log})
        outcome = run_case(index, case)
        if outcome.problems:
            _keep(case.root, kept)
        shutil.rmtree(case.root, ignore_errors=True)
        send({**outcome.__dict__, "rules": dict(outcome.rules)})


def _outcome(message: dict[str, Any]) -> Outcome:
    return Outcome(message["index"], message["compound"], message["mutations"], message.get("seconds", 0.0),
                   message.get("code"), message.get("problems", []), Counter(message.get("rules", {})),
                   message.get("built", False))


def _fork_worker(indexes: list[int], pristine: Path, work: Path, kept: Path) -> tuple[int, int]:
    """(pid, the read end of its pipe) of a child that runs ``indexes``."""
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: never returns into pytest
        status = 0
        try:
            os.close(read)
            faults = (work / f"worker-{os.getpid()}.faults").open("w")
            faulthandler.enable(file=faults)  # where C code crashed, for the parent to report
            with os.fdopen(write, "w", encoding="utf-8") as pipe:
                def send(message: dict[str, Any]) -> None:
                    pipe.write(json.dumps(message) + "\n")
                    pipe.flush()
                _work(indexes, pristine, work, kept, send)
        except BaseException:
            traceback.print_exc()
            status = 3
        finally:
            os._exit(status)
    os.close(write)
    return pid, read


def _died(status: int, faults: Path) -> str:
    if os.WIFSIGNALED(status):
        number = os.WTERMSIG(status)
        what = f"the interpreter died running check: killed by signal {number} ({signal.Signals(number).name})"
    else:
        what = f"the interpreter exited running check with status {os.waitstatus_to_exitcode(status)}"
    with contextlib.suppress(OSError):
        frames = []
        for line in faults.read_text(errors="replace").splitlines():
            if "test_fuzz.py" in line:
                break
            if line.strip().startswith("File "):
                frames.append(line.strip())
        if frames:
            what += "\n      most recent call first:\n      " + "\n      ".join(frames[:8])
    return what


def run_all(indexes: list[int], pristine: Path, work: Path, kept: Path, workers: int) -> list[Outcome]:
    """Every case's outcome, with ``workers`` children at a time; a child that dies is replaced."""
    outcomes: dict[int, Outcome] = {}
    if workers < 1 or not hasattr(os, "fork"):
        for index in indexes:
            case = prepare_case(index, pristine, work)
            outcomes[index] = run_case(index, case)
            if outcomes[index].problems:
                _keep(case.root, kept)
            shutil.rmtree(case.root, ignore_errors=True)
        return list(outcomes.values())
    running: dict[int, dict[str, Any]] = {}  # read fd -> {pid, todo, current, buffer, heard}
    selector = selectors.DefaultSelector()

    def start(todo: list[int]) -> None:
        if todo:
            pid, read = _fork_worker(todo, pristine, work, kept)
            running[read] = {"pid": pid, "todo": list(todo), "current": None, "buffer": b"", "heard": time.monotonic()}
            selector.register(read, selectors.EVENT_READ)

    def ended(fd: int, state: dict[str, Any]) -> None:
        selector.unregister(fd)
        os.close(fd)
        del running[fd]
        _, status = os.waitpid(state["pid"], 0)
        faults = work / f"worker-{state['pid']}.faults"
        current = state["current"]
        if current is not None:  # the child died inside a case: that case failed, the rest go on
            index = current["start"]
            outcomes[index] = Outcome(index, current["compound"], current["mutations"],
                                      problems=[_died(status, faults)])
            _keep(work / f"case-{index}", kept)
            shutil.rmtree(work / f"case-{index}", ignore_errors=True)
            state["todo"].remove(index)
        elif state["todo"]:
            index = state["todo"].pop(0)
            outcomes[index] = Outcome(index, "?", [], problems=[_died(status, faults) + " (between cases)"])
        start(state["todo"])

    patience = CASE_SECONDS * 3 + 120  # the child's own alarm stops a case at CASE_SECONDS; C code may not heed it
    try:
        for first in range(workers):
            start(indexes[first::workers])
        while running:
            for key, _ in selector.select(timeout=5):
                fd = int(key.fd)  # type: ignore[call-overload]
                state = running[fd]
                chunk = os.read(fd, 1 << 16)
                state["heard"] = time.monotonic()
                if not chunk:
                    ended(fd, state)
                    continue
                state["buffer"] += chunk
                *lines, state["buffer"] = state["buffer"].split(b"\n")
                for line in lines:
                    message = json.loads(line)
                    if "start" in message:
                        state["current"] = message
                    else:
                        outcomes[message["index"]] = _outcome(message)
                        state["todo"].remove(message["index"])
                        state["current"] = None
            for state in list(running.values()):
                if time.monotonic() - state["heard"] > patience:
                    os.kill(state["pid"], signal.SIGKILL)  # hung where no alarm reaches; its EOF records the case
                    state["heard"] = time.monotonic()
    finally:
        for state in running.values():  # interrupted: leave no worker behind
            with contextlib.suppress(OSError):
                os.kill(state["pid"], signal.SIGKILL)
                os.waitpid(state["pid"], 0)
    return [outcomes[index] for index in indexes if index in outcomes]


def _signature(outcome: Outcome) -> str:
    """What makes two failures the same: the innermost frame of trustfund or Beancount and the exception's type,
    or the kind of problem."""
    lines = [line.strip() for problem in outcome.problems for line in problem.splitlines() if line.strip()]
    if lines[0].startswith("the interpreter"):
        return " | ".join(lines[:3])
    frames = [line for line in lines if line.startswith("File ")]
    ours = [line for line in frames if "/generator/" in line or "/beancount/" in line] or frames
    errors = [line.split(":")[0] for line in lines if re.match(r"[A-Za-z_.]+(Error|Exception|Timeout)\b", line)]
    if ours:
        where = re.sub(r'^File ".*?([^/]+/[^/]+)", ', r"\1, ", ours[-1])
        return f"{where} | {errors[-1] if errors else lines[-1][:80]}"
    return lines[0][:100]


def test_no_input_crashes_check(pristine: Path, tmp_path: Path) -> None:
    work, kept = tmp_path / "cases", tmp_path / "failed"
    work.mkdir()
    indexes = ONLY or list(range(CASES))
    started = time.perf_counter()
    outcomes = run_all(indexes, pristine, work, kept, WORKERS)
    elapsed = time.perf_counter() - started
    failures = [outcome for outcome in outcomes if outcome.problems]
    codes = Counter(outcome.code for outcome in outcomes)
    rules: Counter[str] = Counter()
    for outcome in outcomes:
        rules.update(outcome.rules)
    slowest = sorted(outcomes, key=lambda outcome: -outcome.seconds)[:5]
    print(f"\nfuzz: seed {SEED!r}, {len(outcomes)} cases in {elapsed:.1f} s with {WORKERS} worker(s); exit codes "
          f"{dict(codes)}; {sum(o.built for o in outcomes)} built; slowest "
          f"{[(round(o.seconds, 2), o.index) for o in slowest]}; findings by rule {dict(rules.most_common())}")
    assert len(outcomes) == len(indexes), f"{len(indexes) - len(outcomes)} case(s) never reported"
    if failures:
        groups: dict[str, list[Outcome]] = {}
        for outcome in failures:
            groups.setdefault(_signature(outcome), []).append(outcome)
        report = "\n\n".join(f"[{len(group)} case(s) {[o.index for o in group][:20]}: {signature}]\n  "
                             + group[0].describe() for signature, group in list(groups.items())[:MAX_REPORTED])
        pytest.fail(f"{len(failures)} of {len(indexes)} mutated books crashed or misbehaved (seed {SEED!r}); "
                    f"{len(groups)} distinct problem(s); the mutated books are kept in {kept}\n\n{report}",
                    pytrace=False)
