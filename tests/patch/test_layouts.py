"""The per-format layouts (patch/layout_json.py, patch/layout_yaml.py) on their own: the offset and
the exact text each placement gives, without the planner around them."""

from __future__ import annotations

import ast
from typing import Any

import pytest

from cfnfix.document import parse_text
from cfnfix.document.nodes import MappingNode, Node, SequenceNode
from cfnfix.document.text import LineIndex
from cfnfix.patch.engine import LAYOUTS
from cfnfix.patch.layout import Flush, Insertion, Layout, New
from cfnfix.patch.layout_json import JsonLayout
from cfnfix.patch.layout_yaml import YamlLayout
from devtools.paths import ROOT

PATCH = ROOT / "cfnfix" / "patch"


def layout(text: str) -> tuple[Layout, Node]:
    """The layout for ``text`` (format by content, as the planner chooses it) and its root."""
    fmt, root, _ = parse_text(text)
    return LAYOUTS[fmt](text, LineIndex(text), lambda: root), root


def at(root: Node, *keys: Any) -> Any:
    """The node at ``keys`` (mapping keys or sequence indexes)."""
    node: Any = root
    for key in keys:
        node = node.items[key] if isinstance(node, SequenceNode) else next(v for k, v in node.items if k.value == key)
    return node


def spliced(text: str, insertion: Insertion) -> str:
    return text[: insertion.pos] + insertion.text + text[insertion.pos :]


def _no_style() -> Node:
    raise AssertionError("the style was read, but this placement needs none")


# -- the interface -----------------------------------------------------------------------


def test_one_layout_per_format() -> None:
    assert LAYOUTS == {"json": JsonLayout, "yaml": YamlLayout}
    assert issubclass(JsonLayout, Layout) and issubclass(YamlLayout, Layout)
    assert (JsonLayout.fmt, YamlLayout.fmt) == ("json", "yaml")
    assert YamlLayout.verifies_locally and not JsonLayout.verifies_locally


def test_the_planner_does_not_branch_on_the_format() -> None:
    tree = ast.parse((PATCH / "engine.py").read_text(encoding="utf-8"))
    compared = [
        node.lineno
        for node in ast.walk(tree)
        if isinstance(node, ast.Compare)
        and any(isinstance(c, ast.Constant) and c.value in ("json", "yaml") for c in [node.left, *node.comparators])
    ]
    assert compared == [], f"engine.py compares with a format name on lines {compared}: ask the layout instead"


@pytest.mark.parametrize("module", ["layout.py", "layout_json.py", "layout_yaml.py"])
def test_layouts_do_not_import_the_planner(module: str) -> None:
    tree = ast.parse((PATCH / module).read_text(encoding="utf-8"))
    imported = {node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}
    assert "engine" not in imported and "cfnfix.patch.engine" not in imported


# -- YAML ----------------------------------------------------------------------------------

YAML = "Resources:\n  A:\n    Type: AWS::S3::Bucket  # keep\n    Properties:\n      Tags: {Env: dev, Team: x}\n"


def test_yaml_entry_appended_to_a_block_mapping_is_a_line_after_the_last_one() -> None:
    lay, root = layout(YAML)
    added = lay.append_entry(at(root, "Resources", "A"), "DeletionPolicy", "Retain")
    assert added.own_line is False
    assert spliced(YAML, added) == YAML + "    DeletionPolicy: Retain\n"


def test_yaml_entry_appended_to_a_flow_mapping_goes_inline_with_a_comma() -> None:
    lay, root = layout(YAML)
    added = lay.append_entry(at(root, "Resources", "A", "Properties", "Tags"), "Cost", "010")
    assert spliced(YAML, added) == YAML.replace("Team: x}", "Team: x, Cost: '010'}")


def test_yaml_block_value_appended_in_the_file_indentation_and_tags() -> None:
    text = "Resources:\n    A:\n        Type: T\n        Properties:\n            Name: !Ref N\n"
    lay, root = layout(text)
    added = lay.append_entry(at(root, "Resources", "A", "Properties"), "Tags", [{"Key": "k", "Value": {"Ref": "V"}}])
    assert (
        spliced(text, added) == text + "            Tags:\n                - Key: k\n                  Value: !Ref V\n"
    )


def test_yaml_entry_before_a_section_keeps_the_blank_line_and_comments_above_it() -> None:
    text = "Parameters:\n  P:\n    Type: String\n\n# the resources\nResources:\n  A:\n    Type: T\n"
    lay, root = layout(text)
    added = lay.entry_before(root, 1, "Conditions", {"C": {"Fn::Equals": ["a", "b"]}})
    assert added.own_line is True
    assert spliced(text, added) == text.replace(
        "# the resources", "Conditions:\n  C: !Equals [a, b]\n\n# the resources"
    )


