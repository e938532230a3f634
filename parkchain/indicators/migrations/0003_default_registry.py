"""The default indicator registry, report forms and validation rules (data, not schema).

Enterprise monthly figures are 本年累计 (1–N月) as 统计联网直报 asks for them; the annual form
collects the inputs of the 亩均 evaluation (domain spec §1.3–§1.4) for every enterprise, 规下
included. Park figures follow the 五好 Part II economic indicators (§2.2). Deployments change
names, units or rules in the admin; the reverse of this migration deletes exactly the rows it
created (by code), and fails while observations still point at the indicators (PROTECT).
"""

from __future__ import annotations

from django.db import migrations

E, P = "enterprise", "park"
M, A = "monthly", "annual"

# code, name, unit, level, periodicity, is_ytd, aggregation, direction, non_negative, decimals, source, description
INDICATORS = [
    # enterprise monthly (规上工业, 本年累计)
    ("output_value", "工业总产值", "wan_yuan", E, M, True, "sum", "up", True, 1, "统计", "现价，本年累计（1-N月）"),
    ("revenue", "营业收入", "wan_yuan", E, M, True, "sum", "up", True, 1, "统计", "主营业务收入 + 其他业务收入，不含增值税，本年累计"),
    ("tax", "实缴税金", "wan_yuan", E, M, True, "sum", "up", True, 1, "税务", "本年累计实际缴纳的各项税金，扣除即征即退、先征后退"),
    ("value_added", "工业增加值", "wan_yuan", E, M, True, "sum", "up", True, 1, "统计", "现价，本年累计"),
    ("profit", "利润总额", "wan_yuan", E, M, True, "sum", "up", False, 1, "统计", "本年累计；亏损填负数"),
    ("electricity", "用电量", "wan_kwh", E, M, True, "sum", "neutral", True, 1, "电力", "本年累计"),
    ("employees", "从业人员", "person", E, M, False, "sum", "neutral", True, 0, "统计", "期末人数（时点数，不累计）"),
    ("rnd", "R&D经费", "wan_yuan", E, M, True, "sum", "up", True, 1, "统计", "研究与试验发展经费支出，本年累计"),
    ("fixed_investment", "固定资产投资", "wan_yuan", E, M, True, "sum", "up", True, 1, "统计", "本年累计完成额"),
    # enterprise annual (亩均 evaluation inputs, month = 0)
    ("revenue_annual", "营业收入（年报）", "wan_yuan", E, A, False, "sum", "up", True, 1, "统计/税务", "全年营业收入，不含增值税"),
    ("value_added_annual", "工业增加值（年报）", "wan_yuan", E, A, False, "sum", "up", True, 1, "统计", "全年工业增加值（收入法/生产法）"),
    ("tax_annual", "评价税收", "wan_yuan", E, A, False, "sum", "up", True, 1, "税务", "评价年度实缴入库的各项税收，扣除即征即退、先征后退"),
    ("electricity_annual", "用电量（年报）", "wan_kwh", E, A, False, "sum", "neutral", True, 1, "电力", "全年用电量，供电公司口径"),
    ("energy_tce", "综合能耗", "tce", E, A, False, "sum", "down", True, 1, "统计/发改", "等价值，吨标准煤"),
    ("emissions", "主要污染物排放量", "tonne", E, A, False, "sum", "down", True, 2, "生态环境", "COD、氨氮、SO₂、NOx 合计"),
    ("employees_avg", "年平均职工人数", "person", E, A, False, "sum", "neutral", True, 0, "统计/社保", "从业人员年平均数"),
    ("rnd_annual", "R&D经费支出（年报）", "wan_yuan", E, A, False, "sum", "up", True, 1, "统计/科技", "按统计 107-1 表"),
    ("land_used", "用地面积", "mu", E, A, False, "sum", "neutral", True, 2, "自然资源", "有证用地 + 实际使用或租入土地 − 出租土地"),
    # park monthly (五好 Part II)
    ("total_income", "技工贸总收入", "wan_yuan", P, M, True, "sum", "up", True, 1, "园区", "入统企业营业收入合计，本年累计"),
    ("industrial_va_growth", "规模工业增加值增速", "percent", P, M, False, "none", "up", False, 1, "统计局", "1-N月累计增速，按可比价；由统计局导入，不由企业数据推算"),
    ("park_tax", "税收", "wan_yuan", P, M, True, "sum", "up", True, 1, "税务", "园区税收总额，本年累计"),
    ("industrial_investment", "产业投资", "wan_yuan", P, M, True, "sum", "up", True, 1, "统计", "工业（采矿、制造、电热燃水）项目固定资产投资，本年累计"),
    ("fdi", "实际使用外资", "wan_usd", P, M, True, "sum", "up", True, 1, "商务", "本年累计"),
    ("domestic_capital", "到位省外境内资金", "wan_yuan", P, M, True, "sum", "up", True, 1, "商务", "本年累计"),
    ("import_export", "进出口总额", "wan_yuan", P, M, True, "sum", "up", True, 1, "海关/商务", "本年累计"),
    ("hitech_revenue", "高新技术产业营业收入", "wan_yuan", P, M, True, "sum", "up", True, 1, "科技", "湖南高新技术产业统计口径，本年累计"),
    ("new_above_scale", "新增规上企业", "count", P, M, True, "sum", "up", True, 0, "统计", "本年新进入规上名录的工业企业数（新建投产 + 小升规）"),
]

