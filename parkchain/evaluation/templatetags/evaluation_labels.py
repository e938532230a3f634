"""Words for the engine's codes (status and class reasons), so pages never show an identifier."""

from __future__ import annotations

from django import template
from django.utils.translation import gettext as _

from parkchain.evaluation.models import FlagKind

register = template.Library()


def _flag(code: str) -> str:
    try:
        return str(FlagKind(code).label)
    except ValueError:
        return code


@register.filter
def status_reason_label(code: str | None) -> str:
    """``industry_out_of_scope`` → 行业不在评价范围（GB/T 4754 06–46 之外）…"""
    if not code:
        return ""
    if code.startswith("exempt_industry:"):
        return _("exempt industry (GB/T 4754 division %(code)s)") % {"code": code.split(":", 1)[1]}
    if code.startswith("exempt_flag:"):
        return _("exempt: %(flag)s") % {"flag": _flag(code.split(":", 1)[1])}
    labels = {
        "industry_unknown": _("industry code missing"),
        "industry_out_of_scope": _("industry outside the evaluated divisions (GB/T 4754 06–46)"),
        "no_land": _("no land on record"),
        "below_scale_small_land": _("below designated size with less land than the threshold"),
        "new_entity": _("operating for less than the grace period"),
        "no_group": _("in no evaluation group of the scheme"),
    }
    return str(labels.get(code, code))


@register.filter
def grade_reason_label(code: str | None) -> str:
    """``forced_d:major_accident`` → 直接定为D类：重大安全或环境事故…"""
    if not code:
        return ""
    if code.startswith("forced_d:"):
        return _("class D by rule: %(flag)s") % {"flag": _flag(code.split(":", 1)[1])}
    labels = {
        "percentile": _("by rank in the pool"),
        "floor_d": _("class D: tax per mu below the floor"),
        "a_min": _("not class A: below the class-A threshold"),
    }
    return str(labels.get(code, code))
