"""The parallel-set extractor (gettext catalogues written here) and the TSV reader/writer."""

from __future__ import annotations

from pathlib import Path

import polib
import pytest

from rlvr.ilo.errors import IloError
from rlvr.ilo.parallel import Sentence, by_language, extract, parse_tsv, read_tsv, write_tsv

ENTRIES = [  # (msgid, {lang: msgstr}, extra)
    ("Save and continue editing", {"de": "Sichern und weiter bearbeiten", "fr": "Enregistrer et continuer les modifications"}, {}),
    ("Please correct the errors below.", {"de": "Bitte die Fehler korrigieren.", "fr": "Corrigez les erreurs ci-dessous."}, {}),
    ("Delete", {"de": "Löschen", "fr": "Supprimer"}, {}),                                              # one word
    ("Delete %s objects", {"de": "%s Objekte löschen", "fr": "Supprimer %s objets"}, {}),              # printf
    ("Hello %(name)s again", {"de": "Hallo %(name)s wieder", "fr": "Bonjour %(name)s encore"}, {}),    # named printf
    ("Item {0} was saved", {"de": "Eintrag {0} gesichert", "fr": "Élément {0} enregistré"}, {}),      # str.format
    ("Log in again", {"de": "Erneut anmelden", "fr": "Se reconnecter"}, {"fuzzy_in": "de"}),             # fuzzy in de
    ("Change my password", {"de": "Passwort ändern", "fr": ""}, {}),                                   # untranslated in fr
    ("Go to <b>site</b> now", {"de": "Zur <b>Seite</b> jetzt", "fr": "Aller au <b>site</b>"}, {}),      # markup
    ("Add another item", {"de": "Noch einen hinzufügen", "fr": "Ajouter un autre"}, {}),
]


def write_catalogues(root: Path, mo: bool = False) -> list[Path]:
    paths = []
    for lang in ("de", "fr"):
        catalogue = polib.POFile()
        catalogue.metadata = {"Content-Type": "text/plain; charset=UTF-8"}
        for msgid, translations, extra in ENTRIES:
            entry = polib.POEntry(msgid=msgid, msgstr=translations[lang])
            if extra.get("fuzzy_in") == lang:
                entry.flags.append("fuzzy")
            catalogue.append(entry)
        plural = polib.POEntry(msgid="one file was added", msgid_plural="many files were added",
                               msgstr_plural={0: "x", 1: "y"})
        catalogue.append(plural)
        folder = root / lang / "LC_MESSAGES"
        folder.mkdir(parents=True)
        path = folder / ("django.mo" if mo else "django.po")
        catalogue.save_as_mofile(str(path)) if mo else catalogue.save(str(path))
        paths.append(path)
    return paths


@pytest.mark.parametrize("mo", [False, True])
def test_extractor_keeps_only_plain_sentences_translated_everywhere(tmp_path: Path, mo: bool) -> None:
    sentences = extract(write_catalogues(tmp_path, mo=mo), ["en", "de", "fr"])
    english = sorted(s.text for s in sentences if s.lang == "en")
    # .mo files keep no fuzzy entries (msgfmt drops them), so the fuzzy check is the .po case; both end the same.
    assert english == ["Add another item", "Please correct the errors below.", "Save and continue editing"]
    groups = {s.id: {} for s in sentences}
    for s in sentences:
        groups[s.id][s.lang] = s.text
    assert {"en": "Add another item", "de": "Noch einen hinzufügen", "fr": "Ajouter un autre"} in groups.values()
    assert all(set(group) == {"en", "de", "fr"} for group in groups.values())


def test_extractor_limit_and_min_words(tmp_path: Path) -> None:
    paths = write_catalogues(tmp_path)
    assert len(extract(paths, ["en", "de", "fr"], limit=2)) == 2 * 3
    three = {s.text for s in extract(paths, ["en", "de"], min_words=4) if s.lang == "en"}
    assert three == {"Save and continue editing", "Please correct the errors below."}
    # Languages other than those asked for are ignored; the id is stable across calls.
    assert extract(paths, ["en", "de"]) == extract(list(reversed(paths)), ["en", "de"])


