"""Gather every benchmark's RESULTS.md into benchmarks/RESULTS.md (run after any benchmark)."""

from __future__ import annotations

import re
from pathlib import Path

HERE = Path(__file__).resolve().parent
AREAS = ["verifier", "rewards", "tasks", "engines", "serve", "train", "code", "analysis", "evaluate", "selfimprove",
         "internals"]


def _demote(text: str) -> str:
    # Each area's page starts at '#'; inside the collected page it becomes a section.
    return re.sub(r"^(#+)", r"#\1", text, flags=re.MULTILINE)


def _relink(text: str, area: str) -> str:
    # Links and images in an area's page are relative to its folder.
    return re.sub(r"\]\((?!https?:|/|#)([^)]+)\)", lambda m: f"]({area}/{m.group(1)})", text)


def main() -> None:
    parts = [
        "# Benchmark results\n",
        "Collected from `benchmarks/<area>/RESULTS.md` by `benchmarks/collect.py`. Each area's script "
        "measures rlvr side by side with its peer in the same run; on this shared 2-core machine "
        "absolute times are noisy, so compare the ratios.\n",
    ]
    for area in AREAS:
        page = HERE / area / "RESULTS.md"
        if page.exists():
            parts.append(_relink(_demote(page.read_text(encoding="utf-8").strip()), area) + "\n")
        else:
            parts.append(f"## {area}\n\nNo results committed yet.\n")
    (HERE / "RESULTS.md").write_text("\n".join(parts), encoding="utf-8")
    print(f"wrote {HERE / 'RESULTS.md'}")


if __name__ == "__main__":
    main()
