"""Which Upstash region sits next to each Railway region.

Every cached read and every rate-limit check is a round trip from the API to Redis, so the
database lives in the cloud region nearest the API's Railway region. Railway regions are GCP
locations (https://docs.railway.com/reference/deployment-regions); Upstash's primary regions
are AWS ones (the provider's `primary_region` list). Read Nov 2026.
"""

from __future__ import annotations

RAILWAY_TO_UPSTASH = {
    "us-west2": "us-west-1",  # Los Angeles -> N. California
    "us-east4-eqdc4a": "us-east-1",  # Virginia -> Virginia
    "europe-west4-drams3a": "eu-central-1",  # Amsterdam -> Frankfurt
    "asia-southeast1-eqsg3a": "ap-southeast-1",  # Singapore -> Singapore
}

# Upstash's Free plan (https://upstash.com/pricing/redis, read 2026-11-09): one database,
# 256 MB data, 10 GB bandwidth and 500K commands a month. Features that bill or upgrade the
# plan are refused by policy CRM-REDIS-002 while `upstash.plan` is free.
FREE_PLAN_FORBIDDEN = {
    "autoScale": "upgrades the database to a paid plan when it hits a quota",
    "prodPack": "is a paid add-on",
    "readRegions": "bill per read region",
}
