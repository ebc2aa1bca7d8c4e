"""Tests of :mod:`cfnfix.rules.principals`."""
