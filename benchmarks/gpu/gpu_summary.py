"""summary.json of a GPU runbook run: each stage's outcome and time, the machine, and the results.

run.sh appends one tab-separated line per stage to stages.tsv (name, status, exit code,
seconds, note); status is ok, failed, timeout or skipped. This joins those lines with the
probe record and each stage's own result file, so one file says what ran, what did not and
why. It never fails the run: a missing or damaged file is reported inside the summary.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

STATUSES = ("ok", "failed", "timeout", "skipped")
# Result files a stage may leave in the work folder, by the summary key they go under.
RESULTS = {"reward_check": "verl/reward_check.json", "verl_curves": "verl_curves.json", "trl": "trl/summary.json"}


def read_stages(path: Path) -> list[dict[str, Any]]:
    """The stage lines in the order they ran."""
    stages = []
    if not path.is_file():
        return stages
    for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
        fields = line.split("\t")
        if len(fields) != 5 or fields[1] not in STATUSES:
            stages.append({"name": "?", "status": "failed", "note": f"unreadable stage line: {line[:200]!r}"})
            continue
        name, status, rc, seconds, note = fields
        stages.append({"name": name, "status": status, "rc": int(rc) if rc.lstrip("-").isdigit() else None,
                       "seconds": float(seconds) if seconds.replace(".", "", 1).isdigit() else None, "note": note})
    return stages


def _load(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    except (OSError, ValueError) as err:
        return {"error": f"unreadable {path.name}: {err}"}


def build(work: Path, dry_run: bool, budget_s: float) -> dict[str, Any]:
    """The summary of the run whose files are in `work`."""
    stages = read_stages(work / "stages.tsv")
    probe = _load(work / "probe.json") or {}
    by_name = {s["name"]: s for s in stages}
    summary: dict[str, Any] = {
        "dry_run": dry_run,
        "budget_s": budget_s,
        "total_s": round(sum(s.get("seconds") or 0.0 for s in stages), 1),
        "device": (probe.get("gpu") or {}).get("device") or (probe.get("gpu") or {}).get("nvidia_smi"),
        "rollout": probe.get("rollout"),
        "rollout_reason": probe.get("rollout_reason"),
        "verl_ran": by_name.get("verl_run", {}).get("status") == "ok",
        "trl_ran": by_name.get("trl_run", {}).get("status") == "ok",
        "stages": stages,
        "versions": {k: v for k, v in (probe.get("versions") or {}).items() if v},
        "python": probe.get("python"),
    }
    for key, relative in RESULTS.items():
        value = _load(work / relative)
        if value is not None:
            summary[key] = value
    return summary


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--work", type=Path, required=True)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--dry-run", action="store_true")
    parser.add_argument("--budget-s", type=float, default=0.0)
    args = parser.parse_args(argv)
    summary = build(args.work, args.dry_run, args.budget_s)
    args.out.write_text(json.dumps(summary, indent=1) + "\n", encoding="utf-8")
    for stage in summary["stages"]:
        print(f"{stage['name']:<12} {stage['status']:<8} {stage.get('seconds')!s:>7}s  {stage.get('note', '')}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
