from pathlib import Path

import pytest

ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"
_browser_skip_reasons = set()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    instance = getattr(item, "instance", None)
    context = getattr(instance, "context", None)
    if report.when == "call" and context is not None:
        # Browser tests: photograph the page of a failed test, then release the browser context.
        if report.failed:
            ARTIFACTS.mkdir(exist_ok=True)
            path = ARTIFACTS / f"{item.name}.png"
            try:
                instance.page.screenshot(path=str(path), full_page=True)
                report.sections.append(("screenshot", str(path)))
            except Exception as error:  # a crashed page must not hide the real failure
                report.sections.append(("screenshot", f"not taken: {error}"))
        context.close()
        instance.context = None
    if report.skipped and isinstance(report.longrepr, tuple) and "browser tests skipped" in report.longrepr[2]:
        _browser_skip_reasons.add(report.longrepr[2].removeprefix("Skipped: "))


def pytest_terminal_summary(terminalreporter):
    for reason in sorted(_browser_skip_reasons):
        terminalreporter.write_line(reason)
