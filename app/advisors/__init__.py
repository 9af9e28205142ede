"""The project's own database advisors: checks over the catalogs that Supabase's advisors
would raise for our schema (RLS, function search_path, SECURITY DEFINER exposure, foreign-key
indexes, API role privileges, default privileges, extensions in public, pg_graphql).

Usage: python -m app.advisors [DATABASE_URL]   (exit 0: no finding, 1: findings, 2: error)
"""
