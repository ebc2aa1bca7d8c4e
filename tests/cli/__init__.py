"""Tests of :mod:`cfnfix.cli`: the command line."""
