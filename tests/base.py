"""The base of every test that uses the database."""

from django.core.cache import cache
from django.test import TestCase
from hypothesis.extra import django as hypothesis_django

from reports.caching import state
from reports.public.sets import numbering


def reset_caches():
    """Empty Django's cache and make this process read the publication state again and number
    the published reports again (search sets): a test's data rolls back at its end, and the
    generations with it."""
    cache.clear()
    state.forget()
    numbering.forget()


class FreshCaches:
    """Each test starts from empty caches (see reset_caches)."""

    def setUp(self):
        super().setUp()
        reset_caches()
        self.addCleanup(reset_caches)


class SitrepTestCase(FreshCaches, TestCase):
    """The base test case: Django's TestCase, each test starting from empty caches."""


class SitrepHypothesisTestCase(SitrepTestCase, hypothesis_django.TestCase):
    """For tests with @given: hypothesis runs each example in its own transaction."""
