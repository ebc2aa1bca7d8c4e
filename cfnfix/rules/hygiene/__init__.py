"""Template hygiene: problems with one right answer that cfn-lint reports and nobody fixes
(JSON syntax slips, comment keys, a missing SAM transform, section typos, unused conditions,
redundant DependsOn, Sub without variables, a DeletionPolicy without its UpdateReplacePolicy).
Rule ids CFX801–CFX839."""
