"""Exception tree of cfnfix.

::

    CfnfixError                     every error cfnfix raises on purpose
     ├── TemplateError              the input text is not a template cfnfix can work on
     │    └── ParseError            malformed YAML/JSON, bad tags, aliases, duplicate keys ...
     ├── PatchError                 an RFC 6902 patch cannot be applied
     │    ├── PatchConflictError    a path is missing, an index is out of range ...
     │    ├── PatchTestFailedError  a ``test`` operation did not hold
     │    ├── AnchoredEditError     an operation would edit a YAML anchor, alias or merge key
     │    └── VerificationError     a fixed text failed a check after it was produced
     │         ├── PatchVerificationError  the edited text does not mean what the patch means
     │         └── LintRefusalError        cfn-lint (``--verify``) finds a new error in the fix
     ├── ConfigError                a configuration file or option is invalid
     ├── ArgumentError              a Python API argument of the wrong type (also a TypeError)
     └── WriteError                 a fixed template could not be written (nothing changed)

Every error carries an optional file name, 1-based line and column, and a one-line
``reason``; ``str(error)`` renders them as ``file:line:col: reason``.
"""

from __future__ import annotations


class CfnfixError(Exception):
    """Base class of every error cfnfix raises on purpose."""

    def __init__(
        self,
        reason: str,
        *,
        file: str | None = None,
        line: int | None = None,
        column: int | None = None,
    ) -> None:
        super().__init__(reason)
        self.reason = reason
        self.file = file
        self.line = line
        self.column = column

    def with_file(self, file: str | None) -> CfnfixError:
        """Return this error with ``file`` filled in when it was not known yet."""
        if self.file is None and file is not None:
            self.file = file
        return self

    def __str__(self) -> str:
        where = self.file or "<string>"
        if self.line is not None:
            where += f":{self.line}"
            if self.column is not None:
                where += f":{self.column}"
        return f"{where}: {self.reason}"


class TemplateError(CfnfixError):
    """The input is not a CloudFormation template cfnfix can work on."""


class ParseError(TemplateError):
    """The text is not valid YAML/JSON, or uses a construct CloudFormation rejects."""


class PatchError(CfnfixError):
    """An RFC 6902 patch cannot be applied to the template."""


class PatchConflictError(PatchError):
    """A patch operation names a path that does not exist or cannot be changed that way."""


class PatchTestFailedError(PatchError):
    """A ``test`` operation found a different value."""


class AnchoredEditError(PatchError):
    """A patch operation would edit at or inside a YAML anchored node, an alias or a mapping
    with a merge key (``<<``): such text stands for data in more than one place, so an edit
    there cannot be confined to the operation's path. ``apply`` refuses the whole file."""


class VerificationError(PatchError):
    """A fixed text failed a check after it was produced (base of the two cases below;
    ``except VerificationError`` catches both)."""


class PatchVerificationError(VerificationError):
    """The edited text, re-parsed, does not equal the patch applied to the input's data."""


class LintRefusalError(VerificationError):
    """``--verify``: cfn-lint reports an error in the fixed template that the original does
    not have (or cfn-lint itself failed on it), so the fix is not written."""


class ConfigError(CfnfixError):
    """A configuration file or command-line option is invalid."""


class ArgumentError(CfnfixError, TypeError):
    """A Python API call got an argument of the wrong type (a template that is neither text
    nor a path, a configuration that is a dict …). Also a :class:`TypeError`, as before."""


class WriteError(CfnfixError):
    """Writing a file failed or was refused; the original file is unchanged."""
