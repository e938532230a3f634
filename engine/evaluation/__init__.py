"""Evaluation maths (亩均论英雄, 五好, 六个清单): pure Polars + pydantic, no Django.

Contract with ``parkchain/evaluation``: ``docs/evaluation.md``. Enterprise 亩均效益综合评价 lives in
``mu`` (engine) and ``scheme`` (pydantic schemes and presets); parks, counties and the lists in
their own modules.
"""

from engine.evaluation.mu import LiftAnswer, MuResult, evaluate, lift_to_grade
from engine.evaluation.scheme import PRESETS, MuScheme, load_preset, scheme_hash

__all__ = [
    "PRESETS",
    "LiftAnswer",
    "MuResult",
    "MuScheme",
    "evaluate",
    "lift_to_grade",
    "load_preset",
    "scheme_hash",
]
