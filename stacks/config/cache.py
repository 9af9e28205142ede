"""Upstash Redis: on by default, sized by the plan the account is on."""

from __future__ import annotations

from dataclasses import dataclass

from stacks.config.reader import Reader

UPSTASH_PLANS = ("free", "payg")


@dataclass(frozen=True)
class UpstashConfig:
    enabled: bool
    plan: str  # policy CRM-REDIS-002 holds a free database to the free plan's features


def read_upstash(reader: Reader) -> UpstashConfig:
    return UpstashConfig(
        enabled=reader.boolean("upstash.enabled", True),
        plan=reader.choice("upstash.plan", "free", UPSTASH_PLANS),
    )
