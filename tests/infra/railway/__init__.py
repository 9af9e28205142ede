"""Tests for infra/railway/."""
