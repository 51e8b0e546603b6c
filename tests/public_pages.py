"""Every kind of public page, with data that exercises it: the validators and fuzzers share it."""

from reports.editorial import versions
from reports.editorial.actions.base import editorial_action
from reports.editorial.actions.figures import FigureRow, apply
from reports.models import Author, Correction, ReportAuthor
from reports.renditions.tasks import render_figure
from tests.figure_helpers import image_bytes, upload
from tests.helpers import make_report, make_series
from tests.pdfs import pdf_bytes, store_pdf


def build_public_pages():
    """Create a small published archive (and a draft) and return {label: path} for each page."""
    iraq = make_series()
    syria = make_series("Syria Situation Report", "syria")
    first = make_report(
        "Iraq Situation Report: June 24-30, 2020", start=(2020, 6, 24), end=(2020, 6, 30),
        tags=["Kata’ib Hezbollah", "Baghdad", "Mustafa al-Kadhimi"],
        body="## Rockets\n\nAttacks on *Baghdad* airport.\n\n- one\n- two\n\n[Map](https://example.org)",
    )  # fmt: skip
    with_pdf = make_report(
        "Iraq Situation Report: July 1-7, 2020", series=iraq, start=(2020, 7, 1), end=(2020, 7, 7),
        tags=["Kata’ib Hezbollah", "Green Zone"],
    )  # fmt: skip
    make_report("Syria Situation Report: July 1-7, 2020", series=syria, start=(2020, 7, 1), end=(2020, 7, 7))
    jane = Author.objects.create(
        name="Jane Doe", slug="jane-doe", bio="Iraq analyst.", link="https://orcid.org/0000-0002-1825-0097"
    )
    omar = Author.objects.create(name="Omar Ali", slug="omar-ali")
    ReportAuthor.objects.bulk_create(
        [ReportAuthor(report=first, author=jane, position=0), ReportAuthor(report=first, author=omar, position=1)]
    )
    store_pdf(with_pdf, pdf_bytes("Iraq Situation Report: July 1-7, 2020", "Second page"))
    make_report("A draft", status="draft", tags=["Secret"])
    # Two published states of the first report: as it went out, and after a correction.
    versions.record(first, went_out=first.published_at)
    Correction.objects.create(report=first, note="Corrected the airport’s name.")
    versions.record(first)
    with_map = make_report(
        "Iraq Situation Report: July 8-14, 2020", series=iraq, start=(2020, 7, 8), end=(2020, 7, 14),
        body="## The week\n\nClashes near Mosul.\n\n![](figure:2)\n\nAn outside image: ![x](https://example.org/x.png)",
    )  # fmt: skip
    add_demo_figures(with_map)
    return {
        "archive": "/",
        "archive filtered": "/?tag=kataib-hezbollah&week=2020-W27",
        "archive with range and series": "/?from=2020-06-01&to=2020-07-31&series=iraq",
        "archive with nothing found": "/?week=2019-W01",
        "archive with invalid filters": "/?week=2020-W60&from=yesterday",
        "report": first.get_absolute_url(),
        "report version, superseded": f"{first.get_absolute_url()}v/1/",
        "report version, current": f"{first.get_absolute_url()}v/2/",
        "report with a PDF": with_pdf.get_absolute_url(),
        "report with figures": with_map.get_absolute_url(),
        "search": "/?q=rockets&tag=kataib-hezbollah",
        "tags": "/tags/",
        "tag thread": "/tags/kataib-hezbollah/",
        "authors": "/authors/",
        "author": "/authors/jane-doe/",
        "archive by author": "/?author=jane-doe&author=omar-ali",
        "weeks": "/weeks/",
        "404 page": "/reports/no-such-report/",
    }


def add_demo_figures(report):
    """A map with caption, credit and long description, and a chart placed in the body, with
    their renditions made (the task called here, as a worker would)."""
    rows = [
        FigureRow(None, upload(image_bytes("PNG", (1200, 800))), alt_text="Map of clashes near Mosul, 8-14 July",
                  caption="Clashes, 8-14 July 2020", credit="Map: sitrep / OpenStreetMap contributors",
                  long_description="Eleven clashes, eight of them east of the Tigris."),
        FigureRow(None, upload(image_bytes("PNG", (700, 400), color=(200, 80, 40))), alt_text="Incidents per week"),
    ]  # fmt: skip
    with editorial_action("edit", actor=None) as outcome:
        apply(report, rows, live=False, outcome=outcome)
    for figure in report.figures.current():
        render_figure.call(figure.pk, figure.key)
