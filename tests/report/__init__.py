"""Tests of :mod:`cfnfix.report`: the output formats."""
