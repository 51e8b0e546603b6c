import datetime
import io

import yaml
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import override_settings
from django.utils import timezone

from reports.models import Author, Report, ReportAuthor
from tests.base import SitrepTestCase
from tests.helpers import forget_cached_results, make_report, make_series

Status = Report.Status
FUTURE = timezone.now() + datetime.timedelta(days=2)
PUBLISHED = datetime.datetime(2020, 7, 9, 14, tzinfo=datetime.UTC)


class ReportApiTests(SitrepTestCase):
    @classmethod
    def setUpTestData(cls):
        cls.syria = make_series("Syria Situation Report", "syria")
        writer = get_user_model().objects.create_user("jdoe", first_name="Jane", last_name="Doe")
        cls.july = make_report("July 1-7", slug="july", start=(2020, 7, 1), end=(2020, 7, 7), published_at=PUBLISHED,
                               tags=["Iran", "Kata’ib Hezbollah"], created_by=writer, body="**KH** struck.",
                               summary="Kata’ib Hezbollah struck a convoy.")  # fmt: skip
        # Signed by its byline, since bylines replaced the creating user as the author.
        jane = Author.objects.create(name="Jane Doe", slug="jane-doe")
        ReportAuthor.objects.create(report=cls.july, author=jane, position=0)
        make_report("June 24-30", slug="june", start=(2020, 6, 24), end=(2020, 6, 30), tags=["Iran", "Baghdad"])
        make_report(
            "Syria July", slug="syria-july", series=cls.syria, start=(2020, 7, 8), end=(2020, 7, 14), tags=["Iran"]
        )
        cls.hidden = {
            "draft": make_report("Secret draft", slug="draft", status=Status.DRAFT, tags=["Iran", "Draft only"]),
            "review": make_report("In review", slug="review", status=Status.REVIEW, tags=["Iran"]),
            "scheduled": make_report("Scheduled", slug="scheduled", published_at=FUTURE, tags=["Iran"]),
        }

    def get(self, url, status=200):
        response = self.client.get(url)
        self.assertEqual(response.status_code, status, response.content)
        self.assertEqual(response["Content-Type"], "application/json")
        return response.json()

    def titles(self, query=""):
        return [item["title"] for item in self.get("/api/reports/" + query)["results"]]

    def test_list_is_paginated_json_of_published_reports_only(self):
        data = self.get("/api/reports/")
        self.assertEqual(data["count"], 3)
        self.assertIsNone(data["next"])
        self.assertEqual([item["slug"] for item in data["results"]], ["syria-july", "july", "june"])

    def test_it_takes_the_archives_parameters_and_gives_the_same_reports(self):
        queries = {
            "?tag=iran": 3,
            "?tag=iran&tag=baghdad": 1,
            "?week=2020-W27": 2,
            "?from=2020-07-02&to=2020-07-03": 1,
            "?series=syria": 1,
            "?year=2020": 3,
            "?q=convoy": 1,
            "?q=convoy&series=syria": 0,
        }
        for query, count in queries.items():
            with self.subTest(query):
                archive = [report["title"] for report in self.client.get("/" + query).context["reports"]]
                self.assertEqual(self.titles(query), archive)
                self.assertEqual(len(archive), count)

    def test_item_gives_what_a_reader_sees_and_nothing_else(self):
        item = self.get("/api/reports/?q=convoy")["results"][0]
        self.assertEqual(
            item,
            {
                "slug": "july",
                "title": "July 1-7",
                "url": "http://testserver/reports/july/",
                "api_url": "http://testserver/api/reports/july/",
                "series": {"name": "Iraq Situation Report", "slug": "iraq"},
                "period": {"start": "2020-07-01", "end": "2020-07-07", "label": "July 1–7, 2020"},
                "summary": "Kata’ib Hezbollah struck a convoy.",
                "body": "**KH** struck.",
                "body_html": "<p><strong>KH</strong> struck.</p>",
                "tags": [
                    {"name": "Iran", "slug": "iran", "url": "http://testserver/tags/iran/"},
                    {
                        "name": "Kata’ib Hezbollah",
                        "slug": "kataib-hezbollah",
                        "url": "http://testserver/tags/kataib-hezbollah/",
                    },
                ],
                "authors": ["Jane Doe"],
                "bylines": [{"name": "Jane Doe", "slug": "jane-doe", "url": "http://testserver/authors/jane-doe/"}],
                "published_at": "2020-07-09T14:00:00Z",
                "updated_at": item["updated_at"],
                "pdf": None,
                "language": "en",
                "translations": [],
            },
        )

    def test_one_report_by_slug_and_never_an_unpublished_one(self):
        self.assertEqual(self.get("/api/reports/july/")["title"], "July 1-7")
        for state, report in self.hidden.items():
            with self.subTest(state):
                self.assertEqual(
                    self.get(f"/api/reports/{report.slug}/", 404), {"detail": "No Report matches the given query."}
                )
                self.assertNotIn(report.title, self.titles("?tag=iran"))

    def test_bad_parameters_are_a_400_naming_the_parameter(self):
        cases = {
            "?week=2020-W60": ("week", "2020 has weeks W01 to W53"),
            "?from=yesterday": ("from", "Enter a date as YYYY-MM-DD"),
            "?from=2020-08-01&to=2020-07-01": ("from", "must not be after"),
            "?tag=draft-only": ("tag", "There is no tag “draft-only”"),
            "?series=atlantis": ("series", "There is no such series"),
            "?year=20x0": ("year", "Enter a year as four digits"),
            "?q=%21%21": ("q", "at least one word"),
            "?page=abc": ("page", "“abc” is not a page number"),
            "?page=0": ("page", "pages start at 1"),
        }
        for query, (parameter, message) in cases.items():
            with self.subTest(query):
                errors = self.get("/api/reports/" + query, 400)
                self.assertEqual(list(errors), [parameter])
                self.assertIn(message, errors[parameter][0])

    def test_a_page_past_the_end_is_a_404(self):
        self.assertIn("There is no page 2", self.get("/api/reports/?page=2", 404)["detail"])

    def test_pages_link_to_each_other_keeping_the_filters(self):
        for number in range(25):
            make_report(f"Extra {number}", tags=["Iran"])
        first = self.get("/api/reports/?tag=iran")
        self.assertEqual((first["count"], len(first["results"])), (28, 20))
        self.assertEqual(first["next"], "http://testserver/api/reports/?page=2&tag=iran")
        self.assertEqual(len(self.get(first["next"])["results"]), 8)

    def test_read_only(self):
        self.assertEqual(self.client.post("/api/reports/", {}, content_type="application/json").status_code, 405)

    @override_settings(PAGE_CACHE_SECONDS=0)  # the page's own queries, not the cache's
    def test_query_counts(self):
        # The first request of a generation: the count and the page with series, writers and
        # tags; then only the page. The tag is checked without a query.
        for url, count in {"/api/reports/": 2, "/api/reports/?tag=iran&q=convoy": 2, "/api/reports/july/": 1}.items():
            forget_cached_results()
            with self.subTest(url), self.assertNumQueries(count):
                self.client.get(url)
            with self.subTest(url, again=True), self.assertNumQueries(1):
                self.client.get(url)


