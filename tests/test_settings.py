import os
import secrets
import subprocess
import sys
import tempfile
from pathlib import Path
from unittest import mock

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import connection
from django.test import SimpleTestCase

from reports.models import Report
from sitrep.settings import env_bool, env_int, env_list, env_str, read_dotenv
from tests.base import SitrepTestCase

VAR = "SITREP_TEST_SETTING"


class EnvHelperTests(SimpleTestCase):
    def assertRefused(self, helper, raw, *args):
        with mock.patch.dict(os.environ, {VAR: raw}):
            with self.assertRaises(ImproperlyConfigured) as caught:
                helper(VAR, *args)
        self.assertIn(VAR, str(caught.exception))
        return caught.exception

    def unset(self):
        """Remove VAR from os.environ until the end of the test."""
        patcher = mock.patch.dict(os.environ)
        patcher.start()
        self.addCleanup(patcher.stop)
        os.environ.pop(VAR, None)

    def test_env_bool_reads_every_accepted_spelling(self):
        cases = {
            "1": True,
            "true": True,
            "TRUE": True,
            "Yes": True,
            "on": True,
            " on ": True,
            "0": False,
            "false": False,
            "False": False,
            "no": False,
            "OFF": False,
            "": False,
        }
        for raw, expected in cases.items():
            for default in (True, False):
                with self.subTest(raw=raw, default=default), mock.patch.dict(os.environ, {VAR: raw}):
                    self.assertIs(env_bool(VAR, default), expected)

    def test_env_bool_falls_back_to_the_default_when_unset(self):
        self.unset()
        for default in (True, False):
            with self.subTest(default=default):
                self.assertIs(env_bool(VAR, default), default)

    def test_env_bool_refuses_anything_else_naming_the_variable(self):
        for raw in ("maybe", "2", "-1", "enabled", "tru", "y e s", "none"):
            with self.subTest(raw=raw):
                error = self.assertRefused(env_bool, raw, False)
                self.assertIn(repr(raw), str(error))

    def test_env_int_reads_whole_numbers(self):
        for raw, expected in {"0": 0, "42": 42, "-3": -3, " 600 ": 600, "31536000": 31_536_000}.items():
            with self.subTest(raw=raw), mock.patch.dict(os.environ, {VAR: raw}):
                self.assertEqual(env_int(VAR, 7), expected)

    def test_env_int_falls_back_to_the_default_when_unset(self):
        self.unset()
        self.assertEqual(env_int(VAR, 600), 600)

    def test_env_int_refuses_non_numbers_naming_the_variable(self):
        for raw in ("", "4.5", "ten", "1e3", "0x10", "600s"):
            with self.subTest(raw=raw):
                error = self.assertRefused(env_int, raw, 0)
                self.assertIn("whole number", str(error))

    def test_env_list_splits_on_commas_and_drops_blanks(self):
        cases = {
            "sitrep.example.org": ["sitrep.example.org"],
            "a.example.org,b.example.org": ["a.example.org", "b.example.org"],
            " a.example.org , b.example.org ,, ": ["a.example.org", "b.example.org"],
            "": [],
            " , ": [],
        }
        for raw, expected in cases.items():
            with self.subTest(raw=raw), mock.patch.dict(os.environ, {VAR: raw}):
                self.assertEqual(env_list(VAR, ["default"]), expected)

    def test_env_list_falls_back_to_a_fresh_list_of_the_default_when_unset(self):
        self.unset()
        self.assertEqual(env_list(VAR), [])
        default = ("localhost", "127.0.0.1")
        value = env_list(VAR, default)
        self.assertEqual(value, ["localhost", "127.0.0.1"])
        value.append("mutated")
        self.assertEqual(env_list(VAR, default), ["localhost", "127.0.0.1"])

    def test_env_str_reads_the_value_or_the_default(self):
        with mock.patch.dict(os.environ, {VAR: "Europe/Berlin"}):
            self.assertEqual(env_str(VAR, "UTC"), "Europe/Berlin")
            self.assertEqual(env_str(VAR), "Europe/Berlin")
        self.unset()
        self.assertEqual(env_str(VAR, "UTC"), "UTC")

    def test_env_str_without_a_default_refuses_a_missing_variable_naming_it(self):
        self.unset()
        with self.assertRaisesMessage(ImproperlyConfigured, f"Set the {VAR} environment variable"):
            env_str(VAR)


