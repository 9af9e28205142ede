"""Supabase: project settings through our own Management API client."""
