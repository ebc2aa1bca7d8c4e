"""Dependency cycles (CFX740–CFX749): find circular dependencies between resources and break
the standard shapes the way AWS's guidance does (``docs/cloudformation/dependency-cycles.md``)."""
