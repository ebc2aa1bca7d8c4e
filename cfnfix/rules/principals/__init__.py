"""Service principals for delivery and keys (CFX950–CFX959): the bucket-policy and key-policy
statements that a log-delivering service or a key-using service documents, added or corrected
without widening access (``docs/cloudformation/principals.md``)."""
