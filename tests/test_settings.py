"""Settings that follow each other: links must point where the server actually listens."""

from __future__ import annotations

import pytest

import settings


@pytest.fixture
def no_base_url(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    monkeypatch.delenv("BASE_URL", raising=False)
    monkeypatch.delenv("HOST", raising=False)
    monkeypatch.delenv("PORT", raising=False)
    return monkeypatch


def test_base_url_follows_the_port_when_unset(no_base_url: pytest.MonkeyPatch) -> None:
    no_base_url.setenv("PORT", "8300")
    assert settings.load().base_url == "http://127.0.0.1:8300"


def test_base_url_follows_the_host_when_unset(no_base_url: pytest.MonkeyPatch) -> None:
    no_base_url.setenv("HOST", "192.0.2.10")
    no_base_url.setenv("PORT", "9000")
    assert settings.load().base_url == "http://192.0.2.10:9000"


def test_a_wildcard_host_links_to_the_loopback_address(no_base_url: pytest.MonkeyPatch) -> None:
    no_base_url.setenv("HOST", "0.0.0.0")  # noqa: S104
    assert settings.load().base_url == "http://127.0.0.1:8000"


def test_an_explicit_base_url_wins_over_host_and_port(no_base_url: pytest.MonkeyPatch) -> None:
    no_base_url.setenv("PORT", "8300")
    no_base_url.setenv("BASE_URL", "https://colloque.example.org/")
    assert settings.load().base_url == "https://colloque.example.org"
