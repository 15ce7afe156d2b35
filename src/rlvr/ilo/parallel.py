"""Parallel sentences: read and write the TSV `rlvr ilo` scores, and extract one from gettext catalogues.

The TSV has a header `id<TAB>lang<TAB>text` and one row per sentence; rows that share an `id` are
translations of each other. Every id must appear once in every language.

The extractor aligns gettext catalogues (`.po` or compiled `.mo`, read with polib) by their source
string (msgctxt + msgid, which is English in Django's and most Debian packages' catalogues):
    django/conf/locale/de/LC_MESSAGES/django.po  ->  language "de"
An entry is kept only when it is translated in every requested language and is a plain sentence:
not fuzzy, not obsolete, not untranslated, not a plural form, no format placeholders
(`%s`, `%(name)s`, `{0}`, `{name}`) or markup, no tabs or newlines, and at least `min_words`
words in the source. Duplicated sources and translations that two entries share in one language
are dropped, so no sentence appears twice in a language.
"""

from __future__ import annotations

import hashlib
import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from rlvr.atomic import AtomicFile
from rlvr.ilo.errors import IloError

HEADER = ("id", "lang", "text")
SOURCE_LANGUAGE = "en"
# printf-style (%s, %d, %(name)s, %.2f, %%) and str.format-style ({0}, {name}) placeholders.
_FORMAT = re.compile(r"%(\([^)]*\))?[-#0 +]*\d*(\.\d+)?[a-zA-Z%]|\{[^{}]*\}")
_MARKUP = re.compile(r"<[^<>]+>|&[a-z]+;")
_FORMAT_FLAGS = ("-format",)
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff"))


@dataclass(frozen=True)
class Sentence:
    """One sentence of a parallel set: its group `id`, its `lang` and its `text`."""

    id: str
    lang: str
    text: str


# Reading and writing the TSV -------------------------------------------------------------


def read_tsv(path: str | Path) -> list[Sentence]:
    """The sentences of a parallel TSV; a malformed file raises IloError naming the line to fix."""
    path = Path(path)
    if not path.is_file():
        raise IloError(f"no parallel-sentence file at {path}; pass a TSV with columns id, lang, text")
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as err:
        raise IloError(f"{path} is not UTF-8 text (byte {err.start}); save it as UTF-8") from None
    return parse_tsv(text, str(path))


def parse_tsv(text: str, name: str = "<tsv>") -> list[Sentence]:
    """Parse TSV text (see `read_tsv`)."""
    lines = text.splitlines()
    if not lines or tuple(lines[0].split("\t")) != HEADER:
        raise IloError(f"{name}: the first line must be the header 'id<TAB>lang<TAB>text'")
    sentences: list[Sentence] = []
    seen: set[tuple[str, str]] = set()
    for number, line in enumerate(lines[1:], start=2):
        if not line.strip():
            continue
        fields = line.split("\t")
        if len(fields) != 3:
            raise IloError(f"{name} line {number}: expected 3 tab-separated fields (id, lang, text), got {len(fields)}")
        sid, lang, sentence = (field.strip() for field in fields)
        if not sid or not lang or not sentence:
            raise IloError(f"{name} line {number}: id, lang and text must all be non-empty")
        if (sid, lang) in seen:
            raise IloError(f"{name} line {number}: id {sid!r} appears twice in language {lang!r}")
        seen.add((sid, lang))
        sentences.append(Sentence(sid, lang, sentence))
    if not sentences:
        raise IloError(f"{name}: no sentences after the header")
    return sentences


def to_tsv(sentences: Iterable[Sentence]) -> str:
    """The TSV text of `sentences` (header first)."""
    # Plain tab-joined lines, no quoting: texts never hold tabs or newlines, and quotes stay literal.
    lines = ["\t".join(HEADER)]
    for s in sentences:
        fields = (s.id, s.lang, s.text)
        if any("\t" in f or "\n" in f or "\r" in f for f in fields):
            raise IloError(f"sentence {s.id!r} ({s.lang}) holds a tab or newline, which a TSV row cannot")
        lines.append("\t".join(fields))
    return "\n".join(lines) + "\n"


def write_tsv(sentences: Sequence[Sentence], path: str | Path) -> Path:
    """Write `sentences` to `path` whole or not at all."""
    text = to_tsv(sentences)
    with AtomicFile(path) as out:
        out.temp.write_text(text, encoding="utf-8")
    return Path(path)


