"""Errors the backup and restore commands report as one clear line (never a traceback)."""

from __future__ import annotations


class OpsError(Exception):
    """A failure the operator can act on; the message names what is wrong and the fix."""


class SettingsError(OpsError):
    """A missing or invalid environment variable or flag."""


class BackupNotFound(OpsError):
    """No backup (or no manifest for it) under the requested key or prefix."""


class BackupCorrupt(OpsError):
    """The stored dump or manifest does not match what the backup recorded."""


class BackupTruncated(BackupCorrupt):
    """The stored dump is shorter (or longer) than the manifest says."""


class DumpFailed(OpsError):
    """pg_dump exited non-zero; nothing was stored."""


class TargetNotEmpty(OpsError):
    """The restore target already holds tables; restoring would mix two databases."""


class TargetNotReady(OpsError):
    """The restore target lacks something the dump needs (an extension or its schema)."""


class RestoreFailed(OpsError):
    """pg_restore or the post-restore verification failed."""
