"""Creation order (CFX970–CFX979): resources CloudFormation would create before what they need
(a bucket policy, a Lambda permission, a VPC gateway attachment) get a ``DependsOn``, checked
against the dependency graph so that it never closes a circle (``docs/cloudformation/ordering.md``)."""
