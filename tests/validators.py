"""Where the external checkers live, and a uniform way to skip or require them.

axe-core and the Nu HTML checker (vnu-jar) come from the npm registry (package.json; `npm ci`),
vnu runs on Java 17. Without them `make test` skips these tests with one line; with
VALIDATORS_REQUIRED=1 (set by .ci/run) a missing checker is a failure.
"""

import os
import shutil
import unittest
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
VNU = ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"


def require(*missing_reasons):
    reasons = [reason for reason in missing_reasons if reason]
    if not reasons:
        return
    message = "validators skipped: " + "; ".join(reasons)
    if os.environ.get("VALIDATORS_REQUIRED") == "1":
        raise RuntimeError(message)
    raise unittest.SkipTest(message)


def axe_missing():
    return None if AXE.exists() else f"{AXE.relative_to(ROOT)} not found (run npm ci)"


def vnu_missing():
    if not VNU.exists():
        return f"{VNU.relative_to(ROOT)} not found (run npm ci)"
    if not shutil.which("java"):
        return "java not found (the Nu HTML checker needs Java 17)"
    return None


def nu_html_errors(documents):
    """The Nu HTML checker's errors in {label: HTML bytes}, each as "label: line N: message"."""
    import json
    import subprocess
    import tempfile

    folder = Path(tempfile.mkdtemp(prefix="sitrep-vnu-"))
    files = {}
    for number, (label, content) in enumerate(documents.items()):
        files[str(folder / f"page{number}.html")] = label
        (folder / f"page{number}.html").write_bytes(content)
    result = subprocess.run(
        ["java", "-jar", str(VNU), "--format", "json", "--errors-only", *files],
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    messages = json.loads(result.stderr or "{}").get("messages", [])
    return [
        f"{files.get(m['url'].removeprefix('file:'), m['url'])}: line {m.get('lastLine')}: {m['message']}"
        for m in messages
        if m.get("type") == "error"
    ]
