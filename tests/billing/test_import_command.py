"""import_store_events: the webhook's events from a JSON-lines file, line by line."""

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from billing.models import Invoice, Order, StoreEvent
from tests.billing.conftest import paid, placed, shipped

pytestmark = pytest.mark.django_db


def write_lines(tmp_path, lines: list) -> str:
    path = tmp_path / "events.jsonl"
    path.write_text("\n".join(line if isinstance(line, str) else json.dumps(line) for line in lines) + "\n")
    return str(path)


def run(path: str) -> list[str]:
    out = StringIO()
    call_command("import_store_events", path, stdout=out)
    return out.getvalue().splitlines()


def test_a_file_of_events_is_imported_and_reported_line_by_line(tmp_path, customer):
    events = [placed(customer), paid(), shipped()]
    path = write_lines(tmp_path, events)

    report = run(path)

    assert report[:3] == [f"line {number}: processed {event['id']}" for number, event in enumerate(events, start=1)]
    assert "Done: 3 processed, 0 already processed, 0 refused." in report[3]
    assert Order.objects.get().status == Order.Status.SHIPPED
    assert set(StoreEvent.objects.values_list("via", flat=True)) == {"import"}


def test_importing_the_same_file_again_changes_nothing(tmp_path, customer):
    events = [placed(customer), paid()]
    path = write_lines(tmp_path, events)
    run(path)

    report = run(path)

    assert report[:2] == [f"line {number}: already processed {event['id']}" for number, event in enumerate(events, 1)]
    assert "Done: 0 processed, 2 already processed, 0 refused." in report[2]
    assert Invoice.objects.count() == 1


def test_a_refused_line_is_reported_and_the_others_go_on(tmp_path, customer, capsys):
    card = placed(customer, number="WEB-CARD")
    card["data"]["lines"][0]["name"] = "paid with 4111 1111 1111 1111"
    path = write_lines(tmp_path, [placed(customer), "{broken", card, "", paid()])

    with pytest.raises(CommandError, match="2 processed, 0 already processed, 2 refused"):
        call_command("import_store_events", path)

    report = capsys.readouterr().out.splitlines()
    assert report[1] == "line 2: refused [malformed_json] the line is not valid JSON"
    assert report[2].startswith("line 3: refused [card_number]")
    assert "4111" not in "\n".join(report)
    assert report[3].startswith("line 5: processed")
    assert not Order.objects.filter(number="WEB-CARD").exists()


def test_a_missing_file_is_reported(tmp_path):
    with pytest.raises(CommandError, match="There is no file"):
        call_command("import_store_events", str(tmp_path / "nope.jsonl"))
