"""What cfnfix reads and writes besides parsing: files in, files out.

- :mod:`.files`: templates from files and standard input (with their size cap), configuration
  and patch files as UTF-8 text, each failure one clear error;
- :mod:`.writer`: atomic in-place writes;
- :mod:`.patch_input`: RFC 6902 patch documents for ``cfnfix patch``.
"""
