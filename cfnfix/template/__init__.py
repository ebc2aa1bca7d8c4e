"""The one model of a CloudFormation template's plain data, and what is built on it.

- :mod:`.model`: sections, resources (id, type, body), ``Ref``/``Fn::GetAtt`` targets,
  literals, parameter defaults and CloudFormation's quotas;
- :mod:`.references`: every place a logical ID is referenced;
- :mod:`.naming`: logical-ID validity and :class:`~cfnfix.template.naming.NameAllocator`,
  the only way a fix chooses a new logical ID;
- :mod:`.rename`: a rename as one JSON Patch (key plus every reference);
- :mod:`.sam`: the logical IDs AWS SAM generates from a resource's ID;
- :mod:`.subtext`: strings as CloudFormation reads them (plain or ``Fn::Sub``) and rewriting
  part of one (a pseudo parameter into an ARN);
- :mod:`.mappings`: ``Fn::FindInMap`` lookups of a mapping and removing what a fix leaves unused.

Nothing here knows about text or positions (that is :mod:`cfnfix.document`) or about rules.
Background: ``docs/cloudformation/logical-ids.md``.
"""
