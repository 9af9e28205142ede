"""Shared HTTP plumbing for our own API clients (Supabase Management API, Railway GraphQL)."""
