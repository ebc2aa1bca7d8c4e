"""Tests of :mod:`cfnfix.io`: reading and writing files."""
