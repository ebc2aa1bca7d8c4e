"""Tests of :mod:`cfnfix.rules.lambdas`."""
