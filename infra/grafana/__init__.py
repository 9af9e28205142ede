"""Grafana Cloud: dashboards, alert rules, contact point, notification policy, scrapes."""
