"""The vendors' management APIs we call, and the stack config keys that point a stack elsewhere
(the local stack's stand-ins on 127.0.0.1).

One light module that the config layer (which checks the keys) and the clients (which use
them) both read: loading the stack config must not import an HTTP client.
"""

from __future__ import annotations

from typing import Final

SUPABASE_API: Final = "https://api.supabase.com"
SUPABASE_API_KEY: Final = "careers-crm:supabase.managementApiUrl"
RAILWAY_API: Final = "https://backboard.railway.com/graphql/v2"
RAILWAY_API_KEY: Final = "careers-crm:railway.apiUrl"
RESEND_API: Final = "https://api.resend.com"
RESEND_API_KEY: Final = "careers-crm:resend.apiUrl"
