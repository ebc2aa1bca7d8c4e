"""Tests of :mod:`cfnfix.rules.hygiene`."""