# code, name, level, periodicity, due_day, due_month_offset, lock_after_days, reviewer_level, items, instructions
FORMS = [
    (
        "ent_monthly", "企业月报", E, M, 10, 1, 5, P,
        ["output_value", "revenue", "tax", "value_added", "profit", "electricity", "employees", "rnd", "fixed_investment"],
        "规上工业企业每月10日前报送本年累计（1-N月）数据；从业人员填期末人数。1月可与2月合并报送（1-2月）。",
    ),
    (
        "ent_annual", "企业年报", E, A, 28, 3, 5, P,
        ["revenue_annual", "value_added_annual", "tax_annual", "electricity_annual", "energy_tce", "emissions", "employees_avg", "rnd_annual", "land_used"],
        "亩均效益评价基础数据：全部工业企业于次年3月28日前报送上年全年数据。",
    ),
    (
        "park_monthly", "园区月报", P, M, 15, 1, 5, "county",
        ["total_income", "industrial_va_growth", "park_tax", "industrial_investment", "fdi", "domestic_capital", "import_export", "hitech_revenue", "new_above_scale"],
        "园区每月15日前报送本年累计数据；规模工业增加值增速以统计局反馈为准。",
    ),
]

# code, name, form, kind, left, operator, right, threshold, severity, message
YTD_MESSAGE = "{name}本年累计数小于上月累计数：累计数只增不减，请填写1月至本月的累计值（不是当月值），或先更正上月数据。"
RULES = [
    ("tax_le_revenue", "实缴税金不大于营业收入", "ent_monthly", "compare", "tax", "<=", "revenue", None, "error",
     "实缴税金不应大于营业收入：请核对两项是否都是本年累计数、都以万元为单位（常见错误是税金填成了元）。"),
    ("va_le_output", "工业增加值不大于工业总产值", "ent_monthly", "compare", "value_added", "<=", "output_value", None, "error",
     "工业增加值不应大于工业总产值：增加值是总产值扣除中间投入后的部分，请核对两项的口径和单位。"),
    ("profit_le_revenue", "利润总额不大于营业收入", "ent_monthly", "compare", "profit", "<=", "revenue", None, "error",
     "利润总额不应大于营业收入：请核对利润是否填成了营业收入，两项是否都以万元为单位。"),
    ("revenue_jump", "营业收入较上月异常增长", "ent_monthly", "jump", "revenue", "", "", "5", "confirm",
     "营业收入累计数超过上月累计数的5倍：请确认单位是万元（不是元或千元）、填的是累计数；数据无误请勾选确认。"),
    ("output_value_jump", "工业总产值较上月异常增长", "ent_monthly", "jump", "output_value", "", "", "5", "confirm",
     "工业总产值累计数超过上月累计数的5倍：请确认单位是万元（不是元或千元）、填的是累计数；数据无误请勾选确认。"),
    ("tax_annual_le_revenue_annual", "评价税收不大于营业收入", "ent_annual", "compare", "tax_annual", "<=", "revenue_annual", None, "error",
     "评价税收不应大于全年营业收入：请核对两项是否都以万元为单位、税收是否扣除了退税。"),
    ("hitech_le_total_income", "高新技术产业营业收入不大于技工贸总收入", "park_monthly", "compare", "hitech_revenue", "<=", "total_income", None, "error",
     "高新技术产业营业收入是技工贸总收入的一部分，不应大于它：请核对两项是否都是本年累计、都以万元为单位。"),
]
# 利润总额 is 本年累计 too, but a loss in a later month lowers it: no monotonic rule for profit.
YTD_RULES = [
    ("ent_monthly", ["output_value", "revenue", "tax", "value_added", "electricity", "rnd", "fixed_investment"]),
    ("park_monthly", ["total_income", "park_tax", "industrial_investment", "hitech_revenue"]),
]


