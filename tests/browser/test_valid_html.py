"""Every page the journeys reached, as the server sent it, passes the Nu HTML checker.

The checker starts Java once for all of them, after the last journey of the session.
"""

import json
import shutil
import subprocess

import pytest

from tests.browser.conftest import VNU_JAR, missing_tool

pytestmark = [pytest.mark.browser, pytest.mark.after_journeys]


def test_every_page_the_journeys_reached_is_valid_html(page_archive):
    if not page_archive.pages:
        pytest.skip("no journey ran in this session, so there is no page to check")
    java = shutil.which("java")
    if java is None:
        missing_tool("Java is not installed (apt-get install default-jre-headless); the Nu HTML checker needs it")
    if not VNU_JAR.exists():
        missing_tool("vnu-jar is not installed (npm ci); it holds the Nu HTML checker")
    result = subprocess.run(  # noqa: S603 (our own files, our own checker)
        [java, "-jar", str(VNU_JAR), "--format", "json", "--exit-zero-always", *map(str, page_archive.pages)],
        capture_output=True,
        text=True,
        timeout=600,
        check=True,
    )
    messages = json.loads(result.stderr)["messages"]
    errors = [message for message in messages if message["type"] != "info"]
    assert not errors, f"{len(errors)} HTML errors:\n" + "\n".join(
        f"{page_archive.where(message.get('url', ''))}, line {message.get('lastLine')}: "
        f"{message['message']}\n    {message.get('extract', '').strip()}"
        for message in errors[:40]
    )
