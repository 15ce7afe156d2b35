"""One marked section of a benchmark area's RESULTS.md, written in place; the rest of the page is left alone.

Several scripts share one area's page (each owns a section between `<!-- name:start -->` and
`<!-- name:end -->`), so a script rewrites only its own section, or appends it when the page
lacks it. Scripts import this with `sys.path.insert(0, <benchmarks folder>)`, since each runs as
`python benchmarks/<area>/<script>.py`.
"""

from __future__ import annotations

from pathlib import Path


def markers(name: str) -> tuple[str, str]:
    """The start and end markers of section `name`."""
    return f"<!-- {name}:start -->", f"<!-- {name}:end -->"


def put_section(page: Path, section: str, start: str, end: str, title: str) -> None:
    """Write `section` (which begins with `start` and ends with `end`) into `page`, replacing the old one.

    A page that does not exist yet starts with `# title`; a page without the markers gets the
    section appended after a blank line.
    """
    section = section.strip("\n")
    if not (section.startswith(start) and section.endswith(end)):
        raise ValueError(f"a section must begin with {start!r} and end with {end!r}")
    text = page.read_text(encoding="utf-8") if page.exists() else f"# {title}\n"
    if start in text and end in text:
        head, rest = text.split(start, 1)
        text = head + section + rest.split(end, 1)[1]
    else:
        text = text.rstrip("\n") + "\n\n" + section + "\n"
    page.write_text(text, encoding="utf-8")
