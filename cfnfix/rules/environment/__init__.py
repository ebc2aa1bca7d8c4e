"""Hard-coded environment rules (CFX930–CFX939): a template written for one Region, account or
partition that fails or misbehaves in any other.

Helpers: ``_zones`` (Regions, Availability Zones and the properties that take zone names:
``data/zones.json``), ``_evidence`` (what in a template says which Region or account is its
own), ``_arns`` (ARNs in the template's text). Background: ``docs/cloudformation/environment.md``.
"""
