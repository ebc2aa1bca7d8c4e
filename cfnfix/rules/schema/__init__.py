"""Schema-driven rules (CFX701–CFX739): mistakes that cfn-lint reports from the CloudFormation
resource schemas, detected and fixed by cfnfix itself from the schemas cfn-lint ships as data.

The schemas are read as JSON files from the installed ``cfnlint`` package (located without
importing it, see :mod:`._schemas`); when cfn-lint is not installed these rules find nothing.
"""
