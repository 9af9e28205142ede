"""Upstash Redis: the API's shared read cache and write rate limits."""
