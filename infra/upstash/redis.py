"""The Upstash Redis database and the connection URL the API reads as `REDIS_URL`.

Declared here rather than pasted by hand: the URL (password included) flows from the
database's outputs to Railway as a Pulumi secret and is never typed, copied or logged.
"""

from __future__ import annotations

from dataclasses import dataclass

import pulumi
import upstash_pulumi as upstash


@dataclass(frozen=True)
class RedisArgs:
    database_name: str
    primary_region: str  # an Upstash region next to the API (infra/upstash/regions.py)
    # Cache and rate-limit keys can be rebuilt: under memory pressure evict them rather than
    # fail writes (Upstash's eviction picks keys with a TTL first).
    eviction: bool = True


class RedisCache(pulumi.ComponentResource):
    url: pulumi.Output[str]

    def __init__(
        self, name: str, args: RedisArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__("crm:upstash:RedisCache", name, None, opts)
        self.database = upstash.RedisDatabase(
            name,
            database_name=args.database_name,
            region="global",  # regional databases are deprecated; global + primary region
            primary_region=args.primary_region,
            tls=True,
            eviction=args.eviction,
            auto_scale=False,
            prod_pack=False,
            opts=pulumi.ResourceOptions(parent=self),
        )
        db = self.database
        self.url = pulumi.Output.secret(
            pulumi.Output.all(db.password, db.endpoint, db.port).apply(
                lambda parts: f"rediss://default:{parts[0]}@{parts[1]}:{int(parts[2])}"
            )
        )
        self.register_outputs({"url": self.url})
