"""The pages a launch shows (the link chooser, with and without errors; the page of a refused launch; the return to
the LMS) are valid HTML, as every other page is (tests/test_html_valid.py)."""

import json
import shutil
import subprocess

import pytest

from tests.lti.conftest import INSTRUCTOR, deep_linking_claims, launch
from tests.test_html_valid import VNU


def test_the_lti_pages_are_valid_html(client, platform, simulator, tmp_path):
    java = shutil.which("java")
    if java is None:
        pytest.skip("Java is not installed (Debian package default-jre-headless); the Nu Html Checker needs it")
    pages = {"refused": launch(client, simulator, target="nothing").content}
    chooser = launch(client, simulator, roles=[INSTRUCTOR], sub="t", **deep_linking_claims(simulator))["Location"]
    pages["chooser"] = client.get(chooser).content
    pages["chooser-errors"] = client.post(chooser, {"kind": "quiz", "size": "0"}).content
    pages["return"] = client.post(chooser, {"title": "Review", "kind": "review", "size": "1", "mode": "tutor"}).content
    files = []
    for name, html in pages.items():
        (tmp_path / f"{name}.html").write_bytes(html)
        files.append(str(tmp_path / f"{name}.html"))
    result = subprocess.run(
        [java, "-jar", VNU, "--errors-only", "--format", "json", *files], capture_output=True, text=True, timeout=300
    )
    messages = json.loads(result.stderr or result.stdout or '{"messages": []}')["messages"]
    assert [f"{m.get('url', '').rsplit('/', 1)[-1]}: {m['message']}" for m in messages] == []
