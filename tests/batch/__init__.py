"""Tests of :mod:`cfnfix.batch`: files, folders and jobs."""
