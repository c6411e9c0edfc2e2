"""Building the export of everything held about one customer: a ZIP with data.json (the
machine-readable copy, format documented in docs/export-format.md), data.html (the same for
people, in the customer's language) and the attachments the apps provide (invoice PDFs).

Rows are read in chunks and written straight into the archive, so memory stays flat
whatever the volume.
"""

import datetime
import html
import json
import secrets
import shutil
import tempfile
import zipfile
from pathlib import Path

from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.models import DataExport
from mandrakeonline.personal_data import registry

EXPORT_FORMAT = "mandrakeonline.export"
EXPORT_VERSION = 1
CHUNK_SIZE = 500
PAGE_IN_MEMORY = 4 * 2**20


def export_path(export: DataExport) -> Path:
    return Path(settings.EXPORT_ROOT) / export.file_name


def _descriptions() -> dict:
    return {
        declared.label: {
            "title": str(declared.title),
            "fields": {
                entry.name: {"label": str(entry.label), "category": str(entry.category), "purpose": str(entry.purpose)}
                for entry in registry.fields_of(declared.model)
            },
        }
        for declared in registry.personal_models()
    }


class _Progress:
    def __init__(self, export: DataExport):
        self.export = export

    def advance(self) -> None:
        self.export.records_done += 1
        if self.export.records_done % CHUNK_SIZE == 0:
            self.export.save(update_fields=["records_done"])


def _html_head(customer) -> str:
    title = _("Everything Mandrake holds about customer %(number)s") % {"number": customer.formatted_number}
    return (
        f'<!doctype html><html lang="{customer.language}"><head><meta charset="utf-8">'
        f"<title>{html.escape(title)}</title></head><body><h1>{html.escape(title)}</h1>"
    )


def _write_records(archive: zipfile.ZipFile, export: DataExport, progress: _Progress, page) -> None:
    """data.json into the archive and, from the same rows, data.html into ``page``: each row
    is read from the database once for both."""
    customer = export.customer
    escape = html.escape
    with archive.open("data.json", "w", force_zip64=True) as raw:
        header = {
            "format": EXPORT_FORMAT,
            "version": EXPORT_VERSION,
            "generated_at": timezone.now().isoformat(),
            "customer_number": customer.customer_number,
            "descriptions": _descriptions(),
        }
        raw.write(json.dumps(header, ensure_ascii=False)[:-1].encode())
        raw.write(b', "records": {')
        # The page is for people: in the customer's language, as are its dates and labels.
        with translation.override(customer.language):
            page.write(_html_head(customer).encode())
            for index, declared in enumerate(registry.personal_models()):
                entries = registry.fields_of(declared.model)
                raw.write((", " if index else "").encode() + json.dumps(declared.label).encode() + b": [")
                headings = "".join(f'<th scope="col">{escape(str(entry.label))}</th>' for entry in entries)
                page.write(
                    f"<h2>{escape(str(declared.title))}</h2><table><thead><tr>{headings}</tr></thead><tbody>".encode()
                )
                for position, row in enumerate(declared.rows_for(customer).iterator(chunk_size=CHUNK_SIZE)):
                    record = {"id": row.pk, "fields": registry.export_instance(row)}
                    raw.write((", " if position else "").encode() + json.dumps(record, ensure_ascii=False).encode())
                    cells = "".join(f"<td>{escape(str(entry.display_value(row)))}</td>" for entry in entries)
                    page.write(f"<tr>{cells}</tr>".encode())
                    progress.advance()
                raw.write(b"]")
                page.write(b"</tbody></table>")
            page.write(b"</body></html>")
        raw.write(b"}}")


def build_export(export: DataExport) -> None:
    """Write the archive, then mark the export ready for EXPORT_LINK_HOURS."""
    customer = export.customer
    export.status = DataExport.Status.RUNNING
    export.records_total = sum(declared.rows_for(customer).count() for declared in registry.personal_models())
    export.file_name = f"{secrets.token_urlsafe(24)}.zip"
    export.save(update_fields=["status", "records_total", "file_name"])
    path = export_path(export)
    path.parent.mkdir(parents=True, exist_ok=True)
    progress = _Progress(export)
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        # The page waits in a temporary file (on disk past a few megabytes) while data.json
        # is written: an archive takes one entry at a time.
        with tempfile.SpooledTemporaryFile(max_size=PAGE_IN_MEMORY) as page:
            _write_records(archive, export, progress, page)
            page.seek(0)
            with archive.open("data.html", "w", force_zip64=True) as raw:
                shutil.copyfileobj(page, raw)
        for file_name, chunks in registry.attachments_for(customer):
            # Stored, not deflated: the attachments are PDFs, compressed already.
            entry = zipfile.ZipInfo(f"attachments/{file_name}", date_time=timezone.localtime().timetuple()[:6])
            entry.compress_type = zipfile.ZIP_STORED
            with archive.open(entry, "w", force_zip64=True) as attachment:
                for chunk in chunks:
                    attachment.write(chunk)
    export.status = DataExport.Status.READY
    export.size = path.stat().st_size
    export.finished_at = timezone.now()
    export.expires_at = export.finished_at + datetime.timedelta(hours=settings.EXPORT_LINK_HOURS)
    export.save(update_fields=["status", "size", "finished_at", "expires_at", "records_done"])


def delete_export_file(export: DataExport) -> None:
    if export.file_name:
        export_path(export).unlink(missing_ok=True)
