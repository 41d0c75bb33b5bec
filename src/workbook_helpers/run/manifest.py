"""``OUT/manifest.json``: what each run of a batch last did, so that a batch can be resumed.

A run is done again only when something it depends on changed since it last succeeded: its
input files (by their bytes), its parameters, the suite's version or the pseudonym salt, or a
file it wrote has gone (:meth:`Manifest.unchanged`).
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

from workbook_helpers import __version__, clock
from workbook_helpers.privacy.pseudonyms import salt_id
from workbook_helpers.outputs import json_safe, write_atomic
from workbook_helpers.run.plan import Plan, PlannedRun

MANIFEST_NAME = "manifest.json"
MANIFEST_VERSION = 1


class Manifest:
    """``OUT/manifest.json``: one entry per run, keyed ``"<team folder>/<stem>"``, saved whole
    and atomically after every run, so an interrupted batch keeps what it finished."""

    def __init__(self, out: Path, plan: Plan):
        self.path = out / MANIFEST_NAME
        self.plan = plan
        self.runs: dict[str, dict] = {}
        self.note: str | None = None
        try:
            loaded = json.loads(self.path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return
        except (OSError, ValueError) as error:
            self.note = f"The manifest {self.path} could not be read ({error}), so every run runs again."
            return
        if not isinstance(loaded, dict) or loaded.get("manifest_version") != MANIFEST_VERSION:
            self.note = f"The manifest {self.path} is from another version of the suite, so every run runs again."
            return
        self.runs = {key: entry for key, entry in (loaded.get("runs") or {}).items() if isinstance(entry, dict)}

    def unchanged(self, run: PlannedRun, fingerprints: dict[str, str], out: Path) -> bool:
        """Whether ``run`` last succeeded with the same inputs, parameters, suite version and
        pseudonym salt, with a PDF if and only if one is asked for, and its files are still there."""
        entry = self.runs.get(run.key)
        return bool(
            entry
            and entry.get("status") == "ok"
            and entry.get("version") == __version__
            and entry.get("salt") == salt_id()
            and entry.get("inputs") == fingerprints
            and entry.get("parameters") == _plain(run.parameters)
            and entry.get("outputs")
            and ("pdf" in entry["outputs"]) == run.pdf
            and all((out / path).is_file() for path in entry["outputs"].values())
        )

    def record(self, run: PlannedRun, fingerprints: dict[str, str], outcome: dict) -> dict:
        entry = {
            "workbook": run.workbook, "team": run.team, "folder": run.folder, "stem": run.stem,
            "status": outcome["status"],
            "started": outcome.get("started"), "finished": outcome.get("finished"),
            "seconds": outcome.get("seconds"),
            "parameters": _plain(run.parameters), "inputs": fingerprints, "version": __version__,
            "salt": salt_id(),  # another salt means other pseudonyms: the run is made again
            "outputs": outcome.get("outputs") or {},
            "error": outcome.get("error"), "cell": outcome.get("cell"), "error_kind": outcome.get("error_kind"),
            "failed_notebook": outcome.get("failed_notebook"),
        }
        self.runs[run.key] = entry
        return entry

    def save(self) -> None:
        keys = [run.key for run in self.plan.runs]
        document = {
            "manifest_version": MANIFEST_VERSION,
            "batch": self.plan.name,
            "plan": str(self.plan.path.resolve()),
            "suite_version": __version__,
            "updated_at": timestamp(),
            # The plan's runs, in its order; runs no longer in the plan are dropped.
            "runs": {key: self.runs[key] for key in keys if key in self.runs},
        }
        write_atomic(self.path, json.dumps(document, indent=2, ensure_ascii=False) + "\n")


def _plain(value):
    return json.loads(json.dumps(json_safe(value), default=str))


_HASHES: dict[tuple, str] = {}


def fingerprint_files(paths) -> dict[str, str]:
    """sha256 of each file's bytes, by path (remembered while size and modification time stay)."""
    found = {}
    for path in paths:
        stat = os.stat(path)
        key = (path, stat.st_size, stat.st_mtime_ns)
        if key not in _HASHES:
            digest = hashlib.sha256()
            with open(path, "rb") as handle:
                for block in iter(lambda: handle.read(1 << 20), b""):
                    digest.update(block)
            _HASHES[key] = digest.hexdigest()
        found[path] = _HASHES[key]
    return found


def timestamp() -> str:
    return clock.now().isoformat(timespec="seconds")

