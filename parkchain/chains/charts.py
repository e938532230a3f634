"""The chain's node tree as an ECharts tree option (pure: node views in, a JSON-able dict out)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from parkchain.chains.selectors import NodeView
from parkchain.core.charts import FONT_FAMILY, Option

POSITION_COLOURS = {"up": "#206bc4", "mid": "#2fb344", "down": "#f59f00"}
EMPTY_COLOUR = "#d63939"  # a node without enterprises: a gap to fill by investment (招商)
ROW_HEIGHT = 22


def _node(view: NodeView, colour: str) -> dict[str, Any]:
    total = view.enterprise_total
    item: dict[str, Any] = {
        "name": f"{view.node.name}（{total}）",
        "value": total,
        "itemStyle": {"color": colour if total else EMPTY_COLOUR, "borderColor": colour},
        "children": [_node(child, colour) for child in view.children],
    }
    if not total:
        item["label"] = {"color": EMPTY_COLOUR}
    return item


def _leaves(item: dict[str, Any]) -> int:
    children = item["children"]
    return sum(_leaves(child) for child in children) if children else 1


def chain_tree_option(
    chain_name: str,
    groups: Mapping[str, Sequence[NodeView]],
    position_labels: Mapping[str, str],
) -> tuple[Option, int]:
    """The option and the chart height in pixels (one row per leaf so labels never overlap)."""
    children = []
    for position, roots in groups.items():
        colour = POSITION_COLOURS.get(position, "#667382")
        total = sum(root.enterprise_total for root in roots)
        children.append(
            {
                "name": f"{position_labels.get(position, position)}（{total}）",
                "value": total,
                "itemStyle": {"color": colour, "borderColor": colour},
                "children": [_node(root, colour) for root in roots],
            }
        )
    root = {"name": chain_name, "children": children, "itemStyle": {"color": "#1d273b"}}
    height = max(320, _leaves(root) * ROW_HEIGHT + 40)
    option: Option = {
        "textStyle": {"fontFamily": FONT_FAMILY},
        "tooltip": {"trigger": "item", "triggerOn": "mousemove"},
        "series": [
            {
                "type": "tree",
                "data": [root],
                "top": 20,
                "bottom": 20,
                "left": 90,
                "right": 220,
                "orient": "LR",
                "symbolSize": 9,
                "initialTreeDepth": -1,
                "expandAndCollapse": True,
                "label": {"position": "left", "verticalAlign": "middle", "align": "right"},
                "leaves": {"label": {"position": "right", "align": "left"}},
                "lineStyle": {"color": "#ccd3dd"},
                "animationDuration": 300,
            }
        ],
    }
    return option, height
