"""Tests of :mod:`cfnfix.rules.cycles`."""
