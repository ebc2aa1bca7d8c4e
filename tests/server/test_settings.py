"""The language server's settings (``cfnfix/server/settings.py``): the client's settings and
configuration files discovered per document."""

from __future__ import annotations

from pathlib import Path

import pytest

from cfnfix.config import Settings
from cfnfix.errors import ConfigError
from cfnfix.server.settings import SettingsStore, client_settings


def test_client_settings_shapes_and_errors() -> None:
    assert client_settings(None).overrides() == {}
    assert client_settings({"cfnfix": {"unsafeFixes": True}}).overrides() == {"unsafe_fixes": True}
    assert client_settings({"settings": {"select": "CFX1, CFX2"}}).overrides() == {"select": ["CFX1", "CFX2"]}
    assert client_settings({"ignore": ["CFX9"], "show-unused-suppressions": True}).overrides() == {
        "ignore": ["CFX9"],
        "show_unused_suppressions": True,
    }
    with pytest.raises(ConfigError, match="selekt: unknown key"):
        client_settings({"selekt": ["CFX1"]})
    with pytest.raises(ConfigError, match="unsafe-fixes"):
        client_settings({"unsafe-fixes": "yes"})
    with pytest.raises(ConfigError, match="must be an object"):
        client_settings([1])


def test_settings_store_discovers_rereads_and_survives_a_bad_file(tmp_path: Path) -> None:
    (tmp_path / "sub").mkdir()
    doc = str(tmp_path / "sub" / "t.yaml")
    store = SettingsStore()
    assert store.for_document(doc) == (Settings(), None)
    config = tmp_path / ".cfnfix.toml"
    config.write_text('ignore = ["CFX1"]\n', encoding="utf-8")
    assert store.for_document(doc)[0].ignore == ["CFX1"]
    config.write_text('ignore = ["CFX1", "CFX25"]\n', encoding="utf-8")  # another size: read again
    assert store.for_document(doc)[0].ignore == ["CFX1", "CFX25"]
    config.write_text("ignore = [\n", encoding="utf-8")
    settings, error = store.for_document(doc)
    assert settings == Settings() and error is not None and "invalid TOML" in str(error)
    store.client = client_settings({"select": ["CFX2"], "config": str(tmp_path / "other.toml")})
    (tmp_path / "other.toml").write_text("unsafe-fixes = true\n", encoding="utf-8")
    settings, error = store.for_document(doc)
    assert error is None and settings.unsafe_fixes and settings.select == ["CFX2"]
