"""Tests of :mod:`cfnfix.suppression`: suppressions in Metadata and comments."""
