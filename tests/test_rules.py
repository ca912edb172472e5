"""Each rule of DESIGN.md's table, through Beancount's real loader: good books pass, bad ones are refused.

The March 2026 journal of each test is its docstring (the ``books`` fixture).
"""

from __future__ import annotations

from tests.conftest import Repo, only


def rules_of(books: Repo) -> list[tuple[int, str]]:
    return [(finding.line, finding.rule) for finding in books.check()]


# voucher

def test_voucher_numbers_in_order_pass(books: Repo) -> None:
    """
    2026-03-02 * "3号楼业主" "2026年3月物业费（3号楼）"
      voucher: "2026-0002"
      Assets:Bank:Fund   12000.00 CNY
      Income:PropertyFees

    2026-03-03 * "4号楼业主" "2026年3月物业费（4号楼）"
      voucher: "2026-00003"
      Assets:Bank:Fund   11000.00 CNY
      Income:PropertyFees
    """
    assert books.check() == []


def test_a_transaction_without_voucher_is_refused(books: Repo) -> None:
    """
    2026-03-02 * "3号楼业主" "2026年3月物业费（3号楼）"
      Assets:Bank:Fund   12000.00 CNY
      Income:PropertyFees
    """
    [finding] = books.check()
    assert (finding.path, finding.line, finding.rule) == ("ledgers/test/2026/03.beancount", 1, "voucher")
    assert "no voucher number" in finding.message and '"2026-NNNN"' in finding.message


def test_a_malformed_voucher_is_refused(books: Repo) -> None:
    """
    2026-03-02 * "3号楼业主" "2026年3月物业费"
      voucher: "26-1"
      Assets:Bank:Fund   12000.00 CNY
      Income:PropertyFees

    2026-03-03 * "4号楼业主" "2026年3月物业费"
      voucher: "2025-0009"
      Assets:Bank:Fund   11000.00 CNY
      Income:PropertyFees
    """
    findings = books.check()
    assert [(f.line, f.rule) for f in findings] == [(1, "voucher"), (6, "voucher")]
    assert "not of the form YYYY-NNNN" in findings[0].message
    assert "numbered for 2025 but the entry is dated 2026-03-03" in findings[1].message


def test_a_reused_voucher_is_refused_naming_the_first_use(books: Repo) -> None:
    """
    2026-03-02 * "3号楼业主" "2026年3月物业费"
      voucher: "2026-0001"
      Assets:Bank:Fund   12000.00 CNY
      Income:PropertyFees
    """
    [finding] = books.check()
    assert (finding.line, finding.rule) == (1, "voucher")
    assert "2026-0001 is already used at ledgers/test/2026/01.beancount:1" in finding.message


# evidence

def test_expenses_below_threshold_need_no_evidence_and_above_need_existing_files(books: Repo) -> None:
    """
    2026-03-05 * "示例五金店" "楼道灯泡"
      voucher: "2026-0002"
      Expenses:Repairs   499.99 CNY
      Assets:Bank:Fund

    2026-03-06 * "清水保洁服务有限公司" "2026年3月保洁服务费"
      voucher: "2026-0003"
      evidence: "2026/03/2026-0003-invoice.pdf, 2026/03/2026-0003-contract.png"
      Expenses:Cleaning   800.00 CNY
      Assets:Bank:Fund
    """
    books.voucher_file("2026/03/2026-0003-invoice.pdf")
    books.voucher_file("2026/03/2026-0003-contract.png", b"\x89PNG\r\n\x1a\n")
    assert books.check() == []


def test_an_expense_at_the_threshold_without_evidence_is_refused(books: Repo) -> None:
    """
    2026-03-05 * "示例五金店" "楼道灯具"
      voucher: "2026-0002"
      Expenses:Repairs   300.00 CNY
      Expenses:Cleaning  200.00 CNY
      Assets:Bank:Fund
    """
    [finding] = books.check()
    assert (finding.line, finding.rule) == (1, "evidence")
    assert "500.00 CNY of expenses without evidence" in finding.message


