"""Tests of :mod:`cfnfix.server`: the language server."""
