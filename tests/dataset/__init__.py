"""Tests of :mod:`cfnfix.dataset`: ``cfnfix dataset``."""