def test_evidence_naming_a_missing_or_outside_file_is_refused(books: Repo) -> None:
    """
    2026-03-05 * "示例五金店" "灯泡"
      voucher: "2026-0002"
      evidence: "2026/03/nothing-here.pdf"
      Expenses:Repairs   20.00 CNY
      Assets:Bank:Fund

    2026-03-06 * "示例五金店" "灯泡"
      voucher: "2026-0003"
      evidence: "../compound.yaml.pdf"
      Expenses:Repairs   20.00 CNY
      Assets:Bank:Fund

    2026-03-07 * "示例五金店" "灯泡"
      voucher: "2026-0004"
      evidence: "2026/03/receipt.exe"
      Expenses:Repairs   20.00 CNY
      Assets:Bank:Fund
    """
    findings = only(books.check(), "evidence")
    assert [f.line for f in findings] == [1, 7, 13]
    assert "vouchers/2026/03/nothing-here.pdf does not exist" in findings[0].message
    assert "must be a path inside vouchers/" in findings[1].message
    assert "must be a PDF or JPG or JPEG or PNG file" in findings[2].message


# itemised

def test_itemised_income_with_a_sheet_that_adds_up_or_a_single_unit_passes(books: Repo) -> None:
    """
    2026-03-31 * "停车场收费" "2026年3月月租车位"
      voucher: "2026-0002"
      detail: "2026/03/2026-0002-parking.csv"
      Assets:Bank:Fund   600.50 CNY
      Income:Parking

    2026-03-31 * "停车场收费" "P-023 2026年3月"
      voucher: "2026-0003"
      unit: "P-023"
      Assets:Bank:Fund   300.00 CNY
      Income:Parking
    """
    books.voucher_file("2026/03/2026-0002-parking.csv",
                       "unit,item,amount\nP-001,月租,300.00\nP-002,月租,300.50\n".encode())
    assert books.check() == []


def test_a_lump_sum_without_sheet_is_refused(books: Repo) -> None:
    """
    2026-03-31 * "停车场收费" "2026年3月临时停车"
      voucher: "2026-0002"
      Assets:Bank:Fund   1230.00 CNY
      Income:Parking
    """
    [finding] = books.check()
    assert (finding.line, finding.rule) == (1, "itemised")
    assert "1,230.00 CNY into Income:Parking has no detail sheet" in finding.message


def test_a_sheet_a_cent_short_is_refused(books: Repo) -> None:
    """
    2026-03-31 * "停车场收费" "2026年3月月租车位"
      voucher: "2026-0002"
      detail: "2026/03/2026-0002-parking.csv"
      Assets:Bank:Fund   600.50 CNY
      Income:Parking
    """
    books.voucher_file("2026/03/2026-0002-parking.csv",
                       "unit,item,amount\nP-001,月租,300.00\nP-002,月租,300.49\n".encode())
    [finding] = books.check()
    assert (finding.line, finding.rule) == (1, "itemised")
    assert "adds up to 600.49 CNY but the entry books 600.50 CNY" in finding.message


def test_a_sheet_with_a_bad_amount_names_its_line(books: Repo) -> None:
    """
    2026-03-31 * "停车场收费" "2026年3月月租车位"
      voucher: "2026-0002"
      detail: "2026/03/2026-0002-parking.csv"
      Assets:Bank:Fund   600.00 CNY
      Income:Parking
    """
    books.voucher_file("2026/03/2026-0002-parking.csv",
                       "unit,item,amount\nP-001,月租,300.00\nP-002,月租,三百\n".encode())
    [finding] = books.check()
    assert finding.rule == "itemised"
    assert "line 3: amount '三百' is not an amount" in finding.message


# budget-cap

def test_spending_up_to_the_cap_passes(books: Repo) -> None:
    """
    2026-03-10 * "示例维修公司" "水泵维修"
      voucher: "2026-0002"
      evidence: "r.pdf"
      Expenses:Repairs   3000.00 CNY
      Assets:Bank:Fund

    2026-03-20 * "示例电梯公司" "电梯维修"
      voucher: "2026-0003"
      evidence: "r.pdf"
      Expenses:Repairs:Elevator   2000.00 CNY
      Assets:Bank:Fund
    """
    books.voucher_file("r.pdf")
    assert books.check() == []


