"""The assessment's scoring sheet (评分细则): checked where the score is claimed, shown where the bonus is paid.

An assessment notice lists its items with full marks (``weight``) and the
marks given (``score``); the check refuses a sheet whose items do not add up
to the notice's score or to 100, or that gives an item more than its weight,
naming the notice's file and line under the ``notice`` rule.
"""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path
from types import SimpleNamespace

import pytest

from generator.books.compound import read_compound
from generator.books.notices import AssessmentItem
from generator.cli import main
from generator.site import urls
from generator.site.pages import SiteBuilder, environment
from generator.site.words import Words
from tests.conftest import Repo
from tests.test_site import build, page

NOTICE = "notices/test/2026-01-20-assessment-2025.md"
# Line 1 is the opening '---'; the sheet's items start on line 8.
SCORE_LINE, ITEMS_LINE, FIRST_ITEM = 6, 7, 8


def sheet(*rows: str) -> str:
    """The value of ``items:``, one flow mapping a line."""
    return "".join(f"\n  - {row}" for row in rows)


HETANG = sheet(
    '{name: 服务质量（保洁、秩序、绿化）, name_en: "Service quality (cleaning, order, greening)", '
    'weight: 30, score: 26}',
    "{name: 财务公开与账目规范, name_en: Open and orderly books, weight: 25, score: 23}",
    "{name: 业主满意度调查, name_en: Owners' satisfaction survey, weight: 25, score: 25}",
    '{name: 设施设备与安全管理, name_en: "Facilities, equipment and safety", weight: 20, score: 19}')


def assessment(score: str = "93", items: str | None = HETANG) -> str:
    front = "" if items is None else f"items:{items}\n"
    return ("---\ntitle: 2025年度受托人考核评分结果\ndate: 2026-01-20\nkind: assessment\nyear: 2025\n"
            f"score: {score}\n{front}---\n业委会依照评分细则对受托人进行了考核。\n")


def finding(repo: Repo, path: str = NOTICE) -> tuple[int, str, str]:
    findings = repo.check()
    assert [f.path for f in findings] == [path], findings
    return findings[0].line, findings[0].rule, findings[0].message


ITEM = "{name: 服务质量, weight: 30, score: 26}"
REST = ("{name: 财务公开, weight: 25, score: 23}", "{name: 满意度, weight: 25, score: 25}",
        "{name: 设施安全, weight: 20, score: 19}")

