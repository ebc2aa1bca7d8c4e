"""Generated patches for a template: the five kinds the engine must handle on any file."""

from __future__ import annotations

from typing import Any

from cfnfix.document.pointer import make_pointer


def _first_str_leaf(data: Any, path: list[str]) -> list[str] | None:
    if isinstance(data, str):
        return path
    if isinstance(data, dict):
        for k, v in data.items():
            found = _first_str_leaf(v, path + [k])
            if found:
                return found
    if isinstance(data, list):
        for i, v in enumerate(data):
            found = _first_str_leaf(v, path + [str(i)])
            if found:
                return found
    return None


def _first_list(data: Any, path: list[str]) -> list[str] | None:
    if isinstance(data, list):
        return path
    if isinstance(data, dict):
        for k, v in data.items():
            found = _first_list(v, path + [k])
            if found:
                return found
    return None


def generated_patches(data: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
    """Name → patch: replace a leaf, add a property, remove a key, add to a list, rename a resource."""
    patches: dict[str, list[dict[str, Any]]] = {}
    resources = data.get("Resources")
    if not isinstance(resources, dict) or not resources:
        return patches
    name = next(iter(resources))
    res = resources[name]
    base = ["Resources", name]
    leaf = _first_str_leaf(res, base)
    if leaf:
        patches["replace-leaf"] = [{"op": "replace", "path": make_pointer(leaf), "value": "cfnfix: replaced #1"}]
    props = res.get("Properties") if isinstance(res, dict) else None
    if isinstance(props, dict):
        patches["add-property"] = [
            {
                "op": "add",
                "path": make_pointer(base + ["Properties", "CfnfixAdded"]),
                "value": {"Key": "yes", "List": ["a", {"Ref": "AWS::Region"}]},
            }
        ]
    elif isinstance(res, dict):
        patches["add-property"] = [
            {"op": "add", "path": make_pointer(base + ["Properties"]), "value": {"CfnfixAdded": "010"}}
        ]
    if isinstance(res, dict) and res:
        victim = list(res)[-1]
        patches["remove-key"] = [{"op": "remove", "path": make_pointer(base + [victim])}]
    lst = _first_list(data.get("Resources"), ["Resources"])
    if lst:
        patches["add-to-list"] = [
            {"op": "add", "path": make_pointer(lst + ["-"]), "value": {"Fn::Sub": "${AWS::StackName}-added"}}
        ]
    else:
        patches["add-to-list"] = [{"op": "add", "path": make_pointer(base + ["DependsOn"]), "value": [name]}]
    new = name + "Renamed"
    while new in resources:
        new += "X"
    patches["rename-resource"] = [{"op": "move", "from": make_pointer(base), "path": make_pointer(["Resources", new])}]
    return patches