def test_spending_past_the_cap_is_refused_on_the_entry_that_passed_it(books: Repo) -> None:
    """
    2026-03-10 * "示例维修公司" "水泵维修"
      voucher: "2026-0002"
      evidence: "r.pdf"
      Expenses:Repairs   3000.00 CNY
      Assets:Bank:Fund

    2026-03-20 * "示例电梯公司" "电梯维修"
      voucher: "2026-0003"
      evidence: "r.pdf"
      Expenses:Repairs:Elevator   2000.01 CNY
      Assets:Bank:Fund

    2026-03-25 * "示例维修公司" "门禁维修"
      voucher: "2026-0004"
      evidence: "r.pdf"
      Expenses:Repairs   900.00 CNY
      Assets:Bank:Fund
    """
    books.voucher_file("r.pdf")
    [finding] = books.check()
    assert (finding.line, finding.rule) == (7, "budget-cap")
    assert finding.message == (
        "Expenses:Repairs: 5,000.01 CNY spent by 2026-03-20, cap 5,000.00 CNY (budgets/test/2026.yaml:11); "
        "over by 0.01 CNY — the owners must approve an amendment before this is spent")


def test_an_amendment_raises_the_cap_only_from_its_vote(repo: Repo) -> None:
    repo.write("budgets/test/2026.yaml", """\
        year: 2026
        approved_by: 2025-12-20-budget-vote
        trustee: {base_rate: 0.12}
        lines:
          Expenses:Cleaning: 10000.00
          Expenses:Repairs: 5000.00
        amendments:
          - approved_by: 2026-06-28-repair-vote
            lines:
              Expenses:Repairs: 2000.00
        """)
    repo.write("notices/test/2026-06-28-repair-vote.md", """\
        ---
        title: 维修预算调整表决
        date: 2026-06-28
        kind: vote
        matter: budget
        households: {total: 100, voted: 70, for: 60}
        area: {total: 10000.00, voted: 7000.00, for: 6000.00}
        result: passed
        ---
        通过。
        """)
    repo.voucher_file("r.pdf")
    repo.journal("""\
        2026-05-10 * "示例维修公司" "水泵更换"
          voucher: "2026-0002"
          evidence: "r.pdf"
          Expenses:Repairs   6000.00 CNY
          Assets:Bank:Fund
        """, month="2026/05")
    repo.journal("""\
        2026-07-10 * "示例维修公司" "屋面防水"
          voucher: "2026-0003"
          evidence: "r.pdf"
          Expenses:Repairs   1000.00 CNY
          Assets:Bank:Fund
        """, month="2026/07")
    [finding] = repo.check()
    assert (finding.path, finding.rule) == ("ledgers/test/2026/05.beancount", "budget-cap")
    assert "6,000.00 CNY spent by 2026-05-10, cap 5,000.00 CNY" in finding.message
    # After the vote the cap is 7,000.00: 7,000.00 spent by July is within it.
    repo.journal("""\
        2026-05-10 * "示例维修公司" "水泵更换"
          voucher: "2026-0002"
          evidence: "r.pdf"
          Expenses:Repairs   4000.00 CNY
          Assets:Bank:Fund
        """, month="2026/05")
    repo.journal("""\
        2026-07-10 * "示例维修公司" "屋面防水"
          voucher: "2026-0003"
          evidence: "r.pdf"
          Expenses:Repairs   3000.00 CNY
          Assets:Bank:Fund
        """, month="2026/07")
    assert repo.check() == []


# unbudgeted

def test_spending_on_an_account_no_line_covers_is_refused_once_with_its_total(books: Repo) -> None:
    """
    2026-03-02 * "示例园林公司" "草坪补种"
      voucher: "2026-0002"
      Expenses:Greening   300.00 CNY
      Assets:Bank:Fund

    2026-03-12 * "示例园林公司" "修剪"
      voucher: "2026-0003"
      Expenses:Greening   100.00 CNY
      Assets:Bank:Fund
    """
    [finding] = books.check()
    assert (finding.line, finding.rule) == (1, "unbudgeted")
    assert finding.message.startswith("Expenses:Greening: 400.00 CNY in 2 entries of 2026, the first here; "
                                      "no line of budgets/test/2026.yaml covers Expenses:Greening")


def test_spending_in_a_year_without_budget_is_refused(repo: Repo) -> None:
    repo.journal("""\
        2025-06-02 * "示例保洁公司" "保洁"
          voucher: "2025-0001"
          Expenses:Cleaning   100.00 CNY
          Equity:Opening
        """, month="2025/06")
    [finding] = repo.check()
    assert (finding.path, finding.rule) == ("ledgers/test/2025/06.beancount", "unbudgeted")
    assert "2025 has no budget (budgets/test/2025.yaml is missing)" in finding.message


