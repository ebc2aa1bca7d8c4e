"""VPC peering rules (CFX50x) and their helpers.

Helpers: ``_peering`` (VPCs, peering connections, routes and the signals that a template
expects a peer), ``_optional_params`` / ``_optional_peer`` (making peer parameters optional),
``_placeholders`` (placeholder ids). Background: ``docs/cloudformation/vpc-peering.md``.
"""
