"""AMI family recognition (``rules/ami/_families.py``): the levels at which a template names its
operating system."""

from __future__ import annotations

from cfnfix.rules.ami._families import families, recognise


def test_family_recognition_levels() -> None:
    assert recognise([("a", ["Amazon Linux 2023"])]).family == families()["al2023"]
    assert recognise([("a", ["ECS-optimized Amazon Linux 2023 AMI"])]).family == families()["ecs-al2023"]
    ubuntu = recognise([("near", ["latest Ubuntu"]), ("far", ["Ubuntu 20.04 LTS host"])])
    assert ubuntu.family == families()["ubuntu-20.04"] and ubuntu.where == "near; far"
    conflicting = recognise([("near", ["latest Ubuntu"]), ("far", ["Windows Server 2022"])])
    assert conflicting.family is None and conflicting.named == "Ubuntu"
    assert recognise([("a", ["RHEL 9 database"])]).unsupported == "Red Hat Enterprise Linux"
    assert recognise([("a", ["a build host"])]).family is None
    two = recognise([("a", ["Amazon Linux 2023 or Ubuntu 22.04"])])
    assert two.family is None and len(two.candidates) == 2