def test_yaml_inserts_before_an_entry_only_in_block_mappings() -> None:
    lay, root = layout(YAML)
    assert lay.inserts_before(root) is True
    assert lay.inserts_before(at(root, "Resources", "A", "Properties", "Tags")) is False


def test_yaml_item_in_a_block_sequence_is_a_dash_line_at_the_dash_column() -> None:
    text = "L:\n  - a  # first\n  - b\n"
    lay, root = layout(text)
    seq = at(root, "L")
    before = lay.item(seq, 1, {"K": "v", "N": 1})
    assert before is not None and before.own_line is True
    assert spliced(text, before) == "L:\n  - a  # first\n  - K: v\n    N: 1\n  - b\n"
    appended = lay.item(seq, 2, "c")
    assert appended is not None and spliced(text, appended) == text + "  - c\n"


def test_yaml_item_in_a_flow_sequence_comes_with_its_comma() -> None:
    text = "L: [a, b]\n"
    lay, root = layout(text)
    seq = at(root, "L")
    assert spliced(text, lay.item(seq, 0, "new item")) == "L: [new item, a, b]\n"  # type: ignore[arg-type]
    assert spliced(text, lay.item(seq, 2, {"Ref": "X"})) == "L: [a, b, !Ref X]\n"  # type: ignore[arg-type]


def test_yaml_item_before_the_first_of_a_compact_nested_sequence_is_left_to_a_re_render() -> None:
    text = "L:\n  - - a\n    - b\n"
    lay, root = layout(text)
    assert lay.item(at(root, "L", 0), 0, "z") is None


def test_yaml_removal_takes_whole_lines_in_block_and_one_comma_in_flow() -> None:
    lay, root = layout(YAML)
    start, end = lay.removal(at(root, "Resources", "A"), 0)  # type: ignore[misc]
    assert YAML[:start] + YAML[end:] == "Resources:\n  A:\n    Properties:\n      Tags: {Env: dev, Team: x}\n"
    tags = at(root, "Resources", "A", "Properties", "Tags")
    first = lay.removal(tags, 0)
    last = lay.removal(tags, 1)
    assert first is not None and YAML[: first[0]] + YAML[first[1] :] == YAML.replace("{Env: dev, Team: x}", "{Team: x}")
    assert last is not None and YAML[: last[0]] + YAML[last[1] :] == YAML.replace("{Env: dev, Team: x}", "{Env: dev}")


def test_yaml_removing_the_last_line_of_a_file_without_a_final_newline_takes_the_break_before() -> None:
    text = "M:\n  a: 1\n  b: 2"
    lay, root = layout(text)
    start, end = lay.removal(at(root, "M"), 1)  # type: ignore[misc]
    assert text[:start] + text[end:] == "M:\n  a: 1"


def test_yaml_replacement_starts_after_the_colon() -> None:
    text = "A:\n  Name: 'old'\n  Size: 3\n"
    lay, root = layout(text)
    mapping = at(root, "A")
    start, end, new = lay.replacement(at(mapping, "Name"), "new", mapping)
    assert text[:start] + new + text[end:] == "A:\n  Name: 'new'\n  Size: 3\n"  # the quotes stay
    start, end, new = lay.replacement(at(mapping, "Size"), {"Ref": "S"}, mapping)
    assert text[:start] + new + text[end:] == "A:\n  Name: 'old'\n  Size: !Ref S\n"


def test_yaml_literal_block_is_rewritten_line_by_line() -> None:
    text = "Code: |\n  one\n    two  \n  three\n"
    lay, root = layout(text)
    start, end, new = lay.replacement(at(root, "Code"), "one\n  two  \nTHREE\n", root)
    assert text[:start] + new + text[end:] == "Code: |\n  one\n    two  \n  THREE\n"


def test_yaml_finish_moves_a_trailing_comment_onto_a_new_literal_header() -> None:
    text = "A: x  # note\nB: y\n"
    lay, root = layout(text)
    node = at(root, "A")
    end, new = lay.finish(node.end, " |\n  line 1\n  line 2")  # replacing " x" after the colon
    assert text[:2] + new + text[end:] == "A: |  # note\n  line 1\n  line 2\nB: y\n"
    assert lay.finish(node.end, " plain") == (node.end, " plain")


def test_yaml_rename_keeps_quotes_the_name_needed_and_reads_no_style() -> None:
    text = "R:\n  'Old': 1\n  \"010\": 2\n"
    lay, root = layout(text)
    mapping = at(root, "R")
    lay = YamlLayout(text, LineIndex(text), _no_style)
    old, number = (k for k, _ in mapping.items)
    assert lay.key_text(old, "New", mapping) == "'New'"
    assert lay.key_text(number, "Ten", mapping) == "Ten"  # "010" was quoted only because it needed it
    start, end = lay.removal(mapping, 0)  # type: ignore[misc]
    assert text[:start] + text[end:] == 'R:\n  "010": 2\n'


