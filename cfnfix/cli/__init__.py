"""The ``cfnfix`` command line (typer): :mod:`.app` defines the commands, :mod:`.help` their help layout.

The console script enters through :mod:`cfnfix.__main__`, which answers ``--version``
before this package is imported; :func:`cfnfix.cli.app.main` runs every other command.
"""
