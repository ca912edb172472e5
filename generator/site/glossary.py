"""The glossary (术语表): the site's terms in plain words, and the links that lead to them from the pages.

Each term has a stable ASCII anchor on the one glossary page (``glossary/#common-fund``), its name, one or
two plain sentences in each language, and the spellings it takes in the site's own sentences. A page links a
term where it appears in a sentence with the ``terms`` filter and gives a term a line of its own ("什么是酬金？")
with ``what_is``; both return text as pairs of (text, link or None) that the ``linked`` macro in
``macros.html`` writes out, so the ``<a>`` is the template's and every text is escaped by it::

    {{ linked(w("trustee_within", ...) | terms("booked", "cap")) }}
    已<a class="tf-term" href="../../../glossary/#booked">计提</a> 1,000.00 元，不超过<a …>约定上限</a> …

Both filters read the page's words (``w``) and its link to the glossary (``glossary``, which
``SiteBuilder.render`` gives every page); without that link they leave the text as it is.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from jinja2 import pass_context
from jinja2.runtime import Context

from generator.site.words import Words

# Text as the ``linked`` macro writes it: each part with the link to a term's explanation, or None.
Parts = list[tuple[str, str | None]]


@dataclass(frozen=True)
class Term:
    anchor: str  # the term's id on the glossary page: stable, other pages and printed sheets link to it
    name: dict[str, str]  # as the glossary lists it; alternatives after " / "
    about: dict[str, str]  # one or two plain sentences, for an owner who has never kept books
    forms: dict[str, tuple[str, ...]]  # how the site's sentences spell it, where it is linked

    def short(self, language: str) -> str:
        """The name without its alternatives: 结账 for 结账 / 已结账."""
        return self.name[language].split(" / ")[0]


TERMS: tuple[Term, ...] = (
    Term("common-fund", {"zh": "共有资金", "en": "Common fund"},
         {"zh": "全体业主交的物业费，加上停车、广告、场地出租等公共收入，合起来就是共有资金。"
                "这笔钱属于全体业主，不属于物业公司。",
          "en": "The property fees all the owners pay, together with the compound's public income from parking, "
                "advertising and rentals. This money belongs to all the owners, not to the property company."},
         {"zh": ("共有资金", "共有基金"), "en": ("common fund",)}),
    Term("owners-assembly", {"zh": "业主大会", "en": "Owners' assembly"},
         {"zh": "全体业主组成的大会。每年的预算、物业费标准和大的维修，都由业主大会投票决定。",
          "en": "All the owners together. The year's budget, the fee rate and major repairs are decided by its "
                "vote."},
         {"zh": ("业主大会",), "en": ("owners' assembly",)}),
    Term("committee", {"zh": "业委会", "en": "Owners' committee"},
         {"zh": "业主委员会的简称，由业主选出，平时代表业主大会办事，在预算和公告上签字。",
          "en": "Short for the owners' committee: elected by the owners, it acts for the owners' assembly "
                "between meetings and signs the budgets and notices."},
         {"zh": ("业委会", "业主委员会"), "en": ("owners' committee", "committee")}),
    Term("trustee", {"zh": "受托人", "en": "Trustee"},
         {"zh": "受全体业主委托，替大家管钱、做物业服务的物业公司。它只能按业主表决通过的预算花钱，每一笔都要公开。",
          "en": "The property company the owners have entrusted with their money and the compound's services. "
                "It may spend only under the budget the owners approved, and every item is published."},
         {"zh": ("受托人",), "en": ("trustee",)}),
    Term("treasurer", {"zh": "出纳", "en": "Treasurer"},
         {"zh": "物业公司负责收钱、付钱和记账的人。每一笔账都由出纳签名记入，再由监察人核对。",
          "en": "The property company's bookkeeper, who receives and pays the money and enters every item in "
                "the books under their signature; the supervisors then check it."},
         {"zh": ("出纳",), "en": ("treasurer",)}),
    Term("supervisor", {"zh": "监察人", "en": "Supervisor"},
         {"zh": "代表业主查账的人，例如社区居委会、律师或会计师。他们核对账目的每一次改动，每月核对无误后签名结账。",
          "en": "Those who check the books on the owners' behalf, such as the community committee, a lawyer or "
                "an accountant. They review every change and sign off each month."},
         {"zh": ("监察人",), "en": ("supervisor",)}),
    Term("remuneration", {"zh": "酬金", "en": "Trustee remuneration"},
         {"zh": "物业公司替大家管事得到的报酬，按约定比例从共有资金的收入里提取，例如收入的15%。"
                "其余的钱都要按预算用在小区上。",
          "en": "The property company's pay for its work: an agreed share of the common fund's income, for "
                "example 15%. The rest of the money is spent on the compound under the budget."},
         {"zh": ("受托人酬金", "酬金"), "en": ("trustee remuneration", "remuneration")}),
    Term("bonus", {"zh": "绩效奖励", "en": "Performance bonus"},
         {"zh": "酬金里和服务好坏挂钩的一部分，例如收入的3%。只有年度考核评分达到约定的分数，物业公司才能拿到。",
          "en": "The part of the remuneration that depends on the service, for example 3% of the income. The "
                "property company gets it only when the year's assessment score reaches the agreed mark."},
         {"zh": ("绩效奖励",), "en": ("performance bonus", "bonus")}),
    Term("assessment", {"zh": "考核评分", "en": "Assessment score"},
         {"zh": "每年按公布的评分细则给物业服务打的分。分数够了，物业公司才能拿到绩效奖励。",
          "en": "The yearly score of the property company's service, by published scoring rules. Only a high "
                "enough score releases the performance bonus."},
         {"zh": ("考核评分",), "en": ("assessment score", "assessment")}),
    Term("booked", {"zh": "计提", "en": "Booked (accrued)"},
         {"zh": "把一笔该付的钱正式记到账上。“已计提酬金”就是已经记在账上、算作物业公司报酬的钱。",
          "en": "Entering an amount that is owed in the books. The remuneration booked is what the books "
                "already count as the property company's pay."},
         {"zh": ("计提",), "en": ("booked",)}),
    Term("open-budget", {"zh": "开放式预算", "en": "Open budget"},
         {"zh": "一年的收支计划，和业主一起商量，再由业主大会表决通过，写明每一项最多花多少钱。全年的支出都不能超出它。",
          "en": "The year's plan of income and spending, drafted with the owners and approved by their vote; it "
                "sets the most each line may spend, and the year's spending must keep within it."},
         {"zh": ("开放式预算",), "en": ("open budget",)}),
    Term("cap", {"zh": "预算上限 / 约定上限", "en": "Budget cap / agreed limit"},
         {"zh": "预算上限是业主表决给每一项支出定下的最多能花的钱；约定上限是物业公司按约定比例最多能提取的酬金。"
                "两者都不许超过。",
          "en": "A budget cap is the most a line of the budget may spend, as the owners voted; the agreed limit "
                "is the most remuneration the property company may take at the agreed rates. Neither may be "
                "exceeded."},
         {"zh": ("预算上限", "约定上限"), "en": ("budget cap", "agreed limit", "cap", "limit")}),
    Term("amendment", {"zh": "预算调整", "en": "Budget amendment"},
         {"zh": "年中某一项预算不够用或用不完时，经业主再次投票表决，对它的上限作的修改。没有表决通过，预算不能改。",
          "en": "A change to a line's cap during the year, made by a new vote of the owners. Without a vote, the "
                "budget cannot change."},
         {"zh": ("预算调整",), "en": ("budget amendment", "amendment")}),
    Term("voucher", {"zh": "凭证 / 原始凭证", "en": "Voucher / evidence"},
         {"zh": "凭证号是每一笔账的编号，有疑问时报这个号就能找到这笔账。原始凭证是这笔钱的发票、收据、合同等证明，"
                "在本站可以直接打开看。",
          "en": "The voucher number is each item's number: quote it and the item can be found. The evidence is "
                "the invoice, receipt or contract behind the item, which you can open on this site."},
         {"zh": ("原始凭证", "凭证号", "凭证"), "en": ("voucher", "evidence")}),
    Term("detail-sheet", {"zh": "明细表", "en": "Detail sheet"},
         {"zh": "一笔合在一起入账的钱（例如一天收到的停车费）逐笔列出的清单。清单上的金额加起来，必须和账上这笔钱一分不差。",
          "en": "The list behind a sum booked as one item (such as a day's parking fees), one line per payment. "
                "Its lines must add up to the item, to the cent."},
         {"zh": ("明细表",), "en": ("detail sheet",)}),
    Term("closed", {"zh": "结账 / 已结账", "en": "Closing a month / closed"},
         {"zh": "监察人把一个月的账核对完，签名确认，叫结账。已结账的月份，账目就不能再改了。",
          "en": "When a supervisor has checked a month's books, they sign it off: the month is closed. The books "
                "of a closed month can no longer change."},
         {"zh": ("已结账", "结账"), "en": ("closed",)}),
    Term("public-notice", {"zh": "公示", "en": "Public notice"},
         {"zh": "把账目、预算和表决结果贴在小区公告栏和本站上，让每位业主都看得到。每月的财务报告可以打印出来张贴。",
          "en": "Putting the accounts, budgets and vote results on the notice board at the gate and on this site "
                "for every owner to see. Each month's report prints on one sheet for the board."},
         {"zh": ("公示",), "en": ("public notice",)}),
    Term("query", {"zh": "质询", "en": "Query"},
         {"zh": "业主对任何一笔收支有疑问，都可以要求说明。打电话、写信、发邮件或在网上提都可以，答复会在本站公开。",
          "en": "Any owner may ask for an explanation of any item of income or spending, by phone, letter, "
                "e-mail or online; the answer is published on this site."},
         {"zh": ("质询",), "en": ("query",)}),
    Term("collection-rate", {"zh": "收缴率", "en": "Collection rate"},
         {"zh": "某个月应交的物业费里已经交了多少，用百分比表示。晚些补交的，也算回那个月。",
          "en": "How much of a month's property fees has been paid, as a share of what was due. Fees paid late "
                "still count for their month."},
         {"zh": ("收缴率",), "en": ("collection rate", "rate")}),
    Term("arrears", {"zh": "欠费", "en": "Arrears"},
         {"zh": "到期该交、还没有交的物业费。本站只公布欠费的总数和户数，不公布是哪一户。",
          "en": "Property fees that were due and have not been paid. This site shows only the total and the "
                "number of units, never which unit."},
         {"zh": ("欠费",), "en": ("arrears", "owe")}),
    Term("advance", {"zh": "预收款", "en": "Advance receipts"},
         {"zh": "业主多交的、或者还没到期就先交的钱。它先记作欠业主的钱，不算小区的收入，以后抵物业费或者退还。",
          "en": "Money an owner paid beyond what was due. It is kept apart as money owed to the owner, not "
                "counted as income, until it pays later fees or is paid back."},
         {"zh": ("预收款",), "en": ("advance receipts", "advances", "advance")}),
)

BY_ANCHOR = {term.anchor: term for term in TERMS}


def term_parts(text: str, language: str, glossary: str | None, anchors: tuple[str, ...]) -> Parts:
    """``text`` in parts, the first place each term (by anchor) appears in it linked to its explanation at
    ``glossary`` (the page's link to the glossary page); a term the text does not hold is left out. English
    spellings match whole words, in any case; a longer spelling wins over a shorter one at the same place."""
    if not glossary:
        return [(text, None)]
    found: list[tuple[int, int, str]] = []
    for anchor in anchors:
        spans = []
        for form in BY_ANCHOR[anchor].forms[language]:
            pattern = rf"\b{re.escape(form)}\b" if language == "en" else re.escape(form)
            match = re.search(pattern, text, re.IGNORECASE)
            if match:
                spans.append((match.start(), -len(form)))
        if spans:
            start, negative_length = min(spans)
            found.append((start, start - negative_length, anchor))
    parts: Parts = []
    at = 0
    for start, end, anchor in sorted(found):
        if start < at:  # overlaps a term already linked
            continue
        if start > at:
            parts.append((text[at:start], None))
        parts.append((text[start:end], f"{glossary}#{anchor}"))
        at = end
    if at < len(text):
        parts.append((text[at:], None))
    return parts


def what_is_parts(words: Words, glossary: str | None, anchor: str) -> Parts:
    """"什么是酬金？" with the term linked to its explanation."""
    name = BY_ANCHOR[anchor].short(words.language)
    before, _, after = words("what_is", term="\0").partition("\0")
    return [(before, None), (name, f"{glossary}#{anchor}" if glossary else None), (after, None)]


@pass_context
def terms_filter(context: Context, text: str, *anchors: str) -> Parts:
    words: Words = context["w"]
    return term_parts(text, words.language, context.get("glossary"), anchors)


@pass_context
def what_is_filter(context: Context, anchor: str) -> Parts:
    return what_is_parts(context["w"], context.get("glossary"), anchor)
