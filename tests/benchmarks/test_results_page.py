"""benchmarks/results_page.put_section: a script rewrites only its own section of a shared RESULTS.md."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))
from results_page import markers, put_section  # noqa: E402

A, B = markers("a"), markers("b")


def _section(name: tuple[str, str], body: str) -> str:
    return f"{name[0]}\n## {body}\n{name[1]}"


def test_new_page_gets_its_title_and_the_section(tmp_path: Path) -> None:
    page = tmp_path / "RESULTS.md"
    put_section(page, _section(A, "one"), *A, "Area results")
    assert page.read_text() == f"# Area results\n\n{_section(A, 'one')}\n"


def test_replacing_one_section_keeps_the_others_and_hand_written_text(tmp_path: Path) -> None:
    page = tmp_path / "RESULTS.md"
    page.write_text(f"# Area\n\n{_section(A, 'old a')}\n\nreading by hand\n\n{_section(B, 'b')}\n")
    put_section(page, _section(A, "new a") + "\n", *A, "Area")
    assert page.read_text() == f"# Area\n\n{_section(A, 'new a')}\n\nreading by hand\n\n{_section(B, 'b')}\n"


def test_a_missing_section_is_appended(tmp_path: Path) -> None:
    page = tmp_path / "RESULTS.md"
    page.write_text(f"# Area\n\n{_section(A, 'a')}\n\n\n")
    put_section(page, _section(B, "b"), *B, "Area")
    assert page.read_text() == f"# Area\n\n{_section(A, 'a')}\n\n{_section(B, 'b')}\n"


def test_a_section_without_its_markers_is_refused(tmp_path: Path) -> None:
    page = tmp_path / "RESULTS.md"
    page.write_text("# Area\n")
    with pytest.raises(ValueError, match="must begin with"):
        put_section(page, "## no markers", *A, "Area")
    assert page.read_text() == "# Area\n"
