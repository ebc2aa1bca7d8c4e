"""Tests of :mod:`cfnfix.rules.ordering`."""
