"""Tests of :mod:`cfnfix.rules.names`."""
