"""Every kind of public page, with data that exercises it: the validators and fuzzers share it."""

from reports.editorial import versions
from reports.models import Author, Correction, ReportAuthor
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
        "search": "/?q=rockets&tag=kataib-hezbollah",
        "tags": "/tags/",
        "tag thread": "/tags/kataib-hezbollah/",
        "authors": "/authors/",
        "author": "/authors/jane-doe/",
        "archive by author": "/?author=jane-doe&author=omar-ali",
        "weeks": "/weeks/",
        "404 page": "/reports/no-such-report/",
    }
