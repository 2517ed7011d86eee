"""Certificate PDFs through WeasyPrint.

``render_pdf`` renders one HTML document; ``render_pdfs`` renders many, each to
its own stand-alone PDF file, at close to the cost of laying them all out as one
document (bench/certificates.py measures both against that floor).

Where the time went when rendering one at a time (WeasyPrint 70, HarfBuzz
subsetting; per certificate, 100 certificates of the default template; ~86 ms):

- a fresh ``URLFetcher`` per document builds an SSL context and loads the system
  CA store: ~19 ms. One shared SSL context removes it;
- a fresh ``FontConfiguration`` per document starts Pango's font map cold (font
  files, HarfBuzz faces, metrics): ~18 ms more layout and ~6 ms more writing.
  One configuration per batch removes it;
- writing each document's PDF subsets every font again: ~12-15 ms a file
  against ~6 ms a page written as one file. So each certificate is laid out as
  its own document (templates may use page-relative positions and page
  counters freely), the pages of a chunk are written as one PDF sharing one
  font subset, and PDFium splits it into one file per certificate, copying the
  shared subset into each (~0.3 ms a file; ~33 KB a file against ~22 KB when
  subsetted alone). Chunk size hardly matters (25..500: same time and size).

``render_pdf`` keeps one warm font configuration per thread for the same reason
(~40 ms a certificate instead of ~86 naive). What remains is layout (~27 ms
against ~24 ms a page in one document). Within one ``render_pdfs`` call the
font configuration is shared, so two templates of one batch must not declare
different ``@font-face`` files under one family name.

Fonts: templates must name Noto Sans/Serif, Charis SIL or Andika first (see
``FONT_STACK_SANS``/``FONT_STACK_SERIF``). They place the combining breve
(U+0306) above ê ô ơ ư correctly; DejaVu collides it with the circumflex, so no
stack may rely on a generic family that resolves to DejaVu for these letters.

Resources: templates are written by administrators, so only ``data:`` URLs and
image, font and stylesheet files under ``base_url`` (a local folder) or
``MEDIA_ROOT`` (signature images) may be fetched; never the network and never
other local files (WeasyPrint would embed them as PDF attachments).
"""

from __future__ import annotations

import functools
import io
import re
import ssl
import threading
from pathlib import Path
from urllib.parse import unquote, urlsplit

import weasyprint
from PIL import ImageFile
from weasyprint import HTML
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher

# WeasyPrint turns on Pillow's LOAD_TRUNCATED_IMAGES for the whole process when
# it is imported; every upload check in the project (slides, photos) relies on
# Pillow refusing a truncated image, so put it back.
ImageFile.LOAD_TRUNCATED_IMAGES = False

FONT_STACK_SANS = '"Noto Sans", "Andika", "Charis SIL"'
FONT_STACK_SERIF = '"Noto Serif", "Charis SIL", "Noto Sans"'

# Certificates written as one PDF before splitting: the shared font subset (and
# so each file) grows a little with every new name, and memory with every page.
CHUNK_SIZE = 100


@functools.cache
def _ssl_context() -> ssl.SSLContext:
    # URLFetcher builds an HTTPS handler even when https is not allowed; handing
    # it one context avoids loading the CA store for every document.
    return ssl.create_default_context()


RESOURCE_SUFFIXES = frozenset(
    (".png", ".jpg", ".jpeg", ".gif", ".webp", ".svg", ".css")
    + (".ttf", ".otf", ".woff", ".woff2")
)


class _LocalFetcher(URLFetcher):
    """Fetches ``data:`` URLs and resource files inside ``roots``, nothing else."""

    def __init__(self, roots: list[Path]) -> None:
        super().__init__(
            ssl_context=_ssl_context(),
            allowed_protocols=("data", "file"),
            allow_redirects=False,
        )
        self.roots = roots

    def fetch(self, url, headers=None):
        if url.lower().startswith("file:"):
            path = Path(unquote(urlsplit(url).path)).resolve()
            if path.suffix.lower() not in RESOURCE_SUFFIXES or not any(
                path.is_relative_to(root) for root in self.roots
            ):
                raise ValueError(f"Not a resource a certificate may use: {url}")
        return super().fetch(url, headers)


