"""Tests of :mod:`cfnfix.document`: loading, positions, expansions."""
