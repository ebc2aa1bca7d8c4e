"""Secrets in templates (CFX910–CFX919): passwords written in the template or passed as plain
parameters, and SSM parameters that hold a secret.

Their fixes take the secret out of the template: the database generates and keeps its own
password (``ManageMasterUserPassword``), or a Secrets Manager secret with a generated value
is read through a ``{{resolve:secretsmanager:…}}`` dynamic reference. A fix never writes a
secret in plain text, never drops encryption and never widens access. Facts and sources:
``docs/cloudformation/secrets.md``.
"""
