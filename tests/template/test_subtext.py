"""Strings as CloudFormation reads them (``cfnfix/template/subtext.py``), which the hard-coded
environment, AMI and IAM name rules share: plain strings and Sub templates found, pointers escaped,
literals rewritten into a Sub with its escapes kept."""

from __future__ import annotations

import pytest

from cfnfix.template.subtext import Text, literal_spans, substituted, texts


def test_texts_yield_plain_strings_and_sub_templates_but_not_names() -> None:
    value = {
        "A": "arn:aws:s3:::x",
        "B": {"Ref": "arn:aws:not-text"},
        "C": {"Fn::Sub": ["arn:${AWS::Partition}:s3:::${B}", {"B": "arn:aws:s3:::inner"}]},
        "D": {"Fn::If": ["Cond", "yes", {"Fn::GetAtt": ["R", "Arn"]}]},
        "Principal": {"AWS": "arn:aws:iam::1:root"},
    }
    found = [(t.pointer, t.value, t.sub) for t in texts(value, "/P", skip=frozenset({"Principal"}))]
    assert found == [
        ("/P/A", "arn:aws:s3:::x", False),
        ("/P/C/Fn::Sub/0", "arn:${AWS::Partition}:s3:::${B}", True),
        ("/P/C/Fn::Sub/1/B", "arn:aws:s3:::inner", False),
        ("/P/D/Fn::If/1", "yes", False),
    ]
    assert [t.pointer for t in texts(value, "/P", needle="inner")] == ["/P/C/Fn::Sub/1/B"]
    assert next(texts(value, "/P")).variables == frozenset()
    assert [t.variables for t in texts(value, "/P") if t.sub] == [frozenset({"B"})]


def test_pointer_tokens_are_escaped() -> None:
    assert [t.pointer for t in texts({"a/b": "x", "c~d": ["y"]}, "")] == ["/a~1b", "/c~0d/0"]


def test_substituted_plain_string_becomes_sub_with_its_dollars_escaped() -> None:
    text = Text("/x", "arn:aws:logs:eu-west-1:1:log-group:/app/${Env}", sub=False)
    op = substituted(text, [(13, 22, "${AWS::Region}")])
    assert op == {
        "op": "replace",
        "path": "/x",
        "value": {"Fn::Sub": "arn:aws:logs:${AWS::Region}:1:log-group:/app/${!Env}"},
    }


def test_substituted_sub_template_is_edited_in_place_and_escapes_stay() -> None:
    text = Text("/x/Fn::Sub", "arn:aws:sns:us-east-1:${AWS::AccountId}:${!literal}", sub=True)
    assert literal_spans(text) == [(0, 22), (39, 40)]
    op = substituted(text, [(12, 21, "${AWS::Region}")])
    assert op == {
        "op": "replace",
        "path": "/x/Fn::Sub",
        "value": "arn:aws:sns:${AWS::Region}:${AWS::AccountId}:${!literal}",
    }


def test_substituted_refuses_a_plain_string_holding_an_escape() -> None:
    assert substituted(Text("/x", "a ${!b} us-east-1", sub=False), [(8, 17, "${AWS::Region}")]) is None
    with pytest.raises(ValueError):
        substituted(Text("/x", "abcdef", sub=False), [(0, 3, "x"), (2, 4, "y")])
