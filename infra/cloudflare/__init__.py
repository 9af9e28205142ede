"""Cloudflare edge: zone TLS settings, DNS, WAF managed/custom rules and rate limiting."""
