"""CFX601's target policy and its Python parse guard, on small templates (no cfn-lint)."""

from __future__ import annotations

import datetime as dt

import pytest
from pydantic import ValidationError

from cfnfix.rules.lambdas._nodejs_code import handler_style
from cfnfix.rules.lambdas._runtime_tables import lifecycle
from cfnfix.rules.lambdas.lambda_runtime_deprecated import Options, candidates

DAY = dt.date(2026, 11, 28)


@pytest.mark.parametrize(
    ("runtime", "latest", "nearest"),
    [
        ("python3.9", "python3.14", "python3.11"),
        ("nodejs16.x", "nodejs24.x", "nodejs22.x"),
        ("java8", "java25", "java8.al2"),
        ("ruby2.7", "ruby4.0", "ruby3.3"),
        ("provided.al2", "provided.al2023", "provided.al2023"),
    ],
)
def test_policies_pick_the_ends_of_the_supported_newer_runtimes(runtime: str, latest: str, nearest: str) -> None:
    lc = lifecycle(runtime)
    assert lc is not None
    assert candidates(lc, Options(today=DAY), DAY)[0] == latest
    assert candidates(lc, Options.model_validate({"today": DAY, "target-policy": "nearest"}), DAY)[0] == nearest


def test_default_policy_is_latest() -> None:
    assert Options().target_policy == "latest"


def test_unknown_policy_is_refused() -> None:
    with pytest.raises(ValidationError):
        Options.model_validate({"target-policy": "oldest"})


def test_go_has_no_supported_runtime_of_its_own() -> None:
    lc = lifecycle("go1.x")
    assert lc is not None and candidates(lc, Options(), DAY) == []


# -- Node.js handler styles (issue 22) ---------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "handler", "style"),
    [
        ("exports.handler = function (event, context, callback) { callback(null, 1); };", "index.handler", "callback"),
        ("exports.handler = (e, c, cb) => cb(null, 1);", "index.handler", "callback"),
        ("module.exports.run = function run(a, b, done) {};", "app.run", "callback"),
        ("exports.handler = async (event) => 1;", "index.handler", "async"),
        ("exports.handler = async function (event, context) { return 1; };", "index.handler", "async"),
        ("export const handler = async (event) => 1;", "index.handler", "async"),
        ("export async function handler(event) { return 1; }", "index.handler", "async"),
        ("async function main(e) { return 1; }\nexports.handler = main;\n", "index.handler", "async"),
        ("function main(e, c, cb) { cb(); }\nmodule.exports = { handler: main };", "index.handler", "callback"),
        ("exports.handler = async (e, context) => { context.succeed(1); };", "index.handler", "callback"),
        ("exports.handler = function (event) { return Promise.resolve(1); };", "index.handler", "unknown"),
        ("exports.other = async () => 1;", "index.handler", "unknown"),
        ("exports.handler = async () => 1;", None, "unknown"),
    ],
)
def test_node_handler_styles(code: str, handler: str | None, style: str) -> None:
    assert handler_style(code, handler) == style