def by_language(sentences: Sequence[Sentence]) -> tuple[list[str], list[str], dict[str, list[str]]]:
    """(languages, ids, texts per language in id order), checking that every id is in every language."""
    languages = sorted({s.lang for s in sentences})
    ids = sorted({s.id for s in sentences})
    table: dict[str, dict[str, str]] = defaultdict(dict)
    for s in sentences:
        table[s.lang][s.id] = s.text
    for lang in languages:
        missing = [sid for sid in ids if sid not in table[lang]]
        if missing:
            raise IloError(f"language {lang!r} lacks {len(missing)} of the {len(ids)} ids (first: {missing[0]!r}); "
                           "every id needs a sentence in every language")
    return languages, ids, {lang: [table[lang][sid] for sid in ids] for lang in languages}


# Extracting from gettext catalogues --------------------------------------------------------


def catalogue_language(path: str | Path) -> str:
    """The language of a catalogue at `<lang>/LC_MESSAGES/<domain>.po|mo`."""
    path = Path(path)
    if path.parent.name != "LC_MESSAGES":
        raise IloError(f"{path}: expected a catalogue at <lang>/LC_MESSAGES/<domain>.po or .mo")
    return path.parent.parent.name


def usable(source: str, translation: str, flags: Iterable[str] = (), min_words: int = 2) -> bool:
    """True when a (source, translation) pair is a plain sentence worth keeping (see the module doc)."""
    if not source.strip() or not translation.strip():
        return False
    if any(flag.endswith(_FORMAT_FLAGS) and not flag.startswith("no-") for flag in flags):
        return False
    for text in (source, translation):
        if "\t" in text or "\n" in text or _FORMAT.search(text) or _MARKUP.search(text):
            return False
    return len(source.split()) >= min_words


def read_catalogue(path: str | Path, min_words: int = 2) -> dict[tuple[str, str], str]:
    """{(msgctxt, msgid): translation} for the usable entries of one .po or .mo catalogue."""
    import polib

    path = Path(path)
    try:
        catalogue = polib.mofile(str(path)) if path.suffix == ".mo" else polib.pofile(str(path))
    except (OSError, ValueError) as err:
        raise IloError(f"cannot read the catalogue {path}: {err}") from None
    entries: dict[tuple[str, str], str] = {}
    for entry in catalogue:
        flags = getattr(entry, "flags", [])  # .mo entries carry no flags (msgfmt leaves fuzzy ones out)
        if entry.obsolete or "fuzzy" in flags or entry.msgid_plural or not entry.msgstr.strip():
            continue
        if usable(entry.msgid, entry.msgstr, flags, min_words):
            entries.setdefault((entry.msgctxt or "", entry.msgid), _clean(entry.msgstr))
    return entries


def extract(catalogues: Iterable[str | Path], languages: Sequence[str], *, min_words: int = 2,
            limit: int | None = None, source_language: str = SOURCE_LANGUAGE) -> list[Sentence]:
    """A parallel set from gettext catalogues: the source string plus its translation in each of `languages`.

    `source_language` (default "en") names the msgid's language; it becomes one language of the set.
    `limit` keeps that many ids, chosen by a hash of the source (stable across runs and machines).
    """
    wanted = [lang for lang in languages if lang != source_language]
    if not wanted:
        raise IloError("name at least one language besides the source language to extract")
    merged: dict[str, dict[tuple[str, str], str]] = {lang: {} for lang in wanted}
    for path in sorted(Path(p) for p in catalogues):  # sorted: the first catalogue to define a string wins, in any call order
        lang = catalogue_language(path)
        if lang in merged:
            for key, text in read_catalogue(path, min_words).items():
                merged[lang].setdefault(key, text)
    empty = [lang for lang, entries in merged.items() if not entries]
    if empty:
        raise IloError(f"no usable catalogue entries for {', '.join(empty)}; check the catalogue paths and language codes")
    common = set.intersection(*(set(entries) for entries in merged.values()))
    # One sentence per source string (msgctxt variants collapse), no translation shared by two sources.
    kept: list[tuple[str, str]] = []
    seen_text: dict[str, set[str]] = defaultdict(set)
    for key in sorted(common, key=lambda k: (_stable_id(k[1]), k[0])):
        texts = {source_language: _clean(key[1]), **{lang: merged[lang][key] for lang in wanted}}
        if any(text in seen_text[lang] for lang, text in texts.items()):
            continue
        for lang, text in texts.items():
            seen_text[lang].add(text)
        kept.append(key)
        if limit is not None and len(kept) >= limit:
            break
    out: list[Sentence] = []
    for key in kept:
        sid = _stable_id(key[1])
        out.append(Sentence(sid, source_language, _clean(key[1])))
        out.extend(Sentence(sid, lang, merged[lang][key]) for lang in wanted)
    return out


def _clean(text: str) -> str:
    """Whitespace runs become one space; zero-width characters (left by some translators) go."""
    return " ".join(text.translate(_INVISIBLE).split())


def _stable_id(source: str) -> str:
    return "s" + hashlib.sha1(source.encode("utf-8")).hexdigest()[:10]
