"""Every message has a French translation, and the compiled catalogue is up to date."""

import ast
import gettext
from pathlib import Path

import pytest

LOCALE = Path(__file__).resolve().parent.parent / "locale" / "fr" / "LC_MESSAGES"


def read_po(path: Path) -> list[dict]:
    """A small .po reader: entries with their msgid, msgstr and flags."""
    entries, entry, key = [], {"flags": ""}, None
    for raw in [*path.read_text(encoding="utf-8").splitlines(), ""]:
        line = raw.strip()
        if not line:
            if "msgid" in entry:
                entries.append(entry)
            entry, key = {"flags": ""}, None
        elif line.startswith("#,"):
            entry["flags"] += line
        elif line.startswith("#"):
            continue
        elif line.startswith('"'):
            entry[key] += ast.literal_eval(line)
        else:
            key, _, value = line.partition(" ")
            entry[key] = ast.literal_eval(value)
    return entries


ENTRIES = [entry for entry in read_po(LOCALE / "django.po") if entry["msgid"]]


def test_the_catalogue_has_messages():
    assert len(ENTRIES) > 100


@pytest.mark.parametrize("entry", ENTRIES, ids=lambda entry: entry["msgid"][:40])
def test_every_message_is_translated_and_compiled(entry):
    assert "fuzzy" not in entry["flags"]
    translation = entry.get("msgstr", entry.get("msgstr[0]", ""))
    assert translation, "untranslated"
    with (LOCALE / "django.mo").open("rb") as compiled:
        catalogue = gettext.GNUTranslations(compiled)
    if "msgctxt" in entry:
        assert catalogue.pgettext(entry["msgctxt"], entry["msgid"]) == translation
    else:
        assert catalogue.gettext(entry["msgid"]) == translation, "run `make messages` to compile"
