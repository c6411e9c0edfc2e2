import json
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from billing import intake
from billing.models import StoreEvent


class Command(BaseCommand):
    help = (
        "Import store and donation events from a JSON-lines file (one event per line, as the "
        "webhook receives them). Each line is checked and applied exactly as a webhook call; "
        "lines already processed change nothing, so the same file can be imported again."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", help="the JSON-lines file")

    def handle(self, *args, path: str, **options):
        counts = {"processed": 0, "already processed": 0, "refused": 0}
        if not Path(path).is_file():
            raise CommandError(f"There is no file {path}.")
        with Path(path).open("rb") as events:
            for number, raw in enumerate(events, start=1):
                if not raw.strip():
                    continue
                outcome, detail = self._import_line(raw)
                counts[outcome] += 1
                # Only the outcome and the event id: a line may hold personal data.
                self.stdout.write(f"line {number}: {outcome}{detail}")
        summary = ", ".join(f"{count} {outcome}" for outcome, count in counts.items())
        if counts["refused"]:
            raise CommandError(f"Done with refusals: {summary}.")
        self.stdout.write(self.style.SUCCESS(f"Done: {summary}."))

    def _import_line(self, raw: bytes) -> tuple[str, str]:
        if len(raw) > settings.STORE_WEBHOOK_MAX_BYTES:
            return "refused", f" [too_large] the line is larger than {settings.STORE_WEBHOOK_MAX_BYTES} bytes"
        try:
            payload = json.loads(raw, parse_float=Decimal)
        except (ValueError, RecursionError):
            return "refused", " [malformed_json] the line is not valid JSON"
        try:
            outcome = intake.process_event(payload, via=StoreEvent.Via.IMPORT)
        except intake.EventRejected as rejected:
            return "refused", f" [{rejected.code}] {rejected.message}"
        return ("already processed" if outcome.already_processed else "processed"), f" {outcome.event_id}"