def test_yaml_text_after_a_pending_multi_line_value_waits_for_a_flush() -> None:
    text = "M:\n  a: 1\n"
    lay, root = layout(text)
    mapping = at(root, "M")
    mapping.items.append((mapping.items[0][0], New("x\ny\n", len(text), len(text))))
    with pytest.raises(Flush):
        lay.append_entry(mapping, "b", 2)


# -- JSON ----------------------------------------------------------------------------------


@pytest.mark.parametrize("unit", ["  ", "    ", "\t"])
def test_json_member_appended_on_its_own_line_in_the_indentation_unit(unit: str) -> None:
    text = "{\n" + unit + '"A": {\n' + unit * 2 + '"B": 1\n' + unit + "}\n}\n"
    lay, root = layout(text)
    added = lay.append_entry(at(root, "A"), "C", {"D": [1, 2]})
    assert added.own_line is False
    expected = '"B": 1,\n' + unit * 2 + '"C": {\n' + unit * 3 + '"D": [\n' + unit * 4 + "1,\n" + unit * 4 + "2\n"
    expected += unit * 3 + "]\n" + unit * 2 + "}\n"
    assert spliced(text, added) == text.replace('"B": 1\n', expected)


def test_json_member_appended_inline_in_a_one_line_object_with_the_file_separators() -> None:
    text = '{"A": {"B": 1}}'
    lay, root = layout(text)
    assert spliced(text, lay.append_entry(at(root, "A"), "C", [1, "x"])) == '{"A": {"B": 1, "C": [1, "x"]}}'
    compact = '{"A":{"B":1,"X":2}}'
    lay, root = layout(compact)
    assert spliced(compact, lay.append_entry(at(root, "A"), "C", [1, "x"])) == '{"A":{"B":1,"X":2,"C":[1,"x"]}}'


def test_json_crlf_line_is_continued_with_crlf() -> None:
    text = '{\r\n  "A": 1\r\n}\r\n'
    lay, root = layout(text)
    assert spliced(text, lay.append_entry(root, "B", "é")) == '{\r\n  "A": 1,\r\n  "B": "\\u00e9"\r\n}\r\n'


def test_json_member_before_a_section_ends_with_a_comma_and_the_anchor_indentation() -> None:
    text = '{\n  "Description": "d",\n  "Resources": {}\n}\n'
    lay, root = layout(text)
    assert lay.inserts_before(root) is True
    added = lay.entry_before(root, 1, "Parameters", {"P": {"Type": "String"}})
    assert spliced(text, added) == text.replace(
        '  "Resources"', '  "Parameters": {\n    "P": {\n      "Type": "String"\n    }\n  },\n  "Resources"'
    )


def test_json_item_in_a_spread_array_and_in_a_one_line_array() -> None:
    text = '{"L": [\n    1,\n    2\n  ], "M": [1, 2]}'
    lay, root = layout(text)
    spread, inline = at(root, "L"), at(root, "M")
    assert spliced(text, lay.item(spread, 2, 3)) == text.replace("2\n  ]", "2,\n    3\n  ]")  # type: ignore[arg-type]
    assert spliced(text, lay.item(spread, 0, 0)) == text.replace("[\n    1,", "[\n    0,\n    1,")  # type: ignore[arg-type]
    assert spliced(text, lay.item(inline, 1, 9)) == text.replace("[1, 2]}", "[1, 9, 2]}")  # type: ignore[arg-type]


def test_json_removal_takes_one_adjacent_comma() -> None:
    text = '{"A": 1, "B": 2, "C": 3}'
    lay, root = layout(text)
    middle, last = lay.removal(root, 1), lay.removal(root, 2)
    assert middle is not None and text[: middle[0]] + text[middle[1] :] == '{"A": 1, "C": 3}'
    assert last is not None and text[: last[0]] + text[last[1] :] == '{"A": 1, "B": 2}'


def test_json_member_sharing_a_line_with_its_sibling_waits_for_a_flush() -> None:
    text = '{\n  "A": 1, "B": 2\n}'
    lay, root = layout(text)
    with pytest.raises(Flush):
        lay.append_entry(root, "C", 3)


def test_json_rename_is_a_json_string_and_finish_changes_nothing() -> None:
    text = '{"Old": 1}'
    lay = JsonLayout(text, LineIndex(text), lambda: parse_text(text)[1])
    _, root, _ = parse_text(text)
    assert isinstance(root, MappingNode)
    assert lay.key_text(root.items[0][0], 'say "hi"', root) == '"say \\"hi\\""'
    assert lay.finish(3, " |\n  x\n") == (3, " |\n  x\n")