def test_a_budget_whose_vote_did_not_pass_does_not_count(books: Repo) -> None:
    """
    2026-03-02 * "示例保洁公司" "保洁"
      voucher: "2026-0002"
      Expenses:Cleaning   100.00 CNY
      Assets:Bank:Fund
    """
    books.write("notices/test/2025-12-20-budget-vote.md", """\
        ---
        title: 2026年度预算表决结果
        date: 2025-12-20
        kind: vote
        matter: budget
        households: {total: 100, voted: 80, for: 30}
        area: {total: 10000.00, voted: 8000.00, for: 3000.00}
        result: rejected
        ---
        未通过。
        """)
    findings = books.check()
    assert {(f.path, f.rule) for f in findings} == {
        ("budgets/test/2026.yaml", "budget"), ("ledgers/test/2026/03.beancount", "unbudgeted")}
    assert "is not a passed vote" in only(findings, "budget")[0].message
    assert "the 2026 budget (budgets/test/2026.yaml) is not approved" in only(findings, "unbudgeted")[0].message


# trustee-fee

def test_remuneration_within_the_base_rate_at_every_date_passes(books: Repo) -> None:
    """
    2026-03-01 * "1号楼业主" "物业费"
      voucher: "2026-0002"
      Assets:Bank:Fund   10000.00 CNY
      Income:PropertyFees

    2026-03-31 * "示例物业服务有限公司" "3月酬金"
      voucher: "2026-0003"
      evidence: "fee.pdf"
      Expenses:TrusteeFee   1200.00 CNY
      Assets:Bank:Fund
    """
    books.voucher_file("fee.pdf")
    assert books.check() == []


def test_remuneration_ahead_of_income_is_refused_at_its_date(books: Repo) -> None:
    """
    2026-03-01 * "示例物业服务有限公司" "3月酬金（预支）"
      voucher: "2026-0002"
      evidence: "fee.pdf"
      Expenses:TrusteeFee   1200.00 CNY
      Assets:Bank:Fund

    2026-03-31 * "1号楼业主" "物业费"
      voucher: "2026-0003"
      Assets:Bank:Fund   10000.00 CNY
      Income:PropertyFees
    """
    books.voucher_file("fee.pdf")
    [finding] = books.check()
    assert (finding.line, finding.rule) == (1, "trustee-fee")
    assert finding.message.startswith(
        "Expenses:TrusteeFee: 1,200.00 CNY booked for 2026 by 2026-03-01, limit 12% × 0.00 CNY income = 0.00 CNY "
        "(budgets/test/2026.yaml:3); over by 1,200.00 CNY; the 3% bonus is not released")


def test_the_bonus_needs_a_passing_assessment_published_before_it_is_booked(repo: Repo) -> None:
    repo.voucher_file("fee.pdf")
    repo.journal("""\
        2026-03-01 * "1号楼业主" "物业费"
          voucher: "2026-0002"
          Assets:Bank:Fund   10000.00 CNY
          Income:PropertyFees

        2026-12-31 * "示例物业服务有限公司" "全年酬金"
          voucher: "2026-0003"
          evidence: "fee.pdf"
          Expenses:TrusteeFee   1200.00 CNY
          Assets:Bank:Fund
        """)
    repo.write("budgets/test/2027.yaml", """\
        year: 2027
        approved_by: 2025-12-20-budget-vote
        trustee: {base_rate: 0.12}
        lines: {Expenses:Cleaning: 1000.00}
        """)
    repo.journal("""\
        2027-01-10 * "示例物业服务有限公司" "2026年度绩效奖励"
          voucher: "2027-0001"
          period: "2026"
          evidence: "fee.pdf"
          Expenses:TrusteeFee   300.00 CNY
          Assets:Bank:Fund
        """, month="2027/01")
    [finding] = repo.check()
    assert (finding.path, finding.rule) == ("ledgers/test/2027/01.beancount", "trustee-fee")
    assert "1,500.00 CNY booked for 2026 by 2027-01-10" in finding.message
    assert "no assessment of 2026 scoring 90 or more is published by 2027-01-10" in finding.message

    def assessment(score: int) -> str:
        return f"""\
            ---
            title: 2026年度受托人考核结果
            date: 2027-01-05
            kind: assessment
            year: 2026
            score: {score}
            ---
            考核完成。
            """
    repo.write("notices/test/2027-01-05-assessment-2026.md", assessment(89))
    assert [f.rule for f in repo.check()] == ["trustee-fee"]
    repo.write("notices/test/2027-01-05-assessment-2026.md", assessment(93))
    assert repo.check() == []


