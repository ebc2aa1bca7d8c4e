"""Values kept by identity (``cfnfix/template/kept.py``): the same object is needed, one entry per key,
least recently used dropped."""

from __future__ import annotations


def test_kept_by_identity_needs_the_same_object_and_keeps_one_entry_per_key() -> None:
    from cfnfix.template.kept import KeptByIdentity

    kept: KeptByIdentity[str] = KeptByIdentity(2)
    body = {"Type": "AWS::SNS::Topic"}
    assert kept.put("A", body, "walk of A") == "walk of A"
    assert kept.get("A", body) == "walk of A"
    assert kept.get("A", dict(body)) is None  # equal is not enough
    newer = {"Type": "AWS::SNS::Topic"}
    kept.put("A", newer, "walk of the new A")  # replaces, does not add
    assert len(kept) == 1 and kept.get("A", body) is None and kept.get("A", newer) == "walk of the new A"
    kept.put("B", body, "b")
    kept.get("A", newer)  # A is now the most recently used
    kept.put("C", body, "c")
    assert kept.get("B", body) is None and kept.get("A", newer) == "walk of the new A" and len(kept) == 2
