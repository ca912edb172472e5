"""The words and formats the site speaks, in Simplified Chinese first and English second.

Terms follow shared/GLOSSARY.md. Numbers: ``1,234.56``; dates ``2026年3月15日``
or ``15 Mar 2026``; percentages to one decimal.
"""

from __future__ import annotations

import datetime

from generator.money import format_money, format_rate, format_share

LANGUAGES = ("zh", "en")

WORDS: dict[str, dict[str, str]] = {
    "site_title": {"zh": "共有资金公开", "en": "Open books of the common fund"},
    "all_compounds": {"zh": "各小区共有资金", "en": "Common funds of every compound"},
    "compound": {"zh": "小区", "en": "Compound"},
    "fund_balance": {"zh": "共有资金余额", "en": "Fund balance"},
    "income": {"zh": "收入", "en": "Income"},
    "spending": {"zh": "支出", "en": "Spending"},
    "surplus": {"zh": "结余", "en": "Surplus"},
    "budget_used": {"zh": "预算使用", "en": "Budget used"},
    "trustee_fee": {"zh": "受托人酬金", "en": "Trustee remuneration"},
    "dashboard": {"zh": "概览", "en": "Overview"},
    "budget": {"zh": "开放式预算", "en": "Open budget"},
    "notices": {"zh": "公示公告", "en": "Notices"},
    "downloads": {"zh": "数据下载", "en": "Downloads"},
    "search": {"zh": "查找收支", "en": "Find an item"},
    "history": {"zh": "变更记录", "en": "History"},
    "years": {"zh": "各年账目", "en": "Years"},
    "months": {"zh": "各月明细", "en": "Months"},
    "month": {"zh": "月份", "en": "Month"},
    "year": {"zh": "年度", "en": "Year"},
    "total": {"zh": "合计", "en": "Total"},
    "category": {"zh": "科目", "en": "Category"},
    "voucher": {"zh": "凭证号", "en": "Voucher"},
    "date": {"zh": "日期", "en": "Date"},
    "counterparty": {"zh": "对方", "en": "Counterparty"},
    "description": {"zh": "摘要", "en": "Description"},
    "amount": {"zh": "金额（元）", "en": "Amount (CNY)"},
    "evidence": {"zh": "原始凭证", "en": "Evidence"},
    # An evidence file by its kind (generator/site/evidence.py), with a preview of it inside the link
    "evidence_kind_invoice": {"zh": "发票", "en": "Invoice"},
    "evidence_kind_contract": {"zh": "合同", "en": "Contract"},
    "evidence_kind_photo": {"zh": "照片", "en": "Photo"},
    "evidence_kind_receipt": {"zh": "收据", "en": "Receipt"},
    "evidence_kind_list": {"zh": "清单", "en": "List"},
    "evidence_kind_voucher": {"zh": "凭证", "en": "Voucher"},
    "evidence_numbered": {"zh": "{kind}{number}", "en": "{kind} {number}"},
    "evidence_label": {"zh": "{kind}（{format}）", "en": "{kind} ({format})"},
    "evidence_format_pdf": {"zh": "PDF", "en": "PDF"},
    "evidence_format_image": {"zh": "图片", "en": "image"},
    "detail_sheet": {"zh": "明细表", "en": "Detail sheet"},
    "unit": {"zh": "单元/车位", "en": "Unit / space"},
    "query": {"zh": "质询", "en": "Query"},
    "query_this": {"zh": "对此笔提出质询", "en": "Raise a query about this item"},
    "no_items": {"zh": "本月没有收支记录。", "en": "No entries this month."},
    "no_entries": {"zh": "暂无账目。", "en": "No entries yet."},
    "no_budget": {"zh": "本年度没有经表决通过的预算。", "en": "No approved budget for this year."},
    "budget_line": {"zh": "预算科目", "en": "Budget line"},
    "cap": {"zh": "预算上限", "en": "Cap"},
    "approved_cap": {"zh": "表决通过", "en": "Approved"},
    "amendments": {"zh": "预算调整", "en": "Amendments"},
    "spent": {"zh": "已支出", "en": "Spent"},
    "share_used": {"zh": "使用比例", "en": "Share used"},
    "remaining": {"zh": "剩余", "en": "Remaining"},
    "over_cap": {"zh": "超出预算", "en": "Over the cap"},
    "unbudgeted": {"zh": "预算外支出", "en": "Spending outside the budget"},
    "planned": {"zh": "计划", "en": "Planned"},
    "actual": {"zh": "实际", "en": "Actual"},
    "planned_income": {"zh": "计划收入与实际收入", "en": "Planned against actual income"},
    "trustee_statement": {"zh": "受托人酬金计算", "en": "Trustee remuneration statement"},
    "income_base": {"zh": "年度共有资金收入", "en": "Fund income of the year"},
    "base_rate": {"zh": "基本酬金比例", "en": "Base rate"},
    "base_amount": {"zh": "基本酬金", "en": "Base remuneration"},
    "bonus": {"zh": "绩效奖励", "en": "Performance bonus"},
    "bonus_released": {"zh": "已由考核评分释放", "en": "released by the assessment"},
    "bonus_not_released": {"zh": "尚未释放（需考核评分达到 {score} 分）",
                           "en": "not released (needs an assessment score of {score})"},
    "allowed": {"zh": "可计提酬金", "en": "Remuneration allowed"},
    "booked": {"zh": "已计提酬金", "en": "Remuneration booked"},
    "difference": {"zh": "差额（可计提 − 已计提）", "en": "Difference (allowed − booked)"},
    "approved_by": {"zh": "表决依据", "en": "Approved by"},
    "built_from": {"zh": "账本更新于 {commit_time}，本页生成于 {built}。校验码：{commit}",
                   "en": "Books as of {commit_time}; page built on {built}. Verification code: {commit}"},
    "uncommitted": {"zh": "未提交的工作副本", "en": "an uncommitted working copy"},
    "fictitious": {"zh": "虚构示例", "en": "Fictitious example"},
    "monthly_chart": {"zh": "每月收入与支出", "en": "Income and spending by month"},
    "category_chart": {"zh": "支出构成", "en": "Spending by category"},
    "by_category": {"zh": "分科目按月收支", "en": "By category, month by month"},
    "recent_notices": {"zh": "最新公告", "en": "Latest notices"},
    "notice_kind_announcement": {"zh": "公告", "en": "Announcement"},
    "notice_kind_minutes": {"zh": "会议纪要", "en": "Minutes"},
    "notice_kind_vote": {"zh": "表决结果", "en": "Vote"},
    "notice_kind_assessment": {"zh": "考核评分", "en": "Assessment"},
    "notice_kind_report": {"zh": "财务报告", "en": "Report"},
    "vote_result": {"zh": "表决结果", "en": "Result"},
    "passed": {"zh": "通过", "en": "Passed"},
    "rejected": {"zh": "未通过", "en": "Rejected"},
    "households": {"zh": "户数", "en": "Households"},
    "area": {"zh": "面积（㎡）", "en": "Area (m²)"},
    "participation": {"zh": "参与率", "en": "Participation"},
    "approval": {"zh": "同意率", "en": "Approval"},
    "score": {"zh": "考核评分", "en": "Score"},
    "assessment_sheet": {"zh": "评分细则", "en": "Scoring rules"},
    "assessment_item": {"zh": "评分项目", "en": "Item"},
    "assessment_weight": {"zh": "满分", "en": "Full marks"},
    "assessment_points": {"zh": "得分", "en": "Score"},
    "bonus_threshold": {"zh": "绩效奖励门槛：{score} 分", "en": "Bonus threshold: {score}"},
    "bonus_released_short": {"zh": "绩效奖励已释放", "en": "Bonus released"},
    "bonus_withheld": {"zh": "绩效奖励未释放", "en": "Bonus not released"},
    "transactions_csv": {"zh": "{year}收支明细（表格，可用 Excel/WPS 打开）",
                         "en": "Transactions of {year} (spreadsheet, opens in Excel)"},
    "downloads_intro": {"zh": "每年一个表格文件，每笔收支的每一行记账都在其中；程序可直接读取下面的原始账本文件。",
                        "en": "One spreadsheet a year, with every line of every transaction; programs can read "
                              "the raw ledger files below."},
    "downloads_open": {"zh": "每个文件都是 .zip 压缩包。手机上：下载后点开即可看到里面的表格（在微信里请先点右上角"
                             "“…”，选“在浏览器打开”再下载）；电脑上：双击或右键选“全部解压缩”，再用 Excel 或 WPS "
                             "打开里面的 .csv 文件。",
                       "en": "Each file is a .zip archive. On a phone, open it after downloading to see the "
                             "spreadsheet inside (in WeChat, first choose “Open in browser” from the “…” menu); on a "
                             "computer, double-click it or choose “Extract all”, then open the .csv file inside in "
                             "Excel or WPS."},
    "file_size": {"zh": "（{size}）", "en": "({size})"},
    "raw_ledger": {"zh": "原始账本文件（Beancount）", "en": "The raw ledger files (Beancount)"},
    "raw_ledger_open": {"zh": "把下面的压缩包全部解压到同一个文件夹，就是完整的账本：可用 Beancount 的 bean-check "
                              "或 Fava 打开其中的 main.beancount。",
                        "en": "Extract all the archives below into one folder to get the whole ledger: open its "
                              "main.beancount with Beancount's bean-check or Fava."},
    "ledger_books": {"zh": "账本主文件与科目表（{files}）", "en": "The main file and chart of accounts ({files})"},
    "ledger_year": {"zh": "{year}各月账本", "en": "The monthly ledgers of {year}"},
    "search_hint": {"zh": "如：保洁费 或 15000", "en": "e.g. Cleaning or 15000"},
    "search_button": {"zh": "查找", "en": "Search"},
    "search_noscript": {"zh": "查找功能需要浏览器启用脚本；也可按年、按月浏览。",
                        "en": "Search needs JavaScript; you can also browse by year and month."},
    "search_label": {"zh": "要查找的内容", "en": "What to find"},
    "search_help": {"zh": "可按类别（如 保洁费、停车费）、对方名称、摘要、凭证号或金额（如 15000、15,000.00 或 1.5万）"
                          "查找；几个词用空格隔开时，同时符合的才列出。",
                    "en": "Find an item by category (e.g. Cleaning, Parking), counterparty, description, voucher "
                          "number or amount (e.g. 15000 or 15,000.00); with several words, an item must match "
                          "them all."},
    "search_found": {"zh": "找到 {count} 条与“{query}”相符的收支。", "en": "{count} items found for “{query}”."},
    "search_found_one": {"zh": "找到 1 条与“{query}”相符的收支。", "en": "1 item found for “{query}”."},
    "search_so_far": {"zh": "在最近的月份中已找到 {count} 条与“{query}”相符的收支；更早的请点下面的“显示更早的结果”。",
                      "en": "{count} items found for “{query}” in the latest months; tap “Show earlier results” "
                            "for older ones."},
    "search_earlier": {"zh": "显示更早的结果", "en": "Show earlier results"},
    "search_none": {"zh": "没有找到与“{query}”相符的收支。", "en": "Nothing found for “{query}”."},
    "search_scope": {"zh": "已在{years}的全部收支中按类别、对方名称、摘要、凭证号和金额查找。",
                     "en": "Searched every item of {years} by category, counterparty, description, voucher "
                           "number and amount."},
    "search_separator": {"zh": "、", "en": ", "},
    "search_busy": {"zh": "正在查找…", "en": "Searching…"},
    "search_failed": {"zh": "查找所需的数据未能载入，请检查网络后再试。",
                      "en": "The search data could not be loaded; check the connection and try again."},
    "other_currency": {"zh": "其他币种", "en": "Other currencies"},
    "closing_balance": {"zh": "截至 {date}", "en": "as of {date}"},
    "this_year": {"zh": "{year}年", "en": "{year}"},
    "households_area": {"zh": "{households} 户，建筑面积 {area} ㎡", "en": "{households} households, {area} m²"},
    "trustee": {"zh": "受托人", "en": "Trustee"},
    "net": {"zh": "净额", "en": "Net"},
    "other": {"zh": "其他", "en": "Other"},
    "items_count": {"zh": "{count} 笔", "en": "{count} items"},
    "items_count_one": {"zh": "{count} 笔", "en": "{count} item"},
    "history_none": {"zh": "本站不是从 git 仓库生成的，没有变更记录。",
                     "en": "This site was not built from a git repository; there is no history."},
    "history_intro": {"zh": "账本的每一次变更，最新的在前：何时、由谁签名、涉及哪些收支。",
                      "en": "Every change to the books, newest first: when, who signed it, which items it touched."},
    "signed_by": {"zh": "签名人", "en": "Signed by"},
    "signature_verified": {"zh": "签名已验证", "en": "signature verified"},
    "signature_unverified": {"zh": "签名未验证", "en": "signature NOT verified"},
    "merge": {"zh": "合并", "en": "Merge"},
    "pull_request": {"zh": "合并请求", "en": "Pull request"},
    "change_added": {"zh": "新增", "en": "added"},
    "change_changed": {"zh": "修改", "en": "changed"},
    "change_removed": {"zh": "删除", "en": "removed"},
    "files_changed": {"zh": "变更文件", "en": "Files changed"},
    "change_items_added": {"zh": "新增 {count} 笔收支", "en": "{count} items added"},
    "change_items_changed": {"zh": "修改 {count} 笔收支", "en": "{count} items changed"},
    "change_items_removed": {"zh": "删除 {count} 笔收支", "en": "{count} items removed"},
    "change_updated": {"zh": "更新了{what}", "en": "Updated {what}"},
    "change_merged": {"zh": "合并第 {number} 号变更请求", "en": "Merged change request {number}"},
    "change_merged_plain": {"zh": "合并一项变更", "en": "Merged a change"},
    "change_other": {"zh": "其他文件变更", "en": "Other files changed"},
    "changed_budget": {"zh": "预算", "en": "the budget"},
    "changed_notices": {"zh": "公告", "en": "notices"},
    "changed_profile": {"zh": "小区资料", "en": "the compound's profile"},
    "changed_accounts": {"zh": "科目表", "en": "the chart of accounts"},
    "changed_roster": {"zh": "住户编号表", "en": "the unit roster"},
    "changed_vouchers": {"zh": "凭证文件", "en": "voucher files"},
    "changed_ledger": {"zh": "账本", "en": "the ledger"},
    "list_separator": {"zh": "、", "en": ", "},
    "sentence_separator": {"zh": "，", "en": "; "},
    "verification_code": {"zh": "校验码", "en": "Verification code"},
    "commit_message": {"zh": "提交说明", "en": "Commit message"},
    "month_closed": {"zh": "本月已结账：{who} 于 {date} 签名（{tag}），此后不得更改。",
                     "en": "This month is closed: signed by {who} on {date} ({tag}); it can no longer change."},
    "month_open": {"zh": "本月尚未结账。", "en": "This month is not closed yet."},
    "entered": {"zh": "录入 {first}", "en": "entered {first}"},
    "entered_changed": {"zh": "录入 {first}，最后修改 {last}", "en": "entered {first}, last changed {last}"},
    "ask_title": {"zh": "对此笔收支提出质询", "en": "Raise a query about this item"},
    "report_title": {"zh": "报修 / 隐患随手拍", "en": "Report a repair or a hazard"},
    "quote_voucher": {"zh": "请报凭证号", "en": "Quote this voucher number"},
    "ask_how": {"zh": "打电话、写信到意见箱、发邮件或在线提交，都会在此公开答复。",
                "en": "Phone, write to the mailbox, e-mail or use the online form; every answer is published here."},
    "phone": {"zh": "电话", "en": "Phone"},
    "hours": {"zh": "办公时间", "en": "Office hours"},
    "mailbox": {"zh": "意见箱", "en": "Mailbox"},
    "email": {"zh": "电子邮件", "en": "E-mail"},
    "ask_online": {"zh": "在线提交（GitHub 表单）", "en": "Online form (GitHub)"},
    "close": {"zh": "关闭", "en": "Close"},
    "no_contact": {"zh": "本小区尚未公布联系方式。", "en": "This compound has published no contact yet."},
    "mail_query_subject": {"zh": "质询 {name}", "en": "Query {name}"},
    "mail_report_subject": {"zh": "报修 {name}", "en": "Repair or hazard {name}"},
    "mail_query_body": {"zh": "小区：{name}\n凭证号：{{voucher}}\n我的问题：\n",
                        "en": "Compound: {name}\nVoucher: {{voucher}}\nMy question:\n"},
    "mail_report_body": {"zh": "小区：{name}\n位置：\n问题：\n（可附照片）\n",
                         "en": "Compound: {name}\nPlace:\nWhat is wrong:\n(a photo helps)\n"},
    "queries": {"zh": "质询与工单", "en": "Queries and work orders"},
    "kind_query": {"zh": "质询", "en": "Query"},
    "kind_work-order": {"zh": "工单", "en": "Work order"},
    "status_open": {"zh": "待答复", "en": "Awaiting reply"},
    "status_answered": {"zh": "已答复", "en": "Answered"},
    "status_completed": {"zh": "已办结", "en": "Completed"},
    "status_not_planned": {"zh": "不予处理", "en": "Not taken up"},
    "response_rate": {"zh": "按时答复率", "en": "Answered in time"},
    "completion_rate": {"zh": "办结率", "en": "Completed"},
    "received": {"zh": "收到", "en": "Received"},
    "days_to_reply": {"zh": "答复用时（天）", "en": "Days to reply"},
    "opened": {"zh": "提出日期", "en": "Opened"},
    "status": {"zh": "状态", "en": "Status"},
    "item": {"zh": "收支项目", "en": "Item"},
    "thread": {"zh": "查看讨论", "en": "Thread"},
    "title_withheld": {"zh": "标题含个人信息，未公开", "en": "title withheld (personal data)"},
    "unknown_voucher": {"zh": "凭证号 {voucher} 不存在", "en": "voucher {voucher} does not exist"},
    "no_voucher": {"zh": "未注明凭证号", "en": "no voucher named"},
    "no_queries": {"zh": "暂无质询或工单。", "en": "No queries or work orders yet."},
    "queries_as_of": {"zh": "质询记录截至 {date}", "en": "Queries as of {date}"},
    "last_month": {"zh": "上月（{month}）", "en": "Last month ({month})"},
    "year_to_date": {"zh": "{year}年累计", "en": "{year} to date"},
    "rates_rule": {"zh": "按时答复：{days} 天内有签名人答复；办结率：提出超过 {days} 天的事项中已办结的比例。",
                   "en": "In time: a signer replied within {days} days; completed: the share of items older than "
                   "{days} days that were closed as completed."},
    "asked_by_owner": {"zh": "业主", "en": "Owner"},
    "asked_by_supervisor": {"zh": "监察人", "en": "Supervisor"},
    "role_treasurer": {"zh": "出纳", "en": "Treasurer"},
    "role_committee": {"zh": "业委会", "en": "Committee"},
    "role_supervisor": {"zh": "监察人", "en": "Supervisor"},
    "role_unknown": {"zh": "签名人", "en": "a signer"},
    "queries_of_item": {"zh": "本笔的质询", "en": "Queries about this item"},
    "by_month": {"zh": "按月", "en": "By month"},
    "all_queries": {"zh": "全部质询与工单", "en": "Every query and work order"},
    "fees": {"zh": "缴费情况", "en": "Fee collection"},
    "collection_rate": {"zh": "物业费收缴率", "en": "Fee collection rate"},
    "by_amount": {"zh": "按金额", "en": "by amount"},
    "by_households": {"zh": "按户数", "en": "by households"},
    "due": {"zh": "应收", "en": "Due"},
    "paid": {"zh": "实收", "en": "Paid"},
    "owed": {"zh": "尚欠", "en": "Owed"},
    "arrears": {"zh": "欠费", "en": "Arrears"},
    "arrears_summary": {"zh": "截至{month}，共 {units} 户欠费，合计 {amount} 元（不公布具体单元）。",
                        "en": "Through {month}, {units} units owe {amount} in all (no unit is listed)."},
    "fees_as_of": {"zh": "按账目最后日期 {date} 计算：某月的收缴率是为该月缴纳的物业费占该月应收的比例，"
                          "之后补缴的也计入该月。",
                   "en": "As of the last date in the books, {date}: a month's rate is what was paid for that month "
                   "over what was due for it, later payments included."},
    "fees_rate_chart": {"zh": "每月收缴率（按金额）", "en": "Collection rate by month (by amount)"},
    "building": {"zh": "楼栋", "en": "Building"},
    "all_buildings": {"zh": "全小区", "en": "Whole compound"},
    "households_paid": {"zh": "{paid}/{due} 户交齐", "en": "{paid}/{due} units paid in full"},
    "unit_title": {"zh": "单元 {code} 的物业费", "en": "Property fees of unit {code}"},
    "unit_note": {"zh": "单元编号是随机代码，不对应门牌号；本页不在任何页面链接、不被搜索收录。"
                         "面积独特的单元仍可能被邻居认出。",
                  "en": "The unit code is random and says nothing about the door number; this page is linked from "
                  "nowhere and kept out of search. A unit with an unusual area may still be recognised."},
    "unit_balance": {"zh": "截至{date}尚欠", "en": "Owed through {date}"},
    "unit_area": {"zh": "{building}，面积 {area} ㎡", "en": "{building}, {area} m²"},
    "paid_by": {"zh": "缴于 {date}（{voucher}）", "en": "paid {date} ({voucher})"},
    "unit_earlier": {"zh": "更早的年份（每年合计）", "en": "Earlier years (totals)"},
    "unit_year_details": {"zh": "该年收支明细（表格）", "en": "The year's transactions (spreadsheet)"},
    "not_paid": {"zh": "未缴", "en": "not paid"},
    "bill_title": {"zh": "物业费缴费通知单", "en": " property fee bill"},
    "bill_door": {"zh": "门牌号", "en": "Door"},
    "bill_area": {"zh": "建筑面积（㎡）", "en": "Floor area (m²)"},
    "bill_rate": {"zh": "收费标准（元/㎡·月）", "en": "Rate (CNY per m² per month)"},
    "bill_due": {"zh": "本月应缴", "en": "Due this month"},
    "bill_arrears": {"zh": "此前欠费", "en": "Owed before this month"},
    "bill_total": {"zh": "合计", "en": "Total"},
    "bill_scan": {"zh": "扫码查看本单元每一笔缴费记录（已缴款项均在公开账目中可查）。",
                  "en": "Scan to see every payment of this unit (each is in the public books)."},
    "unit_code_label": {"zh": "单元代码", "en": "Unit code"},
    "bill_note": {"zh": "本通知单含门牌号，仅发给本户，请勿张贴。", "en": "This bill names the door: it is for this household only."},
    "notice_board": {"zh": "财务公示", "en": "Public notice"},
    "month_report_title": {"zh": "月度财务报告", "en": " financial report"},
    "year_report_title": {"zh": "预算执行情况", "en": " budget execution"},
    "report": {"zh": "月度财务报告（可打印公示）", "en": "Monthly report (to print)"},
    "year_report": {"zh": "年度预算执行情况（可打印公示）", "en": "Budget execution (to print)"},
    "report_scan": {"zh": "扫码查看本月每一笔收支及凭证", "en": "Scan for every item of the month and its voucher"},
    "year_report_scan": {"zh": "扫码查看本年全部账目", "en": "Scan for the whole year's books"},
    "print_notice": {"zh": "打印公示", "en": "Print for the notice board"},
    "report_month_link": {"zh": "{month}全部明细", "en": "Every item of {month}"},
    "report_fund": {"zh": "共有资金余额", "en": "The fund"},
    "report_opening": {"zh": "月初余额", "en": "Opening balance"},
    "report_closing": {"zh": "月末余额", "en": "Closing balance"},
    "other_flows": {"zh": "其他收付（押金、预收款等）", "en": "Other movements (deposits, advances)"},
    "bank_balance": {"zh": "银行对账余额", "en": "Bank statement balance"},
    "report_income": {"zh": "本月收入（按类别）", "en": "Income by category"},
    "report_spending": {"zh": "本月支出与预算执行（全年已过 {elapsed}）",
                        "en": "Spending and the budget ({elapsed} of the year gone)"},
    "this_month": {"zh": "本月", "en": "This month"},
    "to_date": {"zh": "本年累计", "en": "Year to date"},
    "report_limit": {"zh": "约定上限", "en": "limit"},
    "report_spending_total": {"zh": "本月支出合计", "en": "Spending this month"},
    "report_as_of": {"zh": "按账目最后日期 {date} 计", "en": "as of {date}, the last date in the books"},
    "report_queries": {"zh": "业主质询", "en": "Owners' queries"},
    "report_queries_figures": {"zh": "本月收到 {received} 件；应答复 {due} 件中 {answered} 件在 {days} 天内答复；"
                                      "已办结 {completed} 件",
                               "en": "{received} received; {answered} of {due} answered within {days} days; "
                               "{completed} completed"},
    "report_largest": {"zh": "本月金额最大的 {count} 笔", "en": "The {count} largest items"},
    "report_url": {"zh": "本月明细网址：", "en": "Every item online:"},
    "amendment_reasons": {"zh": "年中预算调整及业主表决", "en": "Amendments during the year and the owners' votes"},
    "year_elapsed": {"zh": "账目已记到 {months} 月（全年 12 个月）", "en": "books kept to month {months} of 12"},
    "trustee_fee_for_year": {"zh": "{year}年度受托人酬金", "en": "Trustee remuneration for {year}"},
    "fee_card_differs": {"zh": "本年支出中的受托人酬金为 {booked}，含为其他年度支付的部分（如上年考核奖励）",
                         "en": "the year's spending holds {booked} of remuneration, some of it for another year "
                         "(such as last year's bonus)"},
    "spending_includes_fee": {"zh": "含受托人酬金 {fee}", "en": "including {fee} trustee remuneration"},
    "trustee_within": {"zh": "已计提 {booked} 元，不超过约定上限 {limit} 元（{rates}）。",
                       "en": "{booked} booked, within the agreed limit of {limit} ({rates})."},
    "trustee_over": {"zh": "已计提 {booked} 元，超过约定上限 {limit} 元，多出 {over} 元。",
                     "en": "{booked} booked, {over} over the agreed limit of {limit}."},
    "budget_vs_spending": {"zh": "上表是预算内的支出 {in_budget} 元。全年支出 {spending} 元还包括受托人酬金 {fee} 元"
                                  "（按约定比例从收入中计提，不占预算）及预算外的支出。",
                           "en": "The table is spending within the budget, {in_budget}. The year's spending of "
                           "{spending} also holds {fee} of trustee remuneration (a share of income, outside the "
                           "budget) and any spending outside it."},
    "swipe_months": {"zh": "← 表格较宽，可左右滑动查看各月 →", "en": "← the table is wide: swipe to see every month →"},
    "units_count": {"zh": "{count} 户", "en": "{count} units"},
    "this_year_rate": {"zh": "{year}年累计", "en": "{year} to date"},
    "last_year_rate": {"zh": "{year}年全年", "en": "all of {year}"},
    # What a page says when its bare link is pasted in a chat, and the Atom feed (generator/site/share.py, feed.py)
    "site_description": {"zh": "信托制物业共有资金公开账目：每一笔收入与支出及其凭证、预算和公告。",
                         "en": "Open books of trust-model property management: every item of income and spending "
                         "with its voucher, the budgets and the notices."},
    "share_home": {"zh": "{names}的共有资金公开账目：每一笔收入与支出及其凭证，业主可逐笔提出质询。",
                   "en": "Open books of {names}: every item of income and spending with its voucher; any owner "
                   "may query any item."},
    "share_dashboard": {"zh": "{name}：共有资金余额 {balance}（截至{date}）；{year}收入 {income}，支出 {spending}。",
                        "en": "{name}: fund balance {balance} as of {date}; {year} income {income}, "
                        "spending {spending}."},
    "share_dashboard_empty": {"zh": "{name}：共有资金公开账目，暂无收支记录。",
                              "en": "{name}: open books of the common fund, no entries yet."},
    "share_month_title": {"zh": "{name} {month}收支明细", "en": "{name}: income and spending, {month}"},
    "share_month": {"zh": "{name} {month}：收入 {income}，支出 {spending}，共 {count} 笔",
                    "en": "{name}, {month}: income {income}, spending {spending}, {count} items"},
    "share_year_title": {"zh": "{name} · {year}收支", "en": "{name} · income and spending, {year}"},
    "share_year": {"zh": "{name} {year}：收入 {income}，支出 {spending}，共 {count} 笔（{first}至{last}）",
                   "en": "{name}, {year}: income {income}, spending {spending}, {count} items ({first} to {last})"},
    "share_budget": {"zh": "{name} {year}开放式预算：预算上限合计 {cap}，已支出 {spent}（{share}）",
                     "en": "{name}, open budget {year}: caps {cap} in all, spent {spent} ({share})"},
    "share_notices": {"zh": "{name}公示公告共 {count} 篇，最新：{title}（{date}）",
                      "en": "{name}: {count} notices, the latest {title} ({date})"},
    "share_notices_empty": {"zh": "{name}公示公告：暂无公告。", "en": "{name} notices: none yet."},
    "share_notice": {"zh": "{date} · {kind}：{summary}", "en": "{date} · {kind}: {summary}"},
    "share_data": {"zh": "{name}全部收支明细下载：CSV（可用 Excel/WPS 打开）、JSON 和原始账本。",
                   "en": "Every item of {name} to download: CSV (opens in Excel), JSON and the raw ledger."},
    "share_search": {"zh": "在{name}的全部收支中按类别、对方名称、摘要、凭证号或金额查找。",
                     "en": "Find any item of {name} by category, counterparty, description, voucher or amount."},
    "share_history": {"zh": "{name}账本的每一次变更：何时、由谁签名、涉及哪些收支。",
                      "en": "Every change to the books of {name}: when, who signed it, which items it touched."},
    "share_queries": {"zh": "{name}的全部质询与工单：状态、答复用时、按时答复率与办结率。",
                      "en": "Every query and work order of {name}: status, days to reply, response and completion "
                      "rates."},
    "share_fees": {"zh": "{name}物业费收缴率：按月、按楼栋的应收、实收与欠费合计（不公布具体单元）。",
                   "en": "Fee collection of {name}: due, paid and arrears by month and building (no unit is "
                   "listed)."},
    "yuan": {"zh": "{amount}元", "en": "{amount} CNY"},
    "feed_title": {"zh": "共有资金公开：公告与每月收支", "en": "Open books: notices and monthly accounts"},
    "feed_subtitle": {"zh": "各小区的新公告与每月收支明细", "en": "New notices and each month's accounts, per compound"},
    "feed_month_kind": {"zh": "月度收支", "en": "Monthly accounts"},
    "feed_report": {"zh": "月度财务报告", "en": "Monthly financial report"},
    # The month page: items by category with subtotals, every item by date, detail sheets summed by kind
    "month_categories": {"zh": "本月分类合计", "en": "This month by category"},
    "month_by_date": {"zh": "按日期排列的全部 {count} 笔", "en": "Every item by date ({count})"},
    "month_by_date_elsewhere": {"zh": "本月共 {count} 笔，按日期排列的完整清单见",
                                "en": "{count} items this month; every one by date is in the"},
    "month_see_item": {"zh": "同一笔，详见“{category}”", "en": "the same item, shown in full under “{category}”"},
    "month_item_parts": {"zh": "本笔分列于", "en": "This item is split into"},
    # A month too big for one page, in pages (month_page in generator/site/pages.py)
    "month_page_of": {"zh": "{month}（第{page}页，共{pages}页）", "en": "{month} (page {page} of {pages})"},
    "month_pages": {"zh": "本月分页", "en": "Pages of this month"},
    "page_previous": {"zh": "← 上一页", "en": "← Previous page"},
    "page_next": {"zh": "下一页 →", "en": "Next page →"},
    "page_number": {"zh": "第{page}页", "en": "Page {page}"},
    "month_on_pages": {"zh": "第{pages}页", "en": "p. {pages}"},
    "month_continued": {"zh": "（续上页）", "en": " (continued)"},
    "month_continues": {"zh": "“{category}”下一页继续 →", "en": "“{category}” continues on the next page →"},
    "sheet_rows_in_file": {"zh": "逐笔明细共 {count} 笔，请下载上方的明细表查看。",
                           "en": "The {count} rows are in the sheet above: download it to see them."},
    "sheet_summary": {"zh": "明细表：{count} 笔，合计 {amount} 元",
                      "en": "Detail sheet: {count} rows, {amount} in all"},
    "sheet_kind": {"zh": "类别", "en": "Kind"},
    "sheet_counts": {"zh": "笔数 × 金额", "en": "Rows × amount"},
    "sheet_kind_count": {"zh": "{kind}（{count} 笔）", "en": "{kind} ({count})"},
    "sheet_subtotal": {"zh": "小计", "en": "Subtotal"},
    "sheet_rest": {"zh": "另有 {count} 笔其他金额，共 {amount}", "en": "{count} more of other amounts, {amount}"},
    "sheet_separator": {"zh": "，", "en": ", "},
    "sheet_all": {"zh": "全部", "en": "All"},
    "sheet_unit": {"zh": "单元", "en": "Unit"},
    "sheet_item": {"zh": "项目", "en": "Item"},
    "sheet_period": {"zh": "所属月份", "en": "Period"},
    "sheet_fee_current": {"zh": "当月物业费", "en": "This month's fees"},
    "sheet_fee_arrears": {"zh": "补缴往月", "en": "Arrears paid"},
    "sheet_fee_advance": {"zh": "预缴", "en": "Paid in advance"},
    "sheet_download": {"zh": "下载明细表（CSV，可用 Excel/WPS 打开）",
                       "en": "Download the sheet (CSV, opens in Excel)"},
    # The glossary (术语表, generator/site/glossary.py holds its terms) and the links to it
    "glossary": {"zh": "术语表", "en": "Glossary"},
    "glossary_intro": {"zh": "本站常用词语的简单说明。看完后返回上一页，就回到原来的地方。",
                       "en": "The words this site uses, in plain terms. Go back to return to where you were."},
    "glossary_other": {"zh": "英文：", "en": "Chinese: "},
    "what_is": {"zh": "什么是{term}？", "en": "{term}: what is it?"},
    # The other language: the header's switch (its name in its own language) and the English pages beside the
    # Chinese site, which lead to the items, notices and reports the books keep in Chinese
    "switch_language": {"zh": "English", "en": "中文"},
    "switch_label": {"zh": "Read this page in English", "en": "阅读本页中文版"},
    "month_opening": {"zh": "月初余额", "en": "Opening balance"},
    "month_closing": {"zh": "月末余额", "en": "Closing balance"},
    "year_income": {"zh": "{year}收入", "en": "Income {year}"},
    "year_spending": {"zh": "{year}支出", "en": "Spending {year}"},
    "month_in_chinese": {"zh": "本月共 {count} 笔，逐笔列在中文页上。",
                         "en": "This month has {count} items. They are listed on the Chinese page, with their "
                         "original descriptions, as the books record them; each category below leads to its "
                         "items there."},
    "month_chinese_page": {"zh": "本月全部 {count} 笔", "en": "All {count} items of the month (in Chinese)"},
    "month_by_date_chinese": {"zh": "按日期排列的全部 {count} 笔", "en": "Every item by date (in Chinese)"},
    "report_in_chinese": {"zh": "月度财务报告（可打印公示）", "en": "Monthly report to print (in Chinese)"},
}

