"""Auditor and CI reports from one AuditResult: HTML, Markdown, JSON, SARIF 2.1.0, JUnit."""
