"""Tests of :mod:`cfnfix.template`: the CloudFormation template model."""