@pytest.mark.parametrize("entries", [
    [("Save the form", "", "Formular sichern"), ("Save the form", "button", "Formular speichern")],  # one source, two contexts
    [("Save the form", "", "Formular sichern"), ("Store the form", "", "Formular sichern")],          # one translation, two sources
])
def test_extractor_dedupes_sources_and_shared_translations(tmp_path: Path, entries: list) -> None:
    catalogue = polib.POFile()
    for msgid, context, msgstr in entries:
        catalogue.append(polib.POEntry(msgid=msgid, msgctxt=context or None, msgstr=msgstr))
    folder = tmp_path / "de" / "LC_MESSAGES"
    folder.mkdir(parents=True)
    catalogue.save(str(folder / "app.po"))
    sentences = extract([folder / "app.po"], ["en", "de"])
    assert len(sentences) == 2 and {s.lang for s in sentences} == {"en", "de"}


def test_extractor_errors(tmp_path: Path) -> None:
    paths = write_catalogues(tmp_path)
    with pytest.raises(IloError, match="no usable catalogue entries for it"):
        extract(paths, ["en", "it"])
    with pytest.raises(IloError, match="besides the source language"):
        extract(paths, ["en"])
    bad = tmp_path / "notes.po"
    bad.write_text("x")
    with pytest.raises(IloError, match="LC_MESSAGES"):
        extract([bad], ["en", "de"])


def test_tsv_round_trip_and_grouping(tmp_path: Path) -> None:
    sentences = [Sentence("a", "en", 'say "hi" now'), Sentence("a", "de", "sag hallo"),
                 Sentence("b", "en", "go home"), Sentence("b", "de", "geh heim")]
    path = write_tsv(sentences, tmp_path / "out" / "p.tsv")
    assert read_tsv(path) == sentences
    languages, ids, texts = by_language(sentences)
    assert languages == ["de", "en"] and ids == ["a", "b"] and texts["de"] == ["sag hallo", "geh heim"]
    with pytest.raises(IloError, match="tab or newline"):
        write_tsv([Sentence("a", "en", "x\ty")], tmp_path / "bad.tsv")
    assert not (tmp_path / "bad.tsv").exists()


@pytest.mark.parametrize("text, message", [
    ("", "first line must be the header"),
    ("id,lang,text\na,en,x\n", "first line must be the header"),
    ("id\tlang\ttext\na\ten\n", "line 2: expected 3 tab-separated fields"),
    ("id\tlang\ttext\na\ten\tx\na\ten\ty\n", "line 3: id 'a' appears twice in language 'en'"),
    ("id\tlang\ttext\na\t\tx\n", "line 2: id, lang and text must all be non-empty"),
    ("id\tlang\ttext\n\n", "no sentences"),
])
def test_malformed_tsv_names_what_to_fix(text: str, message: str) -> None:
    with pytest.raises(IloError, match=message):
        parse_tsv(text, "p.tsv")


def test_missing_translation_and_missing_file(tmp_path: Path) -> None:
    with pytest.raises(IloError, match="language 'de' lacks 1 of the 2 ids"):
        by_language([Sentence("a", "en", "x"), Sentence("b", "en", "y"), Sentence("a", "de", "z")])
    with pytest.raises(IloError, match="no parallel-sentence file"):
        read_tsv(tmp_path / "absent.tsv")
    latin1 = tmp_path / "latin1.tsv"
    latin1.write_bytes("id\tlang\ttext\na\tde\tgrün\n".encode("latin-1"))
    with pytest.raises(IloError, match="not UTF-8"):
        read_tsv(latin1)


def test_shipped_set_is_complete_and_clean() -> None:
    from rlvr.ilo import shipped_data

    sentences = read_tsv(shipped_data())
    languages, ids, texts = by_language(sentences)
    assert len(languages) == 8 and len(ids) == 200
    assert all(len(set(column)) == len(column) for column in texts.values())  # no duplicate within a language
    assert all(len(text.split()) >= 2 for text in texts["en"])
    assert not any("%" in t or "{" in t for column in texts.values() for t in column)
    assert (shipped_data().parent / "PROVENANCE.md").is_file()