MONTHS_EN = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


class Words:
    """The site's words and formats in one language."""

    def __init__(self, language: str) -> None:
        if language not in LANGUAGES:
            raise ValueError(f"language must be one of {', '.join(LANGUAGES)}, got {language!r}")
        self.language = language

    def __call__(self, key: str, **values: object) -> str:
        if values.get("count") == 1 and f"{key}_one" in WORDS:  # "1 item", not "1 items"
            key = f"{key}_one"
        text = WORDS[key][self.language]
        return text.format(**values) if values else text

    # Punctuation between words: full-width in Chinese, with a space in English.
    @property
    def colon(self) -> str:
        return "：" if self.language == "zh" else ": "

    @property
    def comma(self) -> str:
        return "，" if self.language == "zh" else ", "

    @property
    def semicolon(self) -> str:
        return "；" if self.language == "zh" else "; "

    @property
    def open_paren(self) -> str:
        return "（" if self.language == "zh" else " ("

    @property
    def close_paren(self) -> str:
        return "）" if self.language == "zh" else ")"

    def date(self, value: datetime.date) -> str:
        if self.language == "zh":
            return f"{value.year}年{value.month}月{value.day}日"
        return f"{value.day} {MONTHS_EN[value.month - 1]} {value.year}"

    def month(self, year: int, month: int) -> str:
        return f"{year}年{month}月" if self.language == "zh" else f"{MONTHS_EN[month - 1]} {year}"

    def month_short(self, month: int) -> str:
        return f"{month}月" if self.language == "zh" else MONTHS_EN[month - 1]

    def year(self, year: int) -> str:
        return f"{year}年" if self.language == "zh" else str(year)


money = format_money
percent = format_share
rate = format_rate
