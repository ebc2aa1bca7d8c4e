"""Lambda rules (CFX40x inline Python code, CFX601 runtime lifecycle) and their helpers.

Helpers: ``_lambda`` (functions of both resource types), ``_lambda_inline`` and ``_python_code``
(static analysis of inline code, never executed), ``_python_tables`` and ``_runtime_tables``
(the bundled tables in ``data/``). Background: ``docs/cloudformation/lambda.md``.
"""
