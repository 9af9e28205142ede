"""Tests for infra/vercel/."""
