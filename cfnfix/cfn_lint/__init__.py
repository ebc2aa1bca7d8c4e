"""cfn-lint inside cfnfix (optional extra ``cfnfix[lint]``, imported only when asked for).

- :mod:`.runner`: cfn-lint run in process, its rules loaded once per process and region set;
- :mod:`.findings`: its matches as findings (``--cfn-lint``, ``cfn-lint = true``);
- :mod:`.verify`: ``apply --verify``, new cfn-lint errors in a fixed template;
- :mod:`.unmasking`: whether such an error is the fix's doing or one it only unmasked.

Named ``cfn_lint`` so that it never shadows the ``cfnlint`` distribution it runs.
"""
