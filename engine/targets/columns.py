"""Column names of the target and dispatch frames (目标任务与按月调度), engine ↔ Django.

Units: ratios are fractions (0.5 = 50 %); gaps are in percentage points (pp, −3.5 = 3.5 pp behind);
growth rates and growth targets are in % (10.0 = 10 %), as the target book writes them; amounts
are in the indicator's registry unit (万元, 个 …).
"""

from __future__ import annotations

from typing import Final

# targets (one row per target) -------------------------------------------------------------------
TARGET_ID: Final = "target_id"
PARENT_ID: Final = "parent_id"  # the target this one is a part of (cascade), or null
KIND: Final = "kind"  # absolute | growth | count | rank
TARGET: Final = "target"  # annual target: amount / count in the unit, growth in %, rank as a place
BASE: Final = "base"  # last year's annual value (the base of a growth target); null → from the data
SOURCE: Final = "source"  # what the leaves report (an indicator code or a metric key)
SERIES: Final = (
    "series"  # ytd (本年累计 amounts or counts) | rate (a reported growth rate, %) | rank
)
DIVISOR: Final = (
    "divisor"  # the target's series is divided by it (亩均: the land in 亩); 1 otherwise
)
PROFILE: Final = "profile"  # linear | seasonal | custom | quarterly
SHARES: Final = "shares"  # custom profile: 12 cumulative shares of the year (list, December = 1)
JAN_FEB: Final = "jan_feb_combined"  # 1-2月合并: no January figure; February counts as 2/12
RULE: Final = "rule"  # amount | count | growth | rank | ratio (engine.targets.rules)
BAND: Final = "band"  # yellow band: pp (amount, count, growth), places (rank), ratio (ratio form)
TOLERANCE: Final = "tolerance"  # count targets: units forgiven (−1 unit for small targets)
BOTTOM: Final = "bottom"  # rank targets: the last N places are red whatever the target
BENCHMARK: Final = "benchmark"  # growth targets: an average (%) that lifts red to yellow; null
NEGATIVE_RED: Final = "negative_red"  # growth targets: negative growth is red
SELF_PEER: Final = "self_peer"  # rank targets: the peer (unit) the target is about
RANK_BY: Final = "rank_by"  # rank targets: value | growth

# leaves: what units report (one row per source × leaf × year × month) ---------------------------
LEAF_ID: Final = "leaf_id"  # an org unit that reports (a park, an enterprise)
ESTIMATED: Final = "estimated"  # the period's value of a unit that has not reported yet, estimated
PEER_ID: Final = "peer_id"  # rank targets: one unit of the peer group ranked

# results ------------------------------------------------------------------------------------------
ACTUAL: Final = "actual"  # 1-N月 amount or count; growth in % (growth targets); a place (rank)
AMOUNT: Final = "amount"  # 1-N月 amount (all targets with a ytd series), after DIVISOR
PREVIOUS: Final = (
    "previous"  # 上年同期 of the units that report this year too (可比口径), after DIVISOR
)
COMPARABLE: Final = "comparable"  # 1-N月 of the units that also reported last year (可比口径)
GROWTH: Final = "growth"  # 同比 growth in %: COMPARABLE ÷ PREVIOUS − 1 (可比口径)
REPORTED: Final = "reported"  # units that reported the period
ESTIMATED_UNITS: Final = "estimated_units"  # units whose period value was estimated
TIME_PROGRESS: Final = "time_progress"  # 时序进度, a ratio
PROFILE_USED: Final = "profile_used"  # the profile actually applied (seasonal falls back to linear)
COMPLETION: Final = "completion"  # 完成率 = actual / annual target (absolute, count)
GAP_PP: Final = "gap_pp"  # 进度差: completion − time progress (pp); growth − target (pp); places
PROGRESS_RATIO: Final = "progress_ratio"  # 进度比 = completion / time progress
RAG: Final = "rag"  # green | yellow | red | none (no figure or no time progress yet)
RANK_OF: Final = "rank_of"  # rank targets: how many peers were ranked
SHARE_MEAN: Final = "share_mean"  # mean share of the year done by this month in past years
SHARE_SD: Final = "share_sd"  # the spread used for the probability (after the floor)
YEARS_USED: Final = "years_used"  # how many past years the forecast rests on
FORECAST: Final = "forecast"  # year-end forecast: amount or count; growth in % for growth targets
THRESHOLD: Final = "threshold"  # the year-end amount that meets the target
PROBABILITY: Final = "probability"  # probability of meeting the target (0–1)
OUTLOOK: Final = "outlook"  # green | yellow | red from the probability; null without a forecast

GREEN: Final = "green"
YELLOW: Final = "yellow"
RED: Final = "red"
NONE: Final = "none"
RAG_ORDER: Final = (RED, YELLOW, GREEN, NONE)

# unit rankings ------------------------------------------------------------------------------------
UNIT: Final = "unit"  # what a ranking groups by (a county, a park, a chain)
TARGETS: Final = "targets"
MEAN_GAP_PP: Final = "mean_gap_pp"
RANK: Final = "rank"

# cascade check ------------------------------------------------------------------------------------
CHILDREN: Final = "children"
PARTS: Final = "parts"  # the children's sum (amounts, counts) or weighted growth in % (growth)
DIFFERENCE: Final = "difference"  # parts − parent target
CHILDREN_BASE: Final = "children_base"
OK: Final = "ok"
