"""RDS and Aurora rules (CFX2xx deletion behaviour, CFX30x Aurora MySQL lifecycle) and their helpers.

Helpers: ``_rds`` (RDS resource types and cluster membership), ``_aurora`` (what a cluster runs,
the upgrade target option), ``_aurora_tables`` (the bundled ``data/aurora_mysql.json``),
``_aurora_upgrade`` (the 5.7 → 8.0 patch). Background: ``docs/cloudformation/rds.md``.
"""
