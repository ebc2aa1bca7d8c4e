"""Physical names (CFX920–CFX929): names a template gives its resources that fail at deploy
time or when the stack is deployed again — S3 bucket names that can break the naming rules,
literal names that collide with a second copy, explicit IAM names (``CAPABILITY_NAMED_IAM``,
one account-wide namespace), reserved prefixes.

The fixes leave the name out (CloudFormation generates a unique one) and write the places
that repeated it as references; where the name has to stay, they make it valid or unique per
stack. Facts and sources: ``docs/cloudformation/physical-names.md``.
"""
