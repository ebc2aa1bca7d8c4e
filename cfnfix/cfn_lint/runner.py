"""cfn-lint, run in process: its rules loaded once per process and region set, its matches as plain values.

cfn-lint is an optional dependency (``pip install 'cfnfix[lint]'``), imported only when
it is asked for (``apply --verify``, ``--cfn-lint``): it takes over a second to import and
load its rules, which ``cfnfix check`` must not pay. Its rules are loaded once per process
and region set, then reused for every template (about 30 ms a template instead of about
1 s through ``cfnlint.api.lint``, which reloads them on each call).

**Nothing of the checked repository runs.** cfn-lint's own configuration would read
``.cfnlintrc`` files from the working folder and the home folder, and those may load rule code
(``append_rules``: Python modules; ``custom_rules``), patch its schemas (``override_spec``,
``registry_schemas``) or change what it reports (``ignore_checks``, ``configure_rules``). cfnfix
builds cfn-lint's configuration itself, from its own settings only (the regions; cfn-lint's
default checks), and reads no cfn-lint configuration file (:func:`isolated_config`). What a
template says about cfn-lint in its own ``Metadata`` (``ignore_checks`` and the like) is data
cfn-lint reads as it always does; it cannot name rule code or spec files there.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from ..errors import ConfigError, LintRefusalError

__all__ = [
    "DEFAULT_REGIONS",
    "LintMatch",
    "isolated_config",
    "lint_matches",
    "loaded_rules",
    "preload",
    "require",
    "validate_regions",
]

#: Regions cfn-lint checks against unless ``--regions`` says otherwise.
DEFAULT_REGIONS: tuple[str, ...] = ("us-east-1",)
_INSTALL = "pip install 'cfnfix[lint]'"


@dataclass(frozen=True)
class LintMatch:
    """One cfn-lint match: rule id, message, 1-based position in the linted text, JSON
    Pointer of the node it is about (``""``: the template) and cfn-lint's level
    (``error``, ``warning``, ``informational``)."""

    rule_id: str
    message: str
    line: int
    column: int
    path: str = ""
    level: str = "error"

    def __str__(self) -> str:
        return f"{self.rule_id} {self.message} (line {self.line})"


def require(what: str = "--verify") -> None:
    """Raise :class:`~cfnfix.errors.ConfigError` naming the extra when cfn-lint is not installed."""
    try:
        import cfnlint
        import cfnlint.api  # noqa: F401
    except ImportError:
        raise ConfigError(f"{what} needs cfn-lint, which is not installed: {_INSTALL}") from None


def validate_regions(regions: tuple[str, ...], what: str = "--verify", *, option: str = "--regions") -> tuple[str, ...]:
    """``regions`` when cfn-lint knows them all, else a :class:`~cfnfix.errors.ConfigError`
    (``what``: the option that needs cfn-lint; ``option``: where the regions came from)."""
    require(what)
    from cfnlint.helpers import REGIONS

    unknown = [r for r in regions if r not in REGIONS]
    if unknown:
        raise ConfigError(
            f"{option}: unknown AWS region {', '.join(map(repr, unknown))} (cfn-lint knows {len(REGIONS)} regions, e.g. us-east-1)"
        )
    if not regions:
        raise ConfigError(f"{option}: name at least one region")
    return regions


def isolated_config(regions: tuple[str, ...]) -> Any:
    """cfn-lint's configuration for ``regions`` and nothing else: no ``.cfnlintrc`` (of the working
    folder or the home folder) is looked for or read, no command-line argument of this process
    is parsed, and the settings that load code or data from files (``append_rules``,
    ``custom_rules``, ``override_spec``, ``registry_schemas``) are fixed to cfn-lint's defaults
    whatever else asks (see the module's docstring)."""
    from cfnlint.config import _DEFAULT_RULESDIR, ConfigMixIn

    class IsolatedConfig(ConfigMixIn):
        """cfn-lint's configuration built by cfnfix: cfn-lint's own rules, the regions given."""

        def _find_config(self) -> tuple[str, str]:
            return "", ""  # no user or project configuration file

        def load(self) -> None:
            self.file_args: dict[str, Any] = {}  # nothing read from any file

        @property
        def append_rules(self) -> list[str]:
            return [_DEFAULT_RULESDIR]  # cfn-lint's own rules only

        @property
        def custom_rules(self) -> None:
            return None

        @property
        def override_spec(self) -> None:
            return None

        @property
        def registry_schemas(self) -> list[str]:
            return []

        @property
        def config_file(self) -> None:
            return None

    config = IsolatedConfig([], regions=list(regions))
    if config.file_args:  # pragma: no cover - a cfn-lint that reads files some other way
        raise LintRefusalError("cfn-lint read a configuration file although cfnfix asked it not to")
    return config


@lru_cache(maxsize=4)
def loaded_rules(regions: tuple[str, ...]) -> tuple[Any, Any]:
    """cfn-lint's configuration (:func:`isolated_config`) and rules for ``regions``, loaded once per
    process (the last four region sets kept)."""
    from cfnlint.runner import Runner

    config = isolated_config(regions)
    return config, Runner(config).rules


def preload(regions: tuple[str, ...] = DEFAULT_REGIONS) -> None:
    """Load cfn-lint's rules for ``regions`` now (before worker processes fork: they share them)."""
    loaded_rules(tuple(regions))


def _pointer(path: Any) -> str:
    from ..document.pointer import make_pointer

    if not isinstance(path, (list, tuple)):
        return ""
    return make_pointer([str(p) for p in path])


def lint_matches(text: str, regions: tuple[str, ...] = DEFAULT_REGIONS, *, what: str = "--verify") -> list[LintMatch]:
    """Every match (errors, warnings, informational) cfn-lint reports for ``text``, in cfn-lint's order.

    Raises :class:`~cfnfix.errors.VerificationError` (``what``: the option that asked)
    when cfn-lint itself fails.
    """
    require(what)
    from cfnlint.decode.decode import decode_str
    from cfnlint.runner import run_template_by_data

    try:
        template, matches = decode_str(text)
        if not matches and template is not None:
            config, rules = loaded_rules(tuple(regions))
            matches = list(run_template_by_data(template, config, rules))
        return [
            LintMatch(
                m.rule.id,
                m.message,
                m.linenumber,
                m.columnnumber,
                _pointer(getattr(m, "path", None)),
                str(getattr(m.rule, "severity", "error")).lower(),
            )
            for m in matches or ()
        ]
    except Exception as exc:
        raise LintRefusalError(f"{what}: cfn-lint failed: {type(exc).__name__}: {exc}") from None
