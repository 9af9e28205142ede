"""Tests for infra/supabase/."""
