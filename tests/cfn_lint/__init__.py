"""Tests of :mod:`cfnfix.cfn_lint`: cfn-lint as a detector and a verifier."""
