"""The park annual form (园区年报): the 五好 Part I inputs no other figure gives (data, not schema).

domain.md §2.2 scores five dimensions; 亩均税收, R&D intensity, energy-intensity drop and the
高新技术企业 increment are computed from the enterprises' data, the rest is reported by the park
once a year: 主导产业集聚度, 批而未供和闲置土地处置率, 省级以上研发平台数, 亿元以上项目, 营商环境评价得分, 管理体制改革
任务完成率, 安全环保基础设施达标得分 and 引进"三类500强"及亿元以上项目数 (codes = the 五好 scheme's
columns, so ``park_inputs`` finds them). The reverse deletes exactly what this creates (by code),
and fails while observations still point at the indicators (PROTECT).
"""

from __future__ import annotations

from django.db import migrations

P, A = "park", "annual"

# code, name, unit, non_negative, decimals, source, description
INDICATORS = [
    ("leading_industry_share", "主导产业集聚度", "percent", True, 1, "园区/统计",
     "主导产业（1–2个）规上企业营业收入占园区规上工业营业收入的比重"),
    ("land_disposal_rate", "批而未供和闲置土地处置率", "percent", True, 1, "自然资源",
     "当年处置的批而未供和闲置土地面积 ÷ 年初存量"),
    ("platforms", "省级以上研发平台数", "count", True, 0, "科技/发改",
     "年末拥有的省级及以上工程技术研究中心、企业技术中心、重点实验室等研发平台个数"),
    ("big_projects", "新开工、竣工亿元以上产业项目数", "count", True, 0, "发改/园区",
     "当年新开工与竣工的亿元以上产业项目个数合计"),
    ("business_env_score", "营商环境评价得分", "score", True, 1, "营商环境评价",
     "省/市营商环境评价中园区得分（百分制）"),
    ("reform_completion", "管理体制改革任务完成率", "percent", True, 1, "编办/园区",
     "当年管理体制改革任务完成数 ÷ 任务数"),
    ("safety_env_score", "安全环保基础设施达标得分", "score", True, 1, "应急/生态环境",
     "安全环保基础设施（污水、固废、应急）达标评价得分（百分制）"),
    ("top500_projects", "引进“三类500强”及亿元以上项目数", "count", True, 0, "商务",
     "当年引进的世界500强、中国500强、民营500强企业项目及亿元以上项目个数"),
]
FORM = (
    "park_annual", "园区年报", 28, 2, 5, "county",
    "园区于次年2月28日前报送上年“五好”评价基础数据；得分按评价部门反馈填写，比率填百分数（如 85.5）。",
)
# code, name, left, operator, right, message
RULES = [
    (f"{code}_le_100", f"{name}不超过100", code, "<=", "100",
     f"{name}不应超过100：比率和得分都按百分制填写（如 85.5），请核对是否多乘了100。")
    for code, name, unit, *_rest in INDICATORS
    if unit in ("percent", "score")
]


def registry_create(apps, schema_editor):
    Indicator = apps.get_model("indicators", "Indicator")
    ReportForm = apps.get_model("indicators", "ReportForm")
    FormItem = apps.get_model("indicators", "FormItem")
    ValidationRule = apps.get_model("indicators", "ValidationRule")

    last = Indicator.objects.order_by("-sort_order").values_list("sort_order", flat=True).first()
    indicators = []
    for order, (code, name, unit, non_negative, decimals, source, description) in enumerate(
        INDICATORS, start=1
    ):
        indicators.append(
            Indicator.objects.create(
                code=code, name=name, unit=unit, level=P, periodicity=A, is_ytd=False,
                aggregation="none" if unit in ("percent", "score") else "sum", direction="up",
                non_negative=non_negative, decimals=decimals, source=source,
                description=description, sort_order=(last or 0) + order * 10,
            )
        )
    code, name, due_day, offset, lock, reviewer, instructions = FORM
    form = ReportForm.objects.create(
        code=code, name=name, level=P, periodicity=A, due_day=due_day, due_month_offset=offset,
        lock_after_days=lock, reviewer_level=reviewer, instructions=instructions,
    )
    FormItem.objects.bulk_create(
        FormItem(form=form, indicator=indicator, order=(i + 1) * 10)
        for i, indicator in enumerate(indicators)
    )
    for rule_code, rule_name, left, operator, right, message in RULES:
        ValidationRule.objects.create(
            code=rule_code, name=rule_name, form=form, kind="compare", left=left,
            operator=operator, right=right, severity="error", message=message,
        )


def registry_delete(apps, schema_editor):
    Indicator = apps.get_model("indicators", "Indicator")
    ReportForm = apps.get_model("indicators", "ReportForm")
    ReportForm.objects.filter(code=FORM[0]).delete()  # cascades to items and rules
    Indicator.objects.filter(code__in=[row[0] for row in INDICATORS]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("indicators", "0008_alter_indicator_unit"),
    ]

    operations = [migrations.RunPython(registry_create, registry_delete)]
