"""Compare two runs of the sample batch: did a change that should keep behaviour keep it?

    python benchmarks/compare_sample_outputs.py snapshot OUT_FOLDER     # run the sample plan into OUT_FOLDER
    python benchmarks/compare_sample_outputs.py compare BEFORE AFTER    # compare two such folders

``snapshot`` runs ``data/sample/batch.yaml`` (the plan ``make report`` runs) with ``workbook
batch --force`` into the folder given, with the calendar fixed (``SERVICE_WORKBOOKS_TODAY``) and a
throwaway pseudonym salt kept in the folder, so that two snapshots made on different days or
machines differ only by what the code does. Run it before a change and after it, with the same
folder for the salt (``--salt``) so pseudonyms agree.

``compare`` matches every report (and the index page) by its path and prints, for each, whether its JSON summary and
its HTML are the same once the fields that say when and how fast a run was are set aside
(``generated_at``, ``duration_s``, ``version``; in the HTML the title block's "Produced" and
"Made with" lines). A difference is shown as the first lines of a unified diff. Exits 0 when
everything matches and 1 otherwise.
"""

from __future__ import annotations

import argparse
import difflib
import json
import os
import re
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
PLAN = REPO / "data" / "sample" / "batch.yaml"
FIXED_DAY = "2026-12-02"
_VOLATILE_KEYS = {"generated_at", "duration_s", "version"}
_VOLATILE_HTML = [
    (re.compile(r"<div><dt>Produced</dt><dd>[^<]*</dd></div>"), "<div><dt>Produced</dt><dd>…</dd></div>"),
    (re.compile(r"<div><dt>Made with</dt><dd>[^<]*</dd></div>"), "<div><dt>Made with</dt><dd>…</dd></div>"),
    # Before 2026-12-03 a chart's gradient ids carried vl-convert's process-wide counter, so they
    # changed with which batch worker drew which chart first; they are now numbered per chart.
    (re.compile(r"(sw\d+-gradient_)\d+"), r"\1N"),
]


def snapshot(out: Path, salt: Path | None) -> int:
    out.mkdir(parents=True, exist_ok=True)
    salt = salt or out / "salt"
    env = {**os.environ, "SERVICE_WORKBOOKS_TODAY": FIXED_DAY, "SERVICE_WORKBOOKS_SALT_FILE": str(salt.resolve())}
    command = [str(BIN / "workbook"), "batch", str(PLAN), "--out", str(out / "reports"), "--force", "--quiet"]
    print("Running:", " ".join(command), file=sys.stderr)
    (out / "checkout").write_text(str(REPO), encoding="utf-8")  # set aside when comparing
    return subprocess.run(command, cwd=REPO, env=env).returncode


def _checkout(path: Path) -> str:
    """The checkout a snapshot was made from (its ``checkout`` file), so two snapshots made in
    different worktrees compare equal where they only name their own folder."""
    folder = next((parent for parent in path.parents if (parent / "checkout").is_file()), None)
    return (folder / "checkout").read_text(encoding="utf-8").strip() if folder else "\0"


def _summary(path: Path) -> str:
    def clean(value):
        if isinstance(value, dict):
            return {key: clean(item) for key, item in value.items() if key not in _VOLATILE_KEYS}
        if isinstance(value, list):
            return [clean(item) for item in value]
        return value

    text = path.read_text(encoding="utf-8").replace(_checkout(path), "<checkout>")
    return json.dumps(clean(json.loads(text)), indent=1, sort_keys=True)


def _page(path: Path) -> str:
    text = path.read_text(encoding="utf-8").replace(_checkout(path), "<checkout>")
    for pattern, replacement in _VOLATILE_HTML:
        text = pattern.sub(replacement, text)
    return re.sub(r">\s*<", ">\n<", text)  # one tag a line, so a diff points at the change


def compare(before: Path, after: Path) -> int:
    def reports(folder: Path) -> dict[str, Path]:
        base = folder / "reports" if (folder / "reports").is_dir() else folder
        return {path.relative_to(base).as_posix(): path for pattern in ("*/*.json", "*/*.html", "index.html")
                for path in base.glob(pattern)}

    old, new = reports(before), reports(after)
    differing = 0
    for name in sorted(set(old) | set(new)):
        if name not in old or name not in new:
            print(f"{name}: only in {'the after' if name in new else 'the before'} folder")
            differing += 1
            continue
        read = _summary if name.endswith(".json") else _page
        first, second = read(old[name]), read(new[name])
        if first == second:
            print(f"{name}: same")
            continue
        differing += 1
        diff = list(difflib.unified_diff(first.splitlines(), second.splitlines(), "before", "after", n=1, lineterm=""))
        print(f"{name}: DIFFERS ({sum(1 for line in diff if line[:1] in '+-') - 2} lines)")
        print("\n".join("    " + line[:200] for line in diff[:40]))
    print(f"\n{len(set(old) | set(new))} files compared, {differing} differ.")
    return 1 if differing else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    verbs = parser.add_subparsers(dest="verb", required=True)
    taking = verbs.add_parser("snapshot", help="run the sample plan into a folder")
    taking.add_argument("out", type=Path)
    taking.add_argument("--salt", type=Path, help="the pseudonym salt file to use (default: OUT/salt)")
    comparing = verbs.add_parser("compare", help="compare two snapshot folders")
    comparing.add_argument("before", type=Path)
    comparing.add_argument("after", type=Path)
    args = parser.parse_args(argv)
    if args.verb == "snapshot":
        return snapshot(args.out, args.salt)
    return compare(args.before, args.after)


if __name__ == "__main__":
    sys.exit(main())
