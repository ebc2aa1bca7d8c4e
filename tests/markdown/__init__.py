"""Tests of :mod:`cfnfix.markdown`: templates inside Markdown."""