REFUSED = {
    # an item scoring more than its weight, and again with the score quoted, and by a cent
    "score-above-weight": ("93", sheet("{name: 服务质量, weight: 30, score: 31}", *REST), FIRST_ITEM,
                           "scores 31, more than its weight (full marks) of 30"),
    "score-above-weight-as-a-string": ("93", sheet('{name: 服务质量, weight: 30, score: "31"}', *REST), FIRST_ITEM,
                                       "more than its weight"),
    "score-above-weight-by-a-cent": ("93", sheet("{name: 服务质量, weight: 30, score: 30.01}", *REST), FIRST_ITEM,
                                     "more than its weight"),
    # negative marks: alone, and to make the items add up to the score
    "negative-score": ("93", sheet("{name: 服务质量, weight: 30, score: -1}", *REST), FIRST_ITEM,
                       "item '服务质量' scores -1; an item scores from 0 up to its weight of 30"),
    "negative-score-that-balances": ("60", sheet("{name: 服务质量, weight: 30, score: 30}",
                                                 "{name: 财务公开, weight: 25, score: 25}",
                                                 "{name: 满意度, weight: 25, score: 25}",
                                                 "{name: 设施安全, weight: 20, score: -20}"), FIRST_ITEM + 3,
                                     "scores -20; an item scores from 0"),
    "negative-weight-that-balances": ("93", sheet("{name: 服务质量, weight: 130, score: 93}",
                                                  "{name: 财务公开, weight: -30, score: 0}"), FIRST_ITEM + 1,
                                      "has a weight of -30; the weight is the item's full marks and must be more "
                                      "than 0"),
    # weights that are not 100, and a weight with a fraction of a cent
    "weights-above-100": ("93", sheet(ITEM, "{name: 财务公开, weight: 30, score: 23}", *REST[1:]), ITEMS_LINE,
                          "add up to 105, not 100"),
    "weights-a-cent-short": ("93", sheet(ITEM, *REST[:2], "{name: 设施安全, weight: 19.99, score: 19}"), ITEMS_LINE,
                             "add up to 99.99, not 100"),
    "weight-with-three-decimals": ("93", sheet("{name: 服务质量, weight: 30.001, score: 26}", *REST), FIRST_ITEM,
                                   "at most two decimals"),
    "weight-of-zero": ("93", sheet(ITEM, *REST, "{name: 附加项, weight: 0, score: 0}"), FIRST_ITEM + 4,
                       "weight of 0"),
    # scores that are not the notice's score, by a point and by a cent
    "scores-not-the-score": ("95", sheet(ITEM, *REST), SCORE_LINE, "score is 95 but the scoring sheet's items"),
    "scores-a-cent-short": ("93", sheet(ITEM, *REST[:2], "{name: 设施安全, weight: 20, score: 18.99}"), SCORE_LINE,
                            "add up to 92.99"),
    # keys the sheet does not know, a misspelt one among them
    "unknown-key": ("93", sheet("{name: 服务质量, weight: 30, score: 26, note: 优}", *REST), FIRST_ITEM,
                    "unknown key 'note' in item 1"),
    "misspelt-weight": ("93", sheet(ITEM, "{name: 财务公开, wieght: 25, score: 23}", *REST[1:]), FIRST_ITEM + 1,
                        "unknown key 'wieght' in item 2"),
    # a missing, empty or repeated name
    "missing-name": ("93", sheet("{weight: 30, score: 26}", *REST), FIRST_ITEM, "item 1 of the scoring sheet has no "
                     "'name'"),
    "null-name": ("93", sheet("{name: , weight: 30, score: 26}", *REST), FIRST_ITEM, "has no 'name'"),
    "blank-name": ("93", sheet('{name: " ", weight: 30, score: 26}', *REST), FIRST_ITEM, "has no 'name'"),
    "name-as-a-list": ("93", sheet("{name: [服务, 质量], weight: 30, score: 26}", *REST), FIRST_ITEM,
                       "'items.0.name' must be text"),
    "missing-score": ("93", sheet("{name: 服务质量, weight: 30}", *REST), FIRST_ITEM, "has no 'score'"),
    "duplicate-name": ("93", sheet(ITEM, "{name: 服务质量, weight: 25, score: 23}", *REST[1:]), FIRST_ITEM + 1,
                       f"already on the scoring sheet at line {FIRST_ITEM}"),
    # a sheet that is not a list of items
    "items-as-a-mapping": ("93", " {服务质量: 30, 财务公开: 25, 满意度: 25, 设施安全: 20}", ITEMS_LINE,
                           "must be a list of the scoring sheet's items"),
    "items-as-an-empty-list": ("93", " []", ITEMS_LINE, "must be a list"),
    "item-as-a-line-of-text": ("93", sheet("服务质量 30 26", *REST), FIRST_ITEM, "item 1 of the scoring sheet must be "
                               "a mapping"),
}


@pytest.mark.parametrize(("score", "items", "line", "expected"), REFUSED.values(), ids=REFUSED.keys())
def test_a_wrong_scoring_sheet_is_refused_at_its_line(repo: Repo, score: str, items: str, line: int,
                                                      expected: str) -> None:
    repo.write(NOTICE, assessment(score, items))
    found_line, rule, message = finding(repo)
    assert (found_line, rule) == (line, "notice")
    assert expected in message


def test_a_block_item_is_refused_at_the_line_of_the_wrong_figure(repo: Repo) -> None:
    block = "\n  - name: 服务质量\n    name_en: Service quality\n    weight: 30\n    score: 36"
    repo.write(NOTICE, assessment("93", block + sheet(*REST)))
    assert finding(repo) == (FIRST_ITEM + 3, "notice",
                             "item '服务质量' scores 36, more than its weight (full marks) of 30; an item cannot "
                             "score more than its weight")


