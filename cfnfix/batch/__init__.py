"""Many templates at once: which files, with which settings, in how many processes.

- :mod:`.targets`: which files (folders walked, ``-`` for standard input);
- :mod:`.jobs`: one file's job (read, recognise, check or fix, ``--verify``) and the jobs of a run;
- :mod:`.pool`: running the jobs, in one process or several;
- :mod:`.outcome`: what happened to one file (what the reporters read);
- :mod:`.write`: writing fixed files in place.

Which files
    Every file named on the command line, ``-`` for standard input, and, for each folder,
    every regular file (or symlink to one) below it ending in ``.yaml``, ``.yml``,
    ``.json`` or ``.template`` (hidden folders, ``node_modules`` and ``__pycache__`` are
    skipped; symlinked folders are not followed; FIFOs, devices, sockets and dangling
    symlinks are left out). Files found in folders are kept only when they are CloudFormation templates
    (see :func:`~cfnfix.template.model.is_template`); files named explicitly are always checked, unless
    ``templates_only`` asks for the same test on them too (what the pre-commit hooks do).

What is a CloudFormation template
    A mapping at the top level with an ``AWSTemplateFormatVersion`` key or a ``Resources``
    mapping (every deployable template has ``Resources``). A file that does not even
    mention one of those keys at the start of a line or after ``{``/``,`` is skipped without
    being parsed; one that mentions them but does not parse is reported as an error, since
    it is most likely a broken template.
"""
