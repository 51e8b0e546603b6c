"""The figures inline on the report's change form: uploads checked at their field, nothing the
editor typed lost on a refusal, and live changes asking for a correction note."""

from django.urls import reverse

from reports.models import CORRECTION_NOTE_MESSAGE, Figure, Report
from tests.base import SitrepTestCase
from tests.figure_helpers import TemporaryMedia, image_bytes, upload
from tests.helpers import form_fields, make_report, make_user


def change_url(report):
    return reverse("admin:reports_report_change", args=[report.pk])


class FigureInlineTests(TemporaryMedia, SitrepTestCase):
    @classmethod
    def setUpTestData(cls):
        cls.writer, cls.editor = make_user("writer"), make_user("editor")

    def post(self, report, image, **changes):
        data = form_fields(self.client.get(change_url(report)))
        data.update({"figures-0-alt_text": ["Map of the week"], "figures-0-caption": ["Clashes, 24-30 June"]})
        data.update({name: [value] for name, value in changes.items()})
        data["figures-0-image"] = image
        return self.client.post(change_url(report), data)

    def test_a_writer_adds_a_map_with_alt_text(self):
        report = make_report(status=Report.Status.DRAFT)
        self.client.force_login(self.writer)
        response = self.post(report, upload(image_bytes("JPEG", (640, 400)), "map.jpg", "image/jpeg"))
        self.assertEqual(response.status_code, 302)
        figure = Figure.objects.get(report=report)
        self.assertEqual(
            (figure.alt_text, figure.caption, figure.width), ("Map of the week", "Clashes, 24-30 June", 640)
        )
        self.assertTrue(figure.image.name.endswith("original.jpg"))

    def test_refused_uploads_are_refused_at_the_field_and_keep_what_was_typed(self):
        report = make_report(status=Report.Status.DRAFT)
        self.client.force_login(self.writer)
        cases = {
            "an SVG": (
                b'<svg xmlns="http://www.w3.org/2000/svg"/>',
                "map.svg",
                "is not a JPEG, PNG, WebP or AVIF image",
            ),
            "a PDF renamed .png": (b"%PDF-1.7\n%%EOF", "map.png", "whatever its name says"),
            "a truncated PNG": (image_bytes("PNG", (300, 300))[:200], "map.png", "damaged or incomplete"),
        }
        for label, (data, name, message) in cases.items():
            with self.subTest(label):
                response = self.post(report, upload(data, name), title="A title I typed")
                self.assertEqual(response.status_code, 200)
                errors = response.context["inline_admin_formsets"][1].formset.forms[0].errors
                self.assertIn(message, " ".join(errors["image"]))
                fields = form_fields(response)
                self.assertEqual(fields["title"], ["A title I typed"])
                self.assertEqual(fields["figures-0-alt_text"], ["Map of the week"])
                self.assertEqual(fields["figures-0-caption"], ["Clashes, 24-30 June"])
                self.assertFalse(Figure.objects.exists())

    def test_an_upload_without_alt_text_is_refused_at_the_field(self):
        report = make_report(status=Report.Status.DRAFT)
        self.client.force_login(self.writer)
        response = self.post(report, upload(image_bytes("PNG", (50, 50))), **{"figures-0-alt_text": ""})
        self.assertEqual(response.status_code, 200)
        errors = response.context["inline_admin_formsets"][1].formset.forms[0].errors
        self.assertIn("alt_text", errors)
        self.assertFalse(Figure.objects.exists())

    def test_adding_a_figure_to_a_live_report_asks_for_a_correction_note(self):
        report = make_report()
        self.client.force_login(self.editor)
        response = self.post(report, upload(image_bytes("PNG", (50, 50))))
        self.assertEqual(response.status_code, 200)
        self.assertIn(CORRECTION_NOTE_MESSAGE, response.context["adminform"].form.errors["correction_note"])
        self.assertFalse(Figure.objects.exists())
        response = self.post(report, upload(image_bytes("PNG", (50, 50))), correction_note="Added the map.")
        self.assertEqual(response.status_code, 302)
        self.assertEqual(report.figures.current().count(), 1)
        self.assertEqual(list(report.corrections.values_list("note", flat=True)), ["Added the map."])