class SchemaTests(SitrepTestCase):
    def test_openapi_description_is_served_and_lists_every_parameter(self):
        response = self.client.get("/api/schema/")
        self.assertEqual(response.status_code, 200)
        schema = yaml.safe_load(response.content)
        self.assertTrue(schema["openapi"].startswith("3."))
        self.assertEqual(set(schema["paths"]), {"/api/reports/", "/api/reports/{slug}/", "/api/tags/"})
        listing = schema["paths"]["/api/reports/"]["get"]
        parameters = {"q", "tag", "week", "from", "to", "series", "year", "author", "lang", "page"}
        self.assertEqual({p["name"] for p in listing["parameters"]}, parameters)
        self.assertIn("400", listing["responses"])
        self.assertEqual(self.client.get("/api/schema/?format=json").json()["info"]["title"], "sitrep read API")

    def test_schema_generates_without_warnings(self):
        call_command("spectacular", "--validate", "--fail-on-warn", stdout=io.StringIO())

    def test_every_answer_and_every_parameter_format_is_described(self):
        schema = yaml.safe_load(self.client.get("/api/schema/").content)
        paths = schema["paths"]
        responses = {path: set(operation["get"]["responses"]) for path, operation in paths.items()}
        self.assertEqual(
            responses,
            {
                "/api/reports/": {"200", "400", "404", "414"},
                "/api/reports/{slug}/": {"200", "404", "414"},
                "/api/tags/": {"200", "400", "404", "414"},
            },
        )
        parameters = {
            (path, p["name"]): p["schema"] for path, operation in paths.items() for p in operation["get"]["parameters"]
        }
        for path in ("/api/reports/", "/api/tags/"):
            self.assertEqual(parameters[path, "page"]["minimum"], 1)
            self.assertEqual(paths[path]["get"]["responses"]["400"]["content"]["application/json"]["schema"]["type"],
                             "object")  # fmt: skip
        listing = {name: parameters["/api/reports/", name] for name in ("week", "from", "to", "year", "series", "tag")}
        self.assertRegex("2020-W34", listing["week"]["pattern"])
        self.assertNotRegex("2020-W60", listing["week"]["pattern"])
        self.assertEqual((listing["from"]["format"], listing["to"]["format"]), ("date", "date"))
        self.assertEqual((listing["year"]["minimum"], listing["year"]["maximum"]), (1900, 2999))
        self.assertEqual(listing["series"]["type"], "string")
        self.assertEqual(listing["tag"]["type"], "array")
        self.assertIn("pattern", parameters["/api/reports/{slug}/", "slug"])
        not_found = paths["/api/reports/{slug}/"]["get"]["responses"]["404"]["content"]
        self.assertEqual(set(not_found), {"application/json", "text/html"})  # not a slug at all: the site's page
        self.assertEqual(schema["components"]["schemas"]["NotFound"]["required"], ["detail"])
