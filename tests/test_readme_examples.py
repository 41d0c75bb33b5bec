"""The README's examples run as written.

Every `workbook` command in the README's shell blocks whose files exist runs here, in a folder of
its own, and must exit as the README says: 0, or, for a line whose comment starts `# fails:`, 2
(the README reader sees the same comment). A command about the reader's own files runs when this
test can stand in for them: `my_contacts.xlsx` is the sample demand log with the headers of the
README's column map (step 2), and `my_headers.yaml` is that map, so the examples that use them
show that step 3 works with step 2's map. Commands naming other files of the reader's own
(`my_events.csv`, `plans/2024-11.yaml`...) and `make` lines are not run here (`make report` and
`make test` are run by `.ci/run`).
"""

from __future__ import annotations

import re
import shlex
import shutil
import subprocess
from pathlib import Path

import pandas as pd
import pytest
import yaml

from conftest import ROOT, WORKBOOK

README = (ROOT / "README.md").read_text(encoding="utf-8")
#: Files this test makes in place of the reader's own.
STAND_INS = {"my_contacts.xlsx", "my_headers.yaml"}
_FILE = re.compile(r"\.(csv|xlsx|parquet|ya?ml)$")


def shell_blocks(text: str) -> list[str]:
    """The bodies of the ```sh blocks (indented ones in lists too), indentation removed."""
    blocks = []
    for match in re.finditer(r"^( *)```(?:sh|bash)\n(.*?)^\1```", text, re.S | re.M):
        indent = len(match.group(1))
        blocks.append("\n".join(line[indent:] for line in match.group(2).splitlines()))
    return blocks


def commands(text: str) -> list[tuple[str, bool]]:
    """Each `workbook` command in the shell blocks (continued lines joined), with whether the
    README marks it as failing (a `# fails:` comment)."""
    found = []
    for block in shell_blocks(text):
        for line in block.replace("\\\n", " ").splitlines():
            command, _, comment = line.partition("  #")
            if ".venv/bin/workbook" in command:
                found.append((command.strip(), comment.strip().startswith("fails:")))
    return found


def files_named(command: str) -> list[str]:
    words = shlex.split(command, comments=True)
    return [word for word in words if _FILE.search(word)]


def runnable(command: str) -> bool:
    """Whether this test can run the command: every file it names is in the repository or is
    one of the stand-ins, and a command on the stand-in export gives its column map."""
    named = files_named(command)
    if any(name not in STAND_INS and not (ROOT / name).exists() for name in named):
        return False
    if "--pdf" in command and shutil.which("chromium") is None and not _chromium():
        return False
    return "my_contacts.xlsx" not in named or "my_headers.yaml" in named


def _chromium() -> bool:
    import os

    path = os.environ.get("SERVICE_WORKBOOKS_CHROMIUM")
    return bool(path) and Path(path).exists()


EXAMPLES = [(command, fails) for command, fails in commands(README) if runnable(command)]


@pytest.fixture(scope="session")
def readme_folder(tmp_path_factory) -> Path:
    """A folder holding the stand-ins for the reader's files; the examples run in it."""
    folder = tmp_path_factory.mktemp("readme")
    (map_block,) = [m.group(1) for m in re.finditer(r"```yaml\n(.*?)```", README, re.S)
                    if "demand_class" in m.group(1)]
    (folder / "my_headers.yaml").write_text(map_block, encoding="utf-8")
    theirs = {ours: header for header, ours in yaml.safe_load(map_block).items()}
    log = pd.read_csv(ROOT / "data" / "sample" / "demand.csv", dtype=str, keep_default_na=False)
    log.rename(columns=theirs).to_excel(folder / "my_contacts.xlsx", index=False)
    return folder


def test_the_readme_has_examples_on_the_sample_data():
    # The whole service and one team of team performance, each team, the comparison, and
    # step 3 of "Your own data" with step 2's column map.
    assert len(EXAMPLES) >= 8, EXAMPLES
    assert any("my_contacts.xlsx" in command for command, _ in EXAMPLES)


def test_every_example_on_the_readers_export_gives_the_column_map_from_step_2():
    for command, _ in commands(README):
        if "run demand_study" in command and "my_contacts.xlsx" in command:
            assert "-p column_map my_headers.yaml" in command, command


def test_the_comparison_example_changes_settings_from_their_defaults():
    from workbook_helpers.run.parameters import default_parameters
    from workbook_helpers.run.registry import WORKBOOKS

    defaults = default_parameters(WORKBOOKS["experiment_comparison"])
    for command, _ in commands(README):
        if "run experiment_comparison" in command:
            words = shlex.split(command, comments=True)
            given = {words[i + 1]: words[i + 2] for i, word in enumerate(words) if word == "-p"}
            assert any(str(defaults.get(name)) != value for name, value in given.items()), command


@pytest.mark.parametrize("command, fails", EXAMPLES, ids=[command for command, _ in EXAMPLES])
def test_readme_example_exits_as_the_readme_says(readme_folder, command, fails):
    line = command.replace(".venv/bin/workbook", shlex.quote(str(WORKBOOK)), 1)
    result = subprocess.run(["bash", "-c", line + " --quiet"], cwd=readme_folder, capture_output=True,
                            text=True, timeout=600)
    expected = 2 if fails else 0
    assert result.returncode == expected, result.stderr[-2000:]
    assert "Traceback" not in result.stderr
