"""Reading an uploaded PDF, by its content: its pages and text, or why sitrep refuses it.

Refused: a file that is not a PDF (whatever its name), one that cannot be read, an encrypted
one, and one that carries JavaScript or actions that run by themselves (/JS or /JavaScript
anywhere, a JavaScript name tree, /OpenAction or /AA triggers on the document, its pages or
their annotations, launching programs). Readers download these files from sitrep's own address.
"""

import io
from typing import NamedTuple

from pypdf import PdfReader
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, NameObject

MAX_PDF_BYTES = 100 * 1024 * 1024
NOT_A_PDF = "This file is not a PDF (whatever its name says). Upload the report as a PDF file."
UNREADABLE = "This PDF cannot be read: it may be damaged or truncated. Export it again and upload the new file."
ENCRYPTED = "This PDF is encrypted or password-protected. Upload a copy saved without a password."
SCRIPTED = (
    "This PDF carries JavaScript or actions that run when it is opened ({found}). Readers download it from "
    "sitrep, so it must not: export it again without scripts or actions."
)
TOO_LARGE = "This PDF is larger than 100 MB. Upload a smaller copy (reduce its images' resolution)."
EMPTY = "This PDF has no pages."
# Keys whose presence means code or a trigger, and action types that run code or programs.
SCRIPT_KEYS = {"/JS", "/JavaScript", "/AA", "/OpenAction"}
SCRIPT_ACTIONS = {"/JavaScript", "/Launch", "/ImportData", "/Rendition", "/SubmitForm"}


class PdfRefused(ValueError):
    """str() says why, for the editor who uploaded the file."""


class PdfFacts(NamedTuple):
    page_count: int
    text: str
    size: int


def read_pdf(data: bytes) -> PdfFacts:
    """The page count and text of the PDF in `data`; raises PdfRefused saying why not."""
    if len(data) > MAX_PDF_BYTES:
        raise PdfRefused(TOO_LARGE)
    if b"%PDF-" not in data[:1024]:
        raise PdfRefused(NOT_A_PDF)
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        encrypted = reader.is_encrypted
    except Exception:  # pypdf raises many kinds on a damaged file
        raise PdfRefused(UNREADABLE) from None
    if encrypted:
        raise PdfRefused(ENCRYPTED)
    try:
        found = sorted(scripts_in(reader.trailer))
        pages = list(reader.pages)
    except Exception:
        raise PdfRefused(UNREADABLE) from None
    if found:
        raise PdfRefused(SCRIPTED.format(found=", ".join(found)))
    if not pages:
        raise PdfRefused(EMPTY)
    return PdfFacts(page_count=len(pages), text=page_texts(pages), size=len(data))


def page_texts(pages):
    texts = []
    for page in pages:
        try:
            texts.append(page.extract_text() or "")
        except Exception:  # a page whose text cannot be read still counts; search just misses it
            texts.append("")
    return "\n\n".join(text.strip() for text in texts if text.strip()).replace("\x00", "")


def scripts_in(root):
    """The script keys and actions found anywhere in the object graph under `root`."""
    found, seen, stack = set(), set(), [root]
    while stack:
        item = stack.pop()
        if isinstance(item, IndirectObject):
            key = (item.idnum, item.generation)
            if key in seen:
                continue
            seen.add(key)
            item = item.get_object()
        if isinstance(item, DictionaryObject):
            for name, value in item.items():
                if name in SCRIPT_KEYS:
                    found.add(name)
                if name == "/S" and isinstance(value, NameObject) and value in SCRIPT_ACTIONS:
                    found.add(f"/S {value}")
                stack.append(value)
        elif isinstance(item, ArrayObject):
            stack.extend(item)
    return found
