"""Targets and monthly dispatch (目标任务与按月调度), pure Polars: no Django, no clock, no I/O.

* ``rules``: 红黄绿灯 rules as data (pydantic), one per target (domain spec §4.12).
* ``actuals``: what a target's units reported, added up; late reports estimated; 同比 on
  comparable units.
* ``progress``: 时序进度 (linear, seasonal from last year's cumulative profile, custom,
  quarterly, 1-2月合并), 完成率, 进度差 (pp) and the lights.
* ``forecast``: the year-end forecast from the year so far and past seasonality, and the
  probability of meeting the target (normal approximation over past years' shares).
* ``ranking``: places of rank targets among their peers; counties, parks and chains ranked.
* ``cascade``: child targets added up, and the check that the parts cover the whole.
* ``dispatch``: ``target_progress``, all of the above for one month in one frame.
"""