def test_every_reader_of_the_books_reports_the_refusal(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    """``trustfund check`` prints ``path:line: rule: message``; Beancount's loader (bean-check, Fava) says the same."""
    repo.write(NOTICE, assessment("95"))
    assert main(["--root", str(repo.root), "check"]) == 1
    out = capsys.readouterr().out
    assert f"{NOTICE}:{SCORE_LINE}: notice: score is 95 but the scoring sheet's items (from line {FIRST_ITEM}) add " \
           "up to 93; the score must be the sum of the items' scores" in out
    _, errors, _ = repo.load()
    [error] = [e for e in errors if e.source["filename"].endswith(NOTICE)]
    assert error.source["lineno"] == SCORE_LINE and "add up to 93" in error.message


def test_only_an_assessment_has_a_scoring_sheet(repo: Repo) -> None:
    repo.write("notices/test/2026-03-01-news.md", "---\ntitle: 通知\ndate: 2026-03-01\nkind: announcement\n"
               "items:" + sheet(ITEM) + "\n---\n正文。\n")
    assert finding(repo, "notices/test/2026-03-01-news.md")[:2] == (5, "notice")


def test_the_sheet_is_read_with_the_line_of_every_item(repo: Repo) -> None:
    repo.write(NOTICE, assessment("93.00"))
    assert repo.check() == []
    compound, errors = read_compound(repo.root, "test")
    notice = compound.notices["2026-01-20-assessment-2025"]
    assert errors == [] and notice.score == 93
    assert notice.items[0] == AssessmentItem("服务质量（保洁、秩序、绿化）",
                                             "Service quality (cleaning, order, greening)",
                                             Decimal(30), Decimal(26), FIRST_ITEM)
    assert [(i.weight, i.score, i.line) for i in notice.items] == [(30, 26, 8), (25, 23, 9), (25, 25, 10), (20, 19, 11)]


def test_an_assessment_without_a_sheet_still_loads(repo: Repo) -> None:
    """Notices written before the sheet existed (and frozen in closed months) keep loading, with no sheet."""
    repo.write(NOTICE, assessment(items=None))
    assert repo.check() == []
    compound, _ = read_compound(repo.root, "test")
    assert compound.notices["2026-01-20-assessment-2025"].items == []


# The sheet on the site


def sheet_rows(html: str) -> list[list[str]]:
    table = re.search(r'<table class="tf-table tf-assessment">(.*?)</table>', html, re.S)
    assert table is not None, "no scoring sheet on the page"
    return [[re.sub(r"<[^>]+>", "", cell).strip() for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)]
            for row in re.findall(r"<tr>(.*?)</tr>", table.group(1), re.S)]


def test_the_budget_page_shows_the_sheet_that_released_the_bonus(examples_site: Path) -> None:
    html = page(examples_site, "hetang-court/budget/2025")
    assert sheet_rows(html) == [
        ["评分项目", "满分", "得分"],
        ["服务质量（保洁、秩序、绿化）", "30", "26"],
        ["财务公开与账目规范", "25", "23"],
        ["业主满意度调查", "25", "25"],
        ["设施设备与安全管理", "20", "19"],
        ["合计", "100", "93"],
        ["绩效奖励门槛：90 分", "绩效奖励已释放"],
    ]
    assert 'href="../../notices/2026-01-20-assessment-2025/"' in html
    # The notice itself shows the same sheet, no longer as a hand-written table in its body.
    notice = page(examples_site, "hetang-court/notices/2026-01-20-assessment-2025")
    assert sheet_rows(notice) == sheet_rows(html)
    # Terms without a bonus show the sheet without a threshold.
    assert sheet_rows(page(examples_site, "qingshui-garden/budget/2025"))[-1] == ["合计", "100", "88"]


def test_a_budget_page_without_a_sheet_shows_none(repo: Repo, tmp_path: Path) -> None:
    repo.write("notices/test/2026-03-20-assessment-2026.md", assessment(items=None).replace(
        "2026-01-20", "2026-03-20").replace("year: 2025", "year: 2026").replace("score: 93", "score: 95"))
    assert build(repo.root, tmp_path / "site") == 0
    html = page(tmp_path / "site", "test/budget/2026")
    assert "已由考核评分释放" in html and "考核评分 95" in html  # the bonus is released, by a score alone
    assert "tf-assessment" not in html and "评分细则" not in html
    assert "tf-assessment" not in page(tmp_path / "site", "test/notices/2026-03-20-assessment-2026")


def test_the_sheet_speaks_english_and_escapes_every_name() -> None:
    notice = SimpleNamespace(slug="2026-01-20-assessment-2025", title="考核", front=SimpleNamespace(data={}),
                             score=93, items=[
                                 AssessmentItem("<b>服务</b>", "<script>pwn()</script>", Decimal(30), Decimal(30), 8),
                                 AssessmentItem("财务", None, Decimal(70), Decimal(63), 9)])
    allowed = SimpleNamespace(bonus_rate=Decimal("0.03"), bonus_min_score=Decimal(90), bonus_notice=None)
    data = SiteBuilder("en", None).assessment_sheet(SimpleNamespace(id="test"), urls.budget("test", 2025), notice,
                                                    allowed)
    html = str(environment().get_template("macros.html").module.assessment_sheet(data, Words("en")))
    assert "<script>" not in html and "<b>" not in html
    assert sheet_rows(html) == [["Item", "Full marks", "Score"], ["&lt;script&gt;pwn()&lt;/script&gt;", "30", "30"],
                                ["财务", "70", "63"], ["Total", "100", "93"],
                                ["Bonus threshold: 90", "Bonus not released"]]
    assert 'href="../../notices/2026-01-20-assessment-2025/"' in html
