"""IAM name rules (CFX960–CFX969): managed policy ARNs and service principals that do not
exist, and IAM policy variables that ``Fn::Sub`` would try to substitute.

Helpers: ``_names`` (the dated tables of AWS managed policies and service principals,
``data/iam_names.json``, written by ``scripts/gen_iam_names.py`` from public datasets, and the
near-miss search over them), ``_usage`` (which service uses a role). Background:
``docs/cloudformation/iam.md``.
"""
