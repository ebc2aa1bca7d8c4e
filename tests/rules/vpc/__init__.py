"""Tests of :mod:`cfnfix.rules.vpc`."""
