"""Schema-driven rules (CFX701–CFX739): mistakes that cfn-lint reports from the CloudFormation
resource schemas, detected and fixed by cfnfix itself from the schemas cfn-lint ships as data.

The schemas are read as JSON files from the installed ``cfnlint`` package (located without
importing it, see :mod:`._schemas`). cfn-lint is a dependency of cfnfix; without it, a run that
selects these rules stops with an error (:meth:`cfnfix.rules.Rule.unavailable`).
"""
