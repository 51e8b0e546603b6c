import datetime
import io

import jsonschema
import yaml
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import override_settings
from django.utils import timezone

from reports.editorial.actions import editing
from reports.editorial.actions.figures import FigureRow
from reports.models import Author, Report, ReportAuthor
from tests.base import SitrepTestCase
from tests.figure_helpers import TemporaryMedia, image_bytes, upload
from tests.helpers import forget_cached_results, make_report, make_series, make_user

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
                "series": {"name": "Iraq Situation Report", "name_ar": None, "slug": "iraq"},
                "period": {"start": "2020-07-01", "end": "2020-07-07", "label": "July 1–7, 2020"},
                "summary": "Kata’ib Hezbollah struck a convoy.",
                "body": "**KH** struck.",
                "body_html": "<p><strong>KH</strong> struck.</p>",
                "tags": [
                    {"name": "Iran", "name_ar": None, "slug": "iran", "url": "http://testserver/tags/iran/"},
                    {
                        "name": "Kata’ib Hezbollah",
                        "name_ar": None,
                        "slug": "kataib-hezbollah",
                        "url": "http://testserver/tags/kataib-hezbollah/",
                    },
                ],
                "authors": ["Jane Doe"],
                "bylines": [{"name": "Jane Doe", "slug": "jane-doe", "url": "http://testserver/authors/jane-doe/"}],
                "published_at": "2020-07-09T14:00:00Z",
                "updated_at": item["updated_at"],
                "pdf": None,
                "figures": [],
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
        # tags; then only the page. The tag is checked without a query. With no more results
        # than a page, the first page's own rows are the count.
        for url, count in {"/api/reports/": 1, "/api/reports/?tag=iran&q=convoy": 1, "/api/reports/july/": 1}.items():
            forget_cached_results()
            with self.subTest(url), self.assertNumQueries(count):
                self.client.get(url)
            with self.subTest(url, again=True), self.assertNumQueries(1):
                self.client.get(url)


def json_schema(openapi):
    """An OpenAPI 3.0 schema as JSON Schema: `nullable` as a null alternative, refs to $defs."""
    if isinstance(openapi, list):
        return [json_schema(item) for item in openapi]
    if not isinstance(openapi, dict):
        return openapi
    converted = {
        name: value.replace("#/components/schemas/", "#/$defs/") if name == "$ref" else json_schema(value)
        for name, value in openapi.items()
        if name not in ("nullable", "readOnly")
    }
    return {"anyOf": [converted, {"type": "null"}]} if openapi.get("nullable") else converted


@override_settings(PAGE_CACHE_SECONDS=0)
class FigureApiTests(TemporaryMedia, SitrepTestCase):
    @classmethod
    def setUpTestData(cls):
        editor = make_user("editor")
        cls.mapped = make_report("With maps", slug="mapped")
        make_report("Without figures", slug="plain", start=(2020, 7, 1), end=(2020, 7, 7))
        rows = [
            FigureRow(None, upload(image_bytes("PNG", (700, 400))), alt_text="Map of clashes", caption="Week 26",
                      credit="Map: sitrep", long_description="Eleven clashes east of the river."),
            FigureRow(None, upload(image_bytes("PNG", (300, 200))), alt_text="Chart of incidents"),
        ]  # fmt: skip
        with cls.captureOnCommitCallbacks(execute=True):  # the renditions are made after the commit
            editing.save_report(cls.mapped, by=editor, tags=[], figures=rows, correction_note="Added the maps.")
        cls.files = [figure.image.name for figure in cls.mapped.figures.current()]

    def figures(self, url="/api/reports/mapped/"):
        response = self.client.get(url)
        self.assertEqual(response.status_code, 200, response.content)
        data = response.json()
        return {item["slug"]: item["figures"] for item in data["results"]} if "results" in data else data["figures"]

    def test_a_report_gives_its_figures_in_order_with_their_texts_and_absolute_urls(self):
        lead, chart = self.figures()
        self.assertEqual(
            {name: value for name, value in lead.items() if name not in ("renditions", "card")},
            {
                "url": f"http://testserver/media/{self.files[0]}",
                "width": 700,
                "height": 400,
                "alt_text": "Map of clashes",
                "caption": "Week 26",
                "credit": "Map: sitrep",
                "long_description": "Eleven clashes east of the river.",
            },
        )
        self.assertEqual((chart["alt_text"], chart["caption"], chart["width"], chart["height"]),
                         ("Chart of incidents", "", 300, 200))  # fmt: skip

    def test_renditions_are_listed_narrowest_first_by_type_and_the_card_beside_them(self):
        lead, chart = self.figures()
        folder = "http://testserver/media/" + self.files[0].rsplit("/", 1)[0]
        self.assertEqual(
            lead["renditions"],
            [
                {"url": f"{folder}/w{width}.{ext}", "width": width, "type": mime}
                for width in (320, 640)
                for ext, mime in (("avif", "image/avif"), ("webp", "image/webp"), ("jpg", "image/jpeg"))
            ],
        )
        self.assertEqual(lead["card"], {"url": f"{folder}/card.jpg", "width": 1200, "height": 630})
        self.assertEqual([r["width"] for r in chart["renditions"]], [300, 300, 300])
        for rendition in lead["renditions"]:
            with self.subTest(rendition["url"]):
                self.assertEqual(self.client.get(rendition["url"]).status_code, 200)

    def test_the_list_gives_the_same_figures_and_an_empty_list_without_any(self):
        listing = self.figures("/api/reports/")
        self.assertEqual(listing, {"mapped": self.figures(), "plain": []})

    def test_until_renditions_exist_a_figure_has_none_and_no_card(self):
        self.mapped.figures.update(renditions=[])
        lead, _ = self.figures()
        self.assertEqual((lead["renditions"], lead["card"]), ([], None))
        self.assertEqual(lead["url"], f"http://testserver/media/{self.files[0]}")

    def test_the_answer_with_figures_is_what_the_openapi_description_says(self):
        # The seed the fuzzer runs on has no figures, so their description is checked here.
        components = yaml.safe_load(self.client.get("/api/schema/").content)["components"]["schemas"]
        schema = {**json_schema(components["Report"]), "$defs": {n: json_schema(c) for n, c in components.items()}}
        jsonschema.validate(self.client.get("/api/reports/mapped/").json(), schema)
        with self.assertRaises(jsonschema.ValidationError):
            jsonschema.validate({**self.client.get("/api/reports/mapped/").json(), "figures": [{}]}, schema)

    def test_figures_cost_no_query_of_their_own(self):
        # As ReportApiTests.test_query_counts, with figures: they come in the page's own query.
        for url, count in {"/api/reports/": 1, "/api/reports/mapped/": 1}.items():
            forget_cached_results()
            with self.subTest(url), self.assertNumQueries(count):
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

    def test_figures_are_described(self):
        components = yaml.safe_load(self.client.get("/api/schema/").content)["components"]["schemas"]
        self.assertEqual(components["Report"]["properties"]["figures"]["type"], "array")
        figure = components["Figure"]["properties"]
        self.assertEqual(figure["url"]["format"], "uri")
        self.assertEqual(figure["renditions"]["items"]["$ref"], "#/components/schemas/Rendition")
        self.assertEqual(components["RenditionTypeEnum"]["enum"], ["image/avif", "image/webp", "image/jpeg"])
        self.assertTrue(figure["card"]["nullable"])
