"""Panel and variable helpers over grafana-foundation-sdk: one place for units, ids and layout.

Panels get sequential ids and explicit grid positions from `Grid`, which packs them left to
right in 24 columns and never overlaps (the SDK's auto-layout can overflow a row).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from urllib.parse import quote

from grafana_foundation_sdk.builders import common as common_builders
from grafana_foundation_sdk.builders import dashboard as db
from grafana_foundation_sdk.builders import prometheus, stat, text, timeseries
from grafana_foundation_sdk.cog.builder import Builder
from grafana_foundation_sdk.cog.variants import Dataquery
from grafana_foundation_sdk.models import common
from grafana_foundation_sdk.models import dashboard as dm
from grafana_foundation_sdk.models import text as text_models

from dashboards.queries import APP_INFO

DATASOURCE = dm.DataSourceRef(type_val="prometheus", uid="${datasource}")
# Grafana Cloud's hosted Tempo (the stack's traces data source); exemplars on latency panels
# carry `trace_id`, which Grafana Cloud's Prometheus data source links to this one.
TRACES_DATASOURCE_UID = "grafanacloud-traces"
GRID_COLUMNS = 24

Target = tuple[str, str]
"""(PromQL expression, legend format)."""


class Grid:
    """Assigns ids and non-overlapping positions, row by row."""

    def __init__(self) -> None:
        self._next_id = 1
        self._x = 0
        self._y = 0
        self._row_height = 0

    def place(self, width: int, height: int) -> tuple[int, dm.GridPos]:
        if not 0 < width <= GRID_COLUMNS:
            raise ValueError(f"panel width {width} must be 1..{GRID_COLUMNS}")
        if self._x + width > GRID_COLUMNS:
            self.new_line()
        pos = dm.GridPos(h=height, w=width, x=self._x, y=self._y)
        self._x += width
        self._row_height = max(self._row_height, height)
        panel_id = self._next_id
        self._next_id += 1
        return panel_id, pos

    def new_line(self) -> None:
        self._y += self._row_height
        self._x = 0
        self._row_height = 0

    def row(self, dashboard: db.Dashboard, title: str) -> None:
        self.new_line()
        panel_id, pos = self.place(GRID_COLUMNS, 1)
        dashboard.with_row(db.Row(title).id(panel_id).grid_pos(pos))
        self.new_line()


def _queries(
    targets: Sequence[Target], instant: bool = False, exemplars: bool = False
) -> list[Builder[Dataquery]]:
    out: list[Builder[Dataquery]] = []
    for index, (expr, legend) in enumerate(targets):
        query = (
            prometheus.Dataquery()
            .expr(expr)
            .legend_format(legend)
            .ref_id(chr(ord("A") + index))
            .datasource(DATASOURCE)
        )
        if exemplars:
            query.exemplar(True)
        out.append(query.instant() if instant else query.range())
    return out


def traces_explore_url(traceql: str) -> str:
    """A Grafana Explore link running `traceql` on the traces data source over the panel's
    time range (Grafana fills `${__from}` / `${__to}` and field variables when clicked)."""
    left = {
        "datasource": TRACES_DATASOURCE_UID,
        "queries": [{"refId": "A", "queryType": "traceql", "query": traceql, "limit": 20}],
        "range": {"from": "${__from}", "to": "${__to}"},
    }
    return "/explore?left=" + quote(json.dumps(left, separators=(",", ":")), safe="${}_")


def traces_link(title: str, traceql: str) -> Builder[dm.DashboardLink]:
    return (
        db.DashboardLink(title)
        .type(dm.DashboardLinkType.LINK)
        .url(traces_explore_url(traceql))
        .target_blank(True)
    )


def thresholds(*steps: tuple[float | None, str]) -> db.ThresholdsConfig:
    return (
        db.ThresholdsConfig()
        .mode(dm.ThresholdsMode.ABSOLUTE)
        .steps([dm.Threshold(value=v, color=c) for v, c in steps])
    )


def time_series(
    grid: Grid,
    title: str,
    description: str,
    targets: Sequence[Target],
    unit: str,
    *,
    width: int = 12,
    height: int = 8,
    objective: float | None = None,
    stacked: bool = False,
    minimum: float | None = 0,
    exemplars: bool = False,
    trace_links: Sequence[Builder[dm.DashboardLink]] = (),
) -> timeseries.Panel:
    """A time series; `objective` draws a dashed red threshold line at that value;
    `exemplars` shows the trace ids the histogram recorded (each opens its trace);
    `trace_links` are data links on every series (e.g. a trace search for that route)."""
    panel_id, pos = grid.place(width, height)
    panel = (
        timeseries.Panel()
        .id(panel_id)
        .grid_pos(pos)
        .title(title)
        .description(description)
        .datasource(DATASOURCE)
        .unit(unit)
        .targets(_queries(targets, exemplars=exemplars))
        .line_width(1)
        .fill_opacity(10)
    )
    if minimum is not None:
        panel.min(minimum)
    if objective is not None:
        panel.thresholds(thresholds((None, "green"), (objective, "red")))
        panel.thresholds_style(
            common_builders.GraphThresholdsStyleConfig().mode(
                common.GraphThresholdsStyleMode.DASHED
            )
        )
    if trace_links:
        panel.data_links(list(trace_links))
    if stacked:
        panel.stacking(common_builders.StackingConfig().mode(common.StackingMode.NORMAL))
        panel.fill_opacity(60)
    return panel


def single_stat(
    grid: Grid,
    title: str,
    description: str,
    target: Target,
    unit: str,
    steps: Sequence[tuple[float | None, str]],
    *,
    width: int = 6,
    height: int = 4,
    decimals: float | None = None,
) -> stat.Panel:
    panel_id, pos = grid.place(width, height)
    panel = (
        stat.Panel()
        .id(panel_id)
        .grid_pos(pos)
        .title(title)
        .description(description)
        .datasource(DATASOURCE)
        .unit(unit)
        .targets(_queries([target], instant=True))
        .thresholds(thresholds(*steps))
        .color_mode(common.BigValueColorMode.BACKGROUND)
        .graph_mode(common.BigValueGraphMode.NONE)
        .reduce_options(common_builders.ReduceDataOptions().calcs(["lastNotNull"]))
    )
    if decimals is not None:
        panel.decimals(decimals)
    return panel


def note(grid: Grid, title: str, markdown: str, *, width: int = 24, height: int = 3) -> text.Panel:
    panel_id, pos = grid.place(width, height)
    return (
        text.Panel()
        .id(panel_id)
        .grid_pos(pos)
        .title(title)
        .mode(text_models.TextMode.MARKDOWN)
        .content(markdown)
    )


def datasource_variable() -> db.DatasourceVariable:
    return db.DatasourceVariable("datasource").label("Data source").type("prometheus").regex("")


def query_variable(
    name: str, label: str, query: str, *, multi: bool = False, include_all: bool = False
) -> db.QueryVariable:
    variable = (
        db.QueryVariable(name)
        .label(label)
        .query(query)
        .datasource(DATASOURCE)
        .refresh(dm.VariableRefresh.ON_TIME_RANGE_CHANGED)
        .sort(dm.VariableSort.ALPHABETICAL_ASC)
    )
    if multi:
        variable.multi(True)
    if include_all:
        variable.include_all(True).all_value(".*")
    return variable


def new_dashboard(uid: str, title: str, description: str, tags: Sequence[str]) -> db.Dashboard:
    return (
        db.Dashboard(title)
        .uid(uid)
        .description(description)
        .tags(list(tags))
        .timezone("browser")
        .time("now-6h", "now")
        .refresh("1m")
        .editable()
        .tooltip(dm.DashboardCursorSync.CROSSHAIR)
    )


def app_dashboard(uid: str, title: str, description: str, tags: Sequence[str]) -> db.Dashboard:
    """A dashboard over the app's own metrics: data source and environment variables set."""
    d = new_dashboard(uid, title, description, tags)
    d.with_variable(datasource_variable())
    d.with_variable(query_variable("env", "Environment", f"label_values({APP_INFO}, environment)"))
    return d
