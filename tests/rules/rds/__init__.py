"""Tests of :mod:`cfnfix.rules.rds`."""
