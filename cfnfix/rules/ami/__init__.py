"""AMI rules (CFX940–CFX949): image IDs written into a template, which name an image of one
Region and age, and what to use instead: a public Systems Manager parameter of the image family.

Helpers: ``_families`` (the families and their public parameters, ``data/ami_families.json``,
and recognising a family from the template's own words), ``_sites`` (where AMI IDs are
written, the words around them, the instances' architecture), ``_parameter`` (the parameter a
fix adds or reuses). Background: ``docs/cloudformation/ami.md``.
"""
