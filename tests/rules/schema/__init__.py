"""Tests of :mod:`cfnfix.rules.schema`."""