class DotenvTests(SimpleTestCase):
    def write(self, text):
        folder = tempfile.TemporaryDirectory()
        self.addCleanup(folder.cleanup)
        path = Path(folder.name) / ".env"
        path.write_text(text, encoding="utf-8")
        return path

    def test_dotenv_supplies_defaults_but_the_real_environment_wins(self):
        path = self.write("# local\n\nSITREP_T_A=from-file\nSITREP_T_B = spaced \n")
        with mock.patch.dict(os.environ, {"SITREP_T_A": "from-env"}):
            read_dotenv(path)
            self.assertEqual(os.environ["SITREP_T_A"], "from-env")
            self.assertEqual(os.environ["SITREP_T_B"], "spaced")
        self.assertNotIn("SITREP_T_B", os.environ)

    def test_malformed_dotenv_line_names_the_file_and_line(self):
        path = self.write("DEBUG=1\nthis is not a setting\n")
        with mock.patch.dict(os.environ, {}), self.assertRaisesMessage(ImproperlyConfigured, "line 2"):
            read_dotenv(path)

    def test_missing_dotenv_is_fine(self):
        read_dotenv("/nonexistent/.env")
        read_dotenv("")


class ManagePyCheckTests(SimpleTestCase):
    """Settings as a fresh process reads them, with nothing inherited from the test run."""

    def run_manage(self, *args, **env):
        clean = {
            name: value
            for name, value in os.environ.items()
            if name not in {"DEBUG", "SECRET_KEY", "TESTING", "ALLOWED_HOSTS", "DJANGO_ALLOW_ASYNC_UNSAFE"}
            and not name.startswith("SECURE_")
        }
        # DATABASE_URL, when set, is kept: the suite also runs on PostgreSQL.
        clean["DOTENV_FILE"] = ""  # not the developer's local .env either
        clean |= env
        return subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=settings.BASE_DIR,
            env=clean,
            capture_output=True,
            text=True,
            timeout=120,
        )

    def test_production_without_a_secret_key_refuses_to_start(self):
        for label, env in (("missing", {}), ("empty", {"SECRET_KEY": ""}), ("blank", {"SECRET_KEY": "  "})):
            with self.subTest(label):
                result = self.run_manage("check", **env)
                self.assertNotEqual(result.returncode, 0)
                self.assertIn("ImproperlyConfigured: Set the SECRET_KEY environment variable", result.stderr)

    def test_malformed_debug_refuses_to_start_naming_debug(self):
        result = self.run_manage("check", DEBUG="maybe", SECRET_KEY=secrets.token_urlsafe(50))
        self.assertNotEqual(result.returncode, 0)
        self.assertIn("ImproperlyConfigured: DEBUG must be one of", result.stderr)
        self.assertIn("'maybe'", result.stderr)

    def test_production_settings_pass_the_deploy_checks_without_warnings(self):
        result = self.run_manage(
            "check",
            "--deploy",
            "--fail-level",
            "WARNING",
            SECRET_KEY=secrets.token_urlsafe(50),
            ALLOWED_HOSTS="sitrep.example.org",
            SITE_URL="https://sitrep.example.org",
        )
        self.assertEqual(result.returncode, 0, result.stdout + result.stderr)
        self.assertIn("System check identified no issues", result.stdout)
        output = result.stdout + result.stderr
        for marker in ("WARNINGS:", "ERRORS:", "security.W", "security.E"):
            self.assertNotIn(marker, output)

    def test_production_without_an_https_site_url_warns_in_the_deploy_checks(self):
        result = self.run_manage(
            "check", "--deploy", "--fail-level", "WARNING",
            SECRET_KEY=secrets.token_urlsafe(50), ALLOWED_HOSTS="sitrep.example.org", SITE_URL="http://sitrep.example.org",
        )  # fmt: skip
        self.assertNotEqual(result.returncode, 0)
        self.assertIn("sitrep.W001", result.stdout + result.stderr)

    def test_production_without_allowed_hosts_fails_the_deploy_checks(self):
        result = self.run_manage("check", "--deploy", "--fail-level", "WARNING", SECRET_KEY=secrets.token_urlsafe(50))
        self.assertNotEqual(result.returncode, 0)
        self.assertIn("security.W020", result.stdout + result.stderr)

    def test_debug_runs_with_the_development_key(self):
        result = self.run_manage("check", DEBUG="1")
        self.assertEqual(result.returncode, 0, result.stdout + result.stderr)
        self.assertIn("System check identified no issues", result.stdout)

    def test_file_storage_is_chosen_by_the_environment_and_refuses_what_it_cannot_use(self):
        shell = "from django.core.files.storage import storages; print(type(storages['default']).__name__)"
        for label, env, expected in (
            ("default", {}, "FileSystemStorage"),
            ("s3", {"FILE_STORAGE": "s3", "S3_BUCKET": "sitrep-files"}, "S3Storage"),
        ):
            with self.subTest(label):
                result = self.run_manage("shell", "-c", shell, DEBUG="1", **env)
                self.assertEqual(result.returncode, 0, result.stderr)
                self.assertEqual(result.stdout.strip().splitlines()[-1], expected)
        for env, message in (
            ({"FILE_STORAGE": "ftp"}, "FILE_STORAGE must be local or s3; got 'ftp'"),
            ({"FILE_STORAGE": "s3"}, "S3_BUCKET"),
        ):
            with self.subTest(**env):
                result = self.run_manage("check", DEBUG="1", **env)
                self.assertNotEqual(result.returncode, 0)
                self.assertIn(message, result.stderr)

    def test_postgresql_prepares_repeated_statements_unless_turned_off(self):
        options = "sorted(settings.DATABASES['default'].get('OPTIONS', {}).items())"
        shell = f"from django.conf import settings; print({options})"
        url = "postgres://sitrep@db.internal:5432/sitrep"  # read, never connected to
        for label, env, expected in (
            ("default", {}, "[('prepare_threshold', 5), ('server_side_binding', True)]"),
            ("off", {"DATABASE_PREPARED_STATEMENTS": "0"}, "[]"),
        ):
            with self.subTest(label):
                result = self.run_manage("shell", "-c", shell, DEBUG="1", DATABASE_URL=url, **env)
                self.assertEqual(result.returncode, 0, result.stderr)
                self.assertEqual(result.stdout.strip().splitlines()[-1], expected)
        result = self.run_manage("check", DEBUG="1", DATABASE_URL=url, DATABASE_PREPARED_STATEMENTS="sometimes")
        self.assertIn("DATABASE_PREPARED_STATEMENTS must be one of", result.stderr)


class PreparedStatementTests(SitrepTestCase):
    def test_a_statement_run_again_is_planned_once_on_postgresql(self):
        if connection.vendor != "postgresql":
            self.skipTest("prepared statements are PostgreSQL's")
        for number in range(6):
            list(Report.objects.filter(slug=f"report-{number}"))
        with connection.cursor() as cursor:
            cursor.execute("SELECT statement FROM pg_prepared_statements WHERE statement LIKE %s", ["%reports_report%"])
            prepared = [row[0] for row in cursor.fetchall()]
        self.assertEqual(len(prepared), 1, prepared)
        self.assertIn('"reports_report"."slug" = $1', prepared[0])
