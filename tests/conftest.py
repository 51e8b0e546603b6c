from pathlib import Path

import pytest

ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"


@pytest.fixture(autouse=True)
def fresh_page_cache(request):
    """Tests that do not start FreshCaches themselves (SimpleTestCase, live servers) start from empty caches too."""
    from tests.base import FreshCaches, reset_caches

    if isinstance(request.instance, FreshCaches):
        yield  # its setUp does it
        return
    reset_caches()
    yield
    reset_caches()


_browser_skip_reasons = set()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    instance = getattr(item, "instance", None)
    if report.when == "call" and report.failed and getattr(instance, "context", None) is not None:
        # Browser tests: photograph the page of a failed test (or subtest) while it is still open.
        ARTIFACTS.mkdir(exist_ok=True)
        path = ARTIFACTS / f"{item.name}-{len(list(ARTIFACTS.glob(item.name + '*')))}.png"
        try:
            instance.page.screenshot(path=str(path), full_page=True)
            report.sections.append(("screenshot", str(path)))
        except Exception as error:  # a crashed page must not hide the real failure
            report.sections.append(("screenshot", f"not taken: {error}"))
    if report.skipped and isinstance(report.longrepr, tuple) and " skipped: " in report.longrepr[2]:
        _browser_skip_reasons.add(report.longrepr[2].removeprefix("Skipped: "))


def pytest_runtest_teardown(item):
    instance = getattr(item, "instance", None)
    if getattr(instance, "context", None) is not None:
        instance.context.close()  # the browser context each browser test opened in setUp
        instance.context = None


def pytest_terminal_summary(terminalreporter):
    for reason in sorted(_browser_skip_reasons):
        terminalreporter.write_line(reason)


@pytest.fixture(autouse=True, scope="session")
def temporary_media_root(tmp_path_factory):
    """Uploaded files never land in the checkout's media/ folder: the whole run stores them
    in a folder of its own (figures and PDFs; tests.figure_helpers.TemporaryMedia gives a class its own too)."""
    from django.test import override_settings

    with override_settings(MEDIA_ROOT=str(tmp_path_factory.mktemp("media"))):
        yield
