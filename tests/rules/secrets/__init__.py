"""Tests of :mod:`cfnfix.rules.secrets`."""
