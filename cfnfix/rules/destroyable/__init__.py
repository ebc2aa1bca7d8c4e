"""The ``destroyable`` profile (CFX250–CFX269): every resource goes away with its stack.

These rules run only with ``profile = "destroyable"`` or ``--profile destroyable``: for
ephemeral stacks (tests, previews, CI) ``Retain``, snapshots and deletion protection are
the bug; in production they are right. Their fixes destroy data on delete, so they are unsafe.
Facts and sources: ``docs/cloudformation/destroyable.md``.
"""
