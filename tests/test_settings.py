from pathlib import Path

from scsearch import settings

DOC = Path(__file__).resolve().parents[1] / "docs" / "configuration.md"


def test_every_setting_is_documented():
    text = DOC.read_text(encoding="utf-8")
    for s in settings.SETTINGS:
        assert f"`{s.name}`" in text and f"`{s.env}`" in text, s.name


def test_environment_overrides_default(monkeypatch):
    monkeypatch.setenv("SCSEARCH_MAX_PAGES", "17")
    assert settings.get("max_pages") == 17
    assert settings.get("max_pages", 5) == 5
    monkeypatch.setenv("SCSEARCH_MAX_PAGES", "not-a-number")
    assert settings.get("max_pages") == 2000
    monkeypatch.setenv("SCSEARCH_DATA_DIR", "/tmp/x")
    assert settings.data_dir() == Path("/tmp/x")
    assert settings.data_dir("/tmp/y") == Path("/tmp/y")