def _rules():
    names = {code: name for code, name, *_ in INDICATORS}
    yield from RULES
    for form, codes in YTD_RULES:
        for code in codes:
            yield (
                f"{code}_ytd", f"{names[code]}累计数不减少", form, "ytd_monotonic", code, "", "",
                None, "error", YTD_MESSAGE.format(name=names[code]),
            )


def registry_create(apps, schema_editor):
    Indicator = apps.get_model("indicators", "Indicator")
    ReportForm = apps.get_model("indicators", "ReportForm")
    FormItem = apps.get_model("indicators", "FormItem")
    ValidationRule = apps.get_model("indicators", "ValidationRule")

    indicators = {}
    for order, row in enumerate(INDICATORS):
        code, name, unit, level, periodicity, is_ytd, aggregation, direction, non_negative, decimals, source, description = row
        indicators[code] = Indicator.objects.create(
            code=code, name=name, unit=unit, level=level, periodicity=periodicity, is_ytd=is_ytd,
            aggregation=aggregation, direction=direction, non_negative=non_negative,
            decimals=decimals, source=source, description=description, sort_order=(order + 1) * 10,
        )
    forms = {}
    for code, name, level, periodicity, due_day, offset, lock, reviewer, items, instructions in FORMS:
        form = ReportForm.objects.create(
            code=code, name=name, level=level, periodicity=periodicity, due_day=due_day,
            due_month_offset=offset, lock_after_days=lock, reviewer_level=reviewer,
            instructions=instructions,
        )
        forms[code] = form
        FormItem.objects.bulk_create(
            FormItem(form=form, indicator=indicators[item], order=(i + 1) * 10)
            for i, item in enumerate(items)
        )
    for code, name, form, kind, left, operator, right, threshold, severity, message in _rules():
        ValidationRule.objects.create(
            code=code, name=name, form=forms[form], kind=kind, left=left, operator=operator,
            right=right, threshold=threshold, severity=severity, message=message,
        )


def registry_delete(apps, schema_editor):
    Indicator = apps.get_model("indicators", "Indicator")
    ReportForm = apps.get_model("indicators", "ReportForm")
    ValidationRule = apps.get_model("indicators", "ValidationRule")

    ValidationRule.objects.filter(code__in=[rule[0] for rule in _rules()]).delete()
    ReportForm.objects.filter(code__in=[form[0] for form in FORMS]).delete()  # cascades to items
    Indicator.objects.filter(code__in=[row[0] for row in INDICATORS]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("indicators", "0002_importbatch_scope_unit_period"),
    ]

    operations = [
        migrations.RunPython(registry_create, registry_delete),
    ]
