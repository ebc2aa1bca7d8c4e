"""Shared test configuration: hypothesis profiles (``CFNFIX_HYPOTHESIS=long`` for a deep run)."""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings

settings.register_profile("default", max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("long", max_examples=5000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile(os.environ.get("CFNFIX_HYPOTHESIS", "default"))

from .cli_fixtures import clean, cli, demo_rules, runner, template  # noqa: E402,F401  (fixtures)
