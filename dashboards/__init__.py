"""Grafana dashboards and alert rules as code (grafana-foundation-sdk, Grafana 11.6 schema)."""
