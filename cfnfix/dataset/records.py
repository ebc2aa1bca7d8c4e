"""One record of a dataset: its text checked or fixed, as the output columns (docs/datasets.md).

The text is a template or a Markdown answer (:func:`cfnfix.markdown.looks_like_markdown`
decides, unless the kind is given). A template is checked and fixed as ``cfnfix check`` /
``cfnfix apply`` do a file named on the command line; a Markdown answer as they do a ``.md``
file. Nothing raises for a bad record: what went wrong is its ``error`` column, and the
run goes on.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

from ..config import Settings
from ..errors import CfnfixError, TemplateError
from ..findings import Finding

if TYPE_CHECKING:
    from ..fixing import FixResult

__all__ = ["COLUMNS", "Kind", "Mode", "RecordProcessor", "column_names"]

Mode = Literal["check", "apply"]
Kind = Literal["auto", "template", "markdown"]

#: The columns a run adds, by mode (their names get the run's prefix, ``cfnfix_`` by default).
COLUMNS: dict[str, tuple[str, ...]] = {
    "check": ("kind", "findings", "error"),
    "apply": ("kind", "findings", "fixed", "changed", "patch", "diff", "remaining", "error"),
}


def column_names(mode: Mode, prefix: str) -> list[str]:
    """The output columns a run in ``mode`` adds, with ``prefix``."""
    return [prefix + name for name in COLUMNS[mode]]


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def _findings(findings: list[Finding]) -> str:
    return _json([f.model_dump(mode="json") for f in findings])


@dataclass(frozen=True)
class RecordProcessor:
    """Checks or fixes the text of one record at a time with fixed settings (picklable: it goes
    to worker processes and Ray actors as it is)."""

    settings: Settings
    mode: Mode = "apply"
    kind: Kind = "auto"
    prefix: str = "cfnfix_"

    @property
    def columns(self) -> list[str]:
        """The names of the columns :meth:`process` returns, in order."""
        return column_names(self.mode, self.prefix)

    def process(self, value: Any, name: str | None = None) -> dict[str, Any]:
        """The output columns of one record whose text column holds ``value``; ``name`` (the
        record's id, when the run has an id column) is the file name of its findings and diff."""
        out: dict[str, Any] = dict.fromkeys(self.columns)
        p = self.prefix
        try:
            text = _text(value, name)
            kind = self.kind
            if kind == "auto":
                from ..markdown.recognise import looks_like_markdown

                kind = "markdown" if looks_like_markdown(text) else "template"
            out[p + "kind"] = kind
            if kind == "markdown":
                self._markdown(text, name, out)
            else:
                self._template(text, name, out)
        except CfnfixError as exc:
            self._fail(out, exc.with_file(name))
        except RecursionError:
            self._fail(out, TemplateError("nesting is too deep to process", file=name))
        except Exception as exc:  # a bug must not stop a run of a million records
            self._fail(out, CfnfixError(f"internal error: {type(exc).__name__}: {exc} (please report this)", file=name))
        return out

    def _fail(self, out: dict[str, Any], error: CfnfixError) -> None:
        kind = out[self.prefix + "kind"]
        out.update(dict.fromkeys(self.columns))
        out[self.prefix + "kind"] = kind
        out[self.prefix + "error"] = _error_line(error)

    def _template(self, text: str, name: str | None, out: dict[str, Any]) -> None:
        from ..checking import findings_for, load_template
        from ..document import detect_format
        from ..fixing import fix_text

        settings = self.settings
        p = self.prefix
        if self.mode == "check":
            out[p + "findings"] = _findings(findings_for(load_template(text, name, settings), settings))
            return
        # the fix loop's first pass is the check: the rules run once for both columns
        document = load_template(text, name, settings, nodes=detect_format(text) == "yaml")
        result = fix_text(text, name, settings, document, checked=True)
        assert result.checked is not None
        out[p + "findings"] = _findings(result.checked)
        self._fixed(result, out)

    def _fixed(self, result: FixResult, out: dict[str, Any]) -> None:
        p = self.prefix
        out[p + "fixed"] = result.text
        out[p + "changed"] = result.changed
        out[p + "patch"] = _json(result.patch)
        out[p + "diff"] = result.diff
        out[p + "remaining"] = _findings(result.remaining)

    def _markdown(self, text: str, name: str | None, out: dict[str, Any]) -> None:
        from ..markdown import check_markdown, fix_markdown

        p = self.prefix
        if self.mode == "check":
            checked = check_markdown(text, name, self.settings)
            out[p + "findings"] = _findings(checked.findings)
            errors = checked.errors
        else:
            result = fix_markdown(text, name, self.settings, checked=True)
            assert result.checked is not None
            out[p + "findings"] = _findings(result.checked)
            self._fixed(result, out)
            errors = result.errors
        if errors:  # fences left alone; the others are checked and fixed all the same
            out[p + "error"] = "\n".join(_error_line(e.error(name)) for e in errors)


def _text(value: Any, name: str | None) -> str:
    """The record's text: a string, or UTF-8 bytes (a Parquet binary column)."""
    from ..io.files import decode_template

    if isinstance(value, str):
        return value
    if isinstance(value, (bytes, bytearray, memoryview)):
        return decode_template(bytes(value), name or "")
    if value is None:
        raise TemplateError("no text (the column is empty for this record)")
    raise TemplateError(f"the column holds {type(value).__name__}, not text")


def _error_line(error: CfnfixError) -> str:
    """``file:line:col: reason``, without the ``<string>`` a nameless error would show."""
    return str(error) if error.file else str(error).removeprefix("<string>:").lstrip(": ")
