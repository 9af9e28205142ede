"""The security baseline's numbers, declared once: stack config validation refuses a value
outside them (before `pulumi up`), and the policy pack blocks a plan outside them, with the
same figures, so config can never accept what the audit then blocks as critical."""

from __future__ import annotations

from typing import Final

BACKUP_RETENTION_MIN_DAYS: Final = 30
"""Days each database backup stays locked against deletion (CRM-R2-002)."""

PASSWORD_MIN_LENGTH: Final = 12
"""ASVS V2.1.1: user-set passwords are at least 12 characters (CRM-SB-003)."""

TOKEN_MAX_SECONDS: Final = 3600
"""Access tokens and email OTPs expire within an hour (CRM-SB-004, CRM-SB-005)."""

POSTGREST_MAX_ROWS: Final = 1000
"""Largest Data API page (CRM-SB-010)."""

TLS_VERSIONS: Final = ("1.2", "1.3")
"""Minimum TLS versions the edge may negotiate (RFC 8996 deprecates 1.0/1.1; CRM-EDGE-002)."""

HSTS_MIN_SECONDS: Final = 15_724_800
"""182 days, ASVS V14.4.5's "6 months" (CRM-EDGE-004); config asks for a year or more."""
