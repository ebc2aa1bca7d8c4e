"""Helpers used only by the tests: CLI fixtures, demo rules, hypothesis strategies."""
