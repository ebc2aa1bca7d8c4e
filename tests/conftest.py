"""Shared test configuration: hypothesis profiles (``CFNFIX_HYPOTHESIS=long`` for a deep run) and the
``corpus`` marker (tests that read the shared corpus skip without it, and fail without it under ``CI=true``)."""

from __future__ import annotations

import os

import pytest
from hypothesis import HealthCheck, settings

settings.register_profile("default", max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("long", max_examples=5000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile(os.environ.get("CFNFIX_HYPOTHESIS", "default"))

from tests.support.cli_fixtures import clean, cli, demo_rules, runner, template  # noqa: E402,F401  (fixtures)


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "corpus: needs the shared corpus of real templates (../shared/corpus or CFNFIX_CORPUS)"
    )


def pytest_runtest_setup(item: pytest.Item) -> None:
    """Skip a ``corpus`` test when the corpus is missing; under ``CI=true`` fail it instead."""
    if item.get_closest_marker("corpus") is None:
        return
    from devtools.corpus import corpus_missing_reason

    reason = corpus_missing_reason()
    if reason is None:
        return
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"CI=true but the corpus is missing: {reason}", pytrace=False)
    pytest.skip(reason)
