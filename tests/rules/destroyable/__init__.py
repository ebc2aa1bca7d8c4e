"""Tests of :mod:`cfnfix.rules.destroyable`."""
