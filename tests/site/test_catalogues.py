"""The kk and ru catalogues translate every portal message, and the compiled .mo files match the .po files."""
import ast
import gettext
from pathlib import Path

import pytest

LOCALE = Path(__file__).resolve().parents[2] / "locale"


def po_entries(path: Path) -> list[dict]:
    """Each entry of a .po file: msgid, msgid_plural, msgstr values and flags (obsolete entries left out)."""
    entries = []
    for block in path.read_text(encoding="utf-8").split("\n\n"):
        lines = [line for line in block.splitlines() if line and not line.startswith("#~")]
        entry, key = {"flags": set(), "msgstr": {}}, None
        for line in lines:
            if line.startswith("#,"):
                entry["flags"] |= {flag.strip() for flag in line[2:].split(",")}
            elif line.startswith("#"):
                continue
            elif line.startswith('"'):
                value = ast.literal_eval(line)
                if key.startswith("msgstr"):
                    entry["msgstr"][key] += value
                else:
                    entry[key] += value
            else:
                key, _, literal = line.partition(" ")
                if key.startswith("msgstr"):
                    entry["msgstr"][key] = ast.literal_eval(literal)
                else:
                    entry[key] = ast.literal_eval(literal)
        if entry.get("msgid"):
            entries.append(entry)
    return entries


@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_every_message_is_translated_and_none_is_fuzzy(lang):
    entries = po_entries(LOCALE / lang / "LC_MESSAGES" / "django.po")
    assert len(entries) > 500
    fuzzy = [e["msgid"] for e in entries if "fuzzy" in e["flags"]]
    empty = [e["msgid"] for e in entries if not all(e["msgstr"].values())]
    assert fuzzy == [] and empty == []


@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_the_compiled_catalogue_holds_every_translation(lang):
    with open(LOCALE / lang / "LC_MESSAGES" / "django.mo", "rb") as mo:
        compiled = gettext.GNUTranslations(mo)
    for entry in po_entries(LOCALE / lang / "LC_MESSAGES" / "django.po"):
        if "msgid_plural" in entry:
            assert compiled.ngettext(entry["msgid"], entry["msgid_plural"], 1) == entry["msgstr"]["msgstr[0]"]
        elif "msgctxt" in entry:  # pgettext: the same words translated apart by context
            assert compiled.pgettext(entry["msgctxt"], entry["msgid"]) == entry["msgstr"]["msgstr"], entry["msgid"]
        else:
            assert compiled.gettext(entry["msgid"]) == entry["msgstr"]["msgstr"], entry["msgid"]
