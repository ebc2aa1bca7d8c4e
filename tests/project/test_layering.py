"""The package's layers (docs/design.md, "Layout"): nothing imports upward, no import cycle,
rule families keep their helpers to themselves, and development helpers stay out of the package."""

from __future__ import annotations

import ast
from pathlib import Path

from devtools.paths import ROOT

PACKAGE = ROOT / "cfnfix"

#: Layer of each part of the package: a module may import its own part and lower layers only.
LAYERS: dict[str, int] = {
    "errors": 0,
    "lazy": 0,  # names a package imports on first use (PEP 562)
    "profiles": 0,
    "io": 1,  # reading templates and small files, atomic writes, patch files
    "findings": 1,
    "config": 1,
    "textdiff": 1,
    "document": 1,
    "patch": 2,
    "template": 2,
    "impact": 3,  # reads the shared reference index of `template`
    "rules": 4,
    "suppression": 5,
    "config_files": 5,  # validates rule options, so it sits above `rules`
    "cfn_lint": 6,  # cfn-lint run in process; its matches as findings, over suppression's id tables
    "checking": 7,
    "fixing": 8,
    "markdown": 9,  # templates in Markdown fences, each checked and fixed as a template
    "api": 10,
    "batch": 10,
    "dataset": 11,  # JSON Lines / Parquet datasets, locally or on Ray
    "report": 11,
    "server": 11,
    "cli": 12,
    "cfnfix": 13,  # the package's __init__ (the public API)
    "__main__": 13,
}


def _module(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _imports(path: Path, *, top_level_only: bool) -> list[tuple[str, list[str]]]:
    """(imported module, names) for every ``cfnfix`` import of a file, relative ones resolved."""
    module = _module(path)
    package = module if path.name == "__init__.py" else module.rsplit(".", 1)[0]
    tree = ast.parse(path.read_text(encoding="utf-8"))
    nodes = tree.body if top_level_only else list(ast.walk(tree))
    found: list[tuple[str, list[str]]] = []
    for node in nodes:
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            names = [a.name for a in node.names]
            if target.startswith("cfnfix"):
                # ``from . import sam`` names a submodule: count it as an import of that module
                subs = [f"{target}.{n}" for n in names if _is_module(f"{target}.{n}")]
                if subs:
                    found.extend((sub, []) for sub in subs)
                else:
                    found.append((target, names))
        elif isinstance(node, ast.Import):
            found.extend((a.name, []) for a in node.names if a.name.startswith("cfnfix"))
    return found


def _is_module(dotted: str) -> bool:
    path = ROOT.joinpath(*dotted.split("."))
    return path.with_suffix(".py").is_file() or (path / "__init__.py").is_file()


def _part(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else parts[0]


def _files() -> list[Path]:
    return sorted(PACKAGE.rglob("*.py"))


def test_every_part_of_the_package_has_a_layer() -> None:
    parts = {_part(_module(p)) for p in _files()}
    assert parts <= set(LAYERS), f"add {sorted(parts - set(LAYERS))} to LAYERS (and to docs/design.md)"


def test_nothing_imports_upward() -> None:
    upward = []
    for path in _files():
        source = _module(path)
        for target, names in _imports(path, top_level_only=False):
            if target == "cfnfix" and names == ["__version__"]:
                continue  # the version string, not the API
            if _part(target) != _part(source) and LAYERS[_part(target)] >= LAYERS[_part(source)]:
                upward.append(f"{source} imports {target}")
    assert not upward, "\n".join(upward)


def test_no_import_cycle_between_modules() -> None:
    graph: dict[str, set[str]] = {}
    for path in _files():
        graph[_module(path)] = {t for t, _ in _imports(path, top_level_only=True) if t != _module(path)}
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(graph.get(node, ())):
            if nxt not in graph:
                continue
            if state.get(nxt) == 1 and not node.startswith(nxt + ".") and nxt != "cfnfix":
                cycle = stack[stack.index(nxt) :] + [nxt]
                raise AssertionError("import cycle: " + " -> ".join(cycle))
            if nxt not in state:
                visit(nxt)
        stack.pop()
        state[node] = 2

    for node in sorted(graph):
        if node not in state:
            visit(node)


def test_rule_families_keep_their_helpers_to_themselves() -> None:
    """A module of ``rules/<family>/`` imports its own family, ``rules.base`` and lower layers;
    no other module imports a family's private helpers (shared knowledge goes to ``cfnfix/template``)."""
    wrong = []
    for path in _files():
        source = _module(path)
        for target, _ in _imports(path, top_level_only=False):
            parts = target.split(".")
            if len(parts) >= 3 and parts[1] == "rules" and (PACKAGE / "rules" / parts[2]).is_dir():
                family = ".".join(parts[:3])
                if not source.startswith(family):
                    wrong.append(f"{source} imports {target}")
    assert not wrong, "\n".join(wrong)


def test_the_package_does_not_import_development_helpers() -> None:
    for path in _files():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, (ast.Import, ast.ImportFrom)):
                names = [node.module or ""] if isinstance(node, ast.ImportFrom) else [a.name for a in node.names]
                assert not any(n.split(".")[0] in ("tests", "devtools") for n in names), path


def test_benchmarks_and_scripts_do_not_import_tests() -> None:
    for folder in ("benchmarks", "scripts", "devtools"):
        for path in sorted((ROOT / folder).glob("*.py")):
            tree = ast.parse(path.read_text(encoding="utf-8"))
            for node in ast.walk(tree):
                if isinstance(node, ast.ImportFrom) and node.module:
                    assert node.module.split(".")[0] != "tests", f"{path.name} imports {node.module}"
                if isinstance(node, ast.Import):
                    assert all(a.name.split(".")[0] != "tests" for a in node.names), path.name


def test_layers_are_whole_numbers() -> None:
    assert all(type(layer) is int for layer in LAYERS.values()), "layers are whole numbers: renumber instead of 2.5"
