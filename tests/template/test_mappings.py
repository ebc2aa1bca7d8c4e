"""Mappings (``cfnfix/template/mappings.py``): where a mapping is looked up, and what removing its
unread entries removes."""

from __future__ import annotations

from cfnfix.template.mappings import lookups, removal


def test_mapping_lookups_and_removal() -> None:
    data = {
        "Mappings": {
            "M": {"us-east-1": {"A": "x", "B": "y"}, "eu-west-1": {"A": "z"}},
            "Other": {"k": {"v": "w"}},
        },
        "Resources": {
            "R": {
                "Type": "T",
                "Properties": {"P": {"Fn::Select": [0, {"Fn::FindInMap": ["M", {"Ref": "AWS::Region"}, "A"]}]}},
            }
        },
    }
    found, computed = lookups(data, "M")
    assert [(u.pointer, u.key, u.by_region, u.in_select) for u in found] == [
        ("/Resources/R/Properties/P/Fn::Select/1", "A", True, True)
    ]
    assert not computed
    assert removal(data, "M", {"A"}, still_read=False, computed=False) == [{"op": "remove", "path": "/Mappings/M"}]
    assert removal(data, "M", {"A"}, still_read=True, computed=False) == [
        {"op": "remove", "path": "/Mappings/M/us-east-1/A"},
        {"op": "remove", "path": "/Mappings/M/eu-west-1"},
    ]
    assert removal(data, "M", {"A"}, still_read=False, computed=True) == []
    alone = {"Mappings": {"M": data["Mappings"]["M"]}}
    assert removal(alone, "M", {"A", "B"}, still_read=True, computed=False) == [{"op": "remove", "path": "/Mappings"}]
