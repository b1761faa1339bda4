"""Independent readers of the feeds: ical.js under node, and vobject, beside icalendar itself."""

from __future__ import annotations

import json
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

JS = Path(__file__).parent / "js"
Parser = Callable[[bytes], list[dict[str, Any]]]


@pytest.fixture(scope="session")
def icaljs() -> Parser:
    """Parse with ical.js 2.2.1 (installed once per run with `npm ci` from the committed lock file)."""
    node, npm = shutil.which("node"), shutil.which("npm")
    if node is None or npm is None:
        pytest.skip("node is not installed: the ical.js cross-check needs it (apt-get install nodejs npm)")
    if not (JS / "node_modules" / "ical.js").is_dir():
        subprocess.run([npm, "ci", "--no-audit", "--no-fund"], cwd=JS, check=True, capture_output=True)  # noqa: S603

    def parse(body: bytes) -> list[dict[str, Any]]:
        done = subprocess.run(  # noqa: S603 — our own script, no shell
            [node, str(JS / "parse.mjs")], input=body, capture_output=True, check=True, timeout=60
        )
        events: list[dict[str, Any]] = json.loads(done.stdout)["events"]
        return events

    return parse
