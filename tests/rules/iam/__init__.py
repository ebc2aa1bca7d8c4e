"""Tests of :mod:`cfnfix.rules.iam`."""
