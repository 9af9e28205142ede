"""Tests for infra/ components."""