def test_remuneration_without_trustee_terms_is_refused(books: Repo) -> None:
    """
    2026-03-01 * "1号楼业主" "物业费"
      voucher: "2026-0002"
      Assets:Bank:Fund   10000.00 CNY
      Income:PropertyFees

    2026-03-31 * "示例物业服务有限公司" "3月酬金"
      voucher: "2026-0003"
      Expenses:TrusteeFee   100.00 CNY
      Assets:Bank:Fund
    """
    books.write("budgets/test/2026.yaml", """\
        year: 2026
        approved_by: 2025-12-20-budget-vote
        lines: {Expenses:Cleaning: 1000.00}
        """)
    [finding] = books.check()
    assert (finding.line, finding.rule) == (6, "trustee-fee")
    assert "2026 has no approved trustee terms" in finding.message


# accounts

def test_an_account_without_display_names_is_refused(repo: Repo) -> None:
    repo.write("ledgers/test/accounts.beancount", (repo.compound / "accounts.beancount").read_text()
               + '2025-01-01 open Expenses:Security CNY\n  name: "秩序维护费"\n'
               + "2025-01-01 open Expenses:Office CNY\n")
    findings = repo.check()
    assert [(f.path, f.rule) for f in findings] == [("ledgers/test/accounts.beancount", "accounts")] * 3
    messages = [f.message for f in findings]
    assert "Expenses:Security is opened without its English display name" in messages[0]
    assert "Expenses:Office is opened without its Chinese display name" in " ".join(messages[1:])


# privacy

def test_personal_numbers_and_name_fields_are_refused_wherever_they_are(books: Repo) -> None:
    """
    2026-03-02 * "3号楼业主" "补缴物业费 联系电话139-1234-5678"
      voucher: "2026-0002"
      Assets:Bank:Fund   960.00 CNY
      Income:PropertyFees

    2026-03-03 * "3号楼业主" "退款"
      voucher: "2026-0003"
      owner: "某某"
      Assets:Bank:Fund   -10.00 CNY
        memo: "退至卡号6222020200112233446"
      Income:PropertyFees

    2026-03-04 * "3号楼业主" "身份证11010519491231002X 核验"
      voucher: "2026-0004"
      Assets:Bank:Fund   10.00 CNY
      Income:PropertyFees

    2026-03-05 * "管理处" "座机010-66668888"
      voucher: "2026-0005"
      Assets:Bank:Fund   10.00 CNY
      Income:PropertyFees
    """
    findings = only(books.check(), "privacy")
    assert [(f.line, f.message.split(" (")[0].split(";")[0]) for f in findings] == [
        (1, "the text holds a mobile phone number"),
        (6, "'owner:' is a person's name or contact field"),
        (10, "'memo:' holds a bank-card number"),
        (13, "the text holds an ID-card number"),
        (18, "the text holds a phone number"),
    ]


def test_unit_codes_vouchers_dates_and_amounts_are_not_personal(books: Repo) -> None:
    """
    2026-03-02 * "3号楼业主" "3-2-501 补缴2025年12月至2026年2月物业费 凭证2026-0002 合计1234567.89"
      voucher: "2026-0002"
      unit: "3-2-501"
      Assets:Bank:Fund   960.00 CNY
      Income:PropertyFees
    """
    assert books.check() == []


def test_personal_data_in_detail_sheets_and_notices_is_refused(books: Repo) -> None:
    """
    2026-03-31 * "停车场收费" "2026年3月月租车位"
      voucher: "2026-0002"
      detail: "2026/03/p.csv"
      Assets:Bank:Fund   300.00 CNY
      Income:Parking
    """
    books.voucher_file("2026/03/p.csv", "unit,item,amount\nP-001,车主电话13800138000,300.00\n".encode())
    books.write("notices/test/2026-03-01-repair.md", """\
        ---
        title: 维修通知
        date: 2026-03-01
        kind: announcement
        ---
        如有疑问请致电 021-55556666。
        """)
    findings = only(books.check(), "privacy")
    assert sorted((f.path, f.line) for f in findings) == [
        ("ledgers/test/vouchers/2026/03/p.csv", 2), ("notices/test/2026-03-01-repair.md", 6)]
