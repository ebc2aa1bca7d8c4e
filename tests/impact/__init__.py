"""Tests of :mod:`cfnfix.impact`: what a fix does to a deployed stack."""