def _fetcher(base_url: str | None) -> _LocalFetcher:
    roots = []
    if base_url and "://" not in base_url.replace("file://", "", 1):
        base = Path(unquote(urlsplit(base_url).path)).resolve()
        roots.append(base if base.is_dir() else base.parent)
    from django.conf import settings

    if settings.configured and settings.MEDIA_ROOT:
        roots.append(Path(settings.MEDIA_ROOT).resolve())
    return _LocalFetcher(roots)


_local = threading.local()


def _font_config(html: str) -> FontConfiguration:
    """A warm font configuration kept by this thread, unless the document may
    declare fonts of its own (then a fresh one, so that another template's
    ``@font-face`` of the same family name can never stand in)."""
    lowered = html.lower()
    if "@font-face" in lowered or "@import" in lowered or "<link" in lowered:
        return FontConfiguration()
    if getattr(_local, "font_config", None) is None:
        _local.font_config = FontConfiguration()
    return _local.font_config


def _layout(htmls, base_url, fetcher, font_config):
    return [
        HTML(string=html, base_url=base_url, url_fetcher=fetcher).render(
            font_config=font_config
        )
        for html in htmls
    ]


def _pdf_text(text: str) -> bytes:
    return b"<FEFF" + text.encode("utf-16-be").hex().upper().encode() + b">"


def _with_info(data: bytes, metadata) -> bytes:
    """``data`` with an /Info dictionary (title, author...) appended as an
    incremental update: PDFium writes none into the files it splits off."""
    fields = {
        "Title": metadata.title,
        "Author": ", ".join(metadata.authors or ()),
        "Subject": metadata.description,
        "Producer": f"WeasyPrint {weasyprint.__version__}, PDFium",
    }
    tail = re.search(
        rb"trailer\s*<<(.*?)>>\s*startxref\s*(\d+)\s*%%EOF\s*$", data[-1024:], re.S
    )
    size = tail and re.search(rb"/Size\s+(\d+)", tail[1])
    if not (tail and size):  # not the classic cross-reference table PDFium writes
        return data
    number = int(size[1])
    info = b" ".join(
        b"/%s %s" % (key.encode(), _pdf_text(value))
        for key, value in fields.items()
        if value
    )
    trailer = re.sub(rb"/Info\s+\d+\s+\d+\s+R|/Size\s+\d+|/Prev\s+\d+", b"", tail[1])
    start = len(data) + 1
    update = b"\n%d 0 obj\n<< %s >>\nendobj\n" % (number, info)
    xref = start + len(update) - 1
    update += (
        b"xref\n%d 1\n%010d 00000 n \ntrailer\n<<%s /Size %d /Info %d 0 R /Prev %s>>\n"
        % (
            number,
            start,
            trailer,
            number + 1,
            number,
            tail[2],
        )
    )
    update += b"startxref\n%d\n%%%%EOF\n" % xref
    return data + update


def render_pdf(*, html: str, base_url: str | None = None) -> bytes:
    """The PDF of one HTML document, fonts subsetted and embedded."""
    fetcher = _fetcher(base_url)
    (document,) = _layout([html], base_url, fetcher, _font_config(html))
    return document.write_pdf()


def render_pdfs(*, htmls: list[str], base_url: str | None = None) -> list[bytes]:
    """One stand-alone PDF per HTML document, in order.

    Each file opens on its own, with its fonts embedded (a subset shared by the
    certificates of its chunk) and its text extractable.
    """
    import pypdfium2  # only needed for batches

    fetcher = _fetcher(base_url)
    font_config = FontConfiguration()
    pdfs: list[bytes] = []
    for start in range(0, len(htmls), CHUNK_SIZE):
        documents = _layout(
            htmls[start : start + CHUNK_SIZE], base_url, fetcher, font_config
        )
        combined = documents[0].copy([p for d in documents for p in d.pages])
        source = pypdfium2.PdfDocument(combined.write_pdf())
        try:
            first = 0
            for document in documents:
                count = len(document.pages)
                target = pypdfium2.PdfDocument.new()
                try:
                    target.import_pages(source, list(range(first, first + count)))
                    buffer = io.BytesIO()
                    target.save(buffer)
                finally:
                    target.close()
                pdfs.append(_with_info(buffer.getvalue(), document.metadata))
                first += count
        finally:
            source.close()
    return pdfs
