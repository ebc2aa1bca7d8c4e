"""Tests of :mod:`cfnfix.patch`: the format-preserving patch engine."""
