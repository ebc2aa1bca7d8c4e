"""Tests of :mod:`cfnfix.rules`: the rule registry and conventions."""
