"""Names shared by two layers that must not import each other (a neutral module each).

`dashboards/` (Grafana content) and `infra/uptime_kuma/` (the monitors) agree on monitor
names here; `infra/grafana/` imports `dashboards/`, so neither may import the other's layer.
"""
