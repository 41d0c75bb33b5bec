"""The workbook registry: every workbook declared once, and a workbook declared outside the
suite (here, a tiny one an installed package names under the entry-point group) runs through
`workbook run`, `workbook batch` and the index like the suite's own."""

from __future__ import annotations

import json
import os
import textwrap
from pathlib import Path

import nbformat
import pytest

from conftest import run_cli
from workbook_helpers.exceptions import ParameterError
from workbook_helpers.run.registry import BUILT_IN, ENTRY_POINT_GROUP, WORKBOOKS, Headline, Workbook, get_workbook, register



def test_the_modules_a_kernel_imports_early_are_read_from_the_notebook(tmp_path):
    notebook = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_code_cell("from workbook_helpers.present import charts, icons as i\nimport pandas as pd"),
        nbformat.v4.new_markdown_cell("from workbook_helpers.run import cli"),  # words, not code
        nbformat.v4.new_code_cell("%matplotlib inline\nfrom workbook_helpers.run import batch"),  # magics: skipped
        nbformat.v4.new_code_cell("import workbook_helpers.spc.xmr\nfrom workbook_helpers.present.icons import icon_html"),
        nbformat.v4.new_code_cell("if True:\n    from workbook_helpers.data.loading import load_demand"),
    ])
    path = tmp_path / "tiny.ipynb"
    nbformat.write(notebook, path)
    tiny = Workbook(name="tiny", title="Tiny", notebook_path=path)
    assert tiny.preload == ("workbook_helpers.present.charts", "workbook_helpers.present.icons",
                            "workbook_helpers.spc.xmr", "workbook_helpers.data.loading")
    assert Workbook(name="tiny", title="Tiny", notebook_path=tmp_path / "gone.ipynb").preload == ()
    (tmp_path / "broken.ipynb").write_text("{not a notebook", encoding="utf-8")  # the run says so itself
    assert Workbook(name="tiny", title="Tiny", notebook_path=tmp_path / "broken.ipynb").preload == ()

def test_the_suites_workbooks_in_order():
    assert [w.name for w in BUILT_IN] == ["demand_study", "case_review", "experiment_comparison", "team_performance"]
    assert list(WORKBOOKS)[:4] == [w.name for w in BUILT_IN]
    for workbook in BUILT_IN:
        assert workbook.notebook.is_file(), workbook.name
        assert 1 <= len(workbook.headlines) <= 3


def test_a_workbook_is_found_however_it_is_typed_and_a_wrong_name_lists_them():
    assert get_workbook(" Demand-Study.ipynb ").name == "demand_study"
    with pytest.raises(ParameterError) as raised:
        get_workbook("demand")
    assert str(raised.value) == ('There is no workbook called "demand". The workbooks are: '
                                 + ", ".join(WORKBOOKS) + ".")


def test_a_headline_of_an_unknown_kind_and_a_second_workbook_of_a_name_are_refused():
    with pytest.raises(ParameterError, match="kind 'percent'; the kinds are count, share"):
        Headline("x", "X", "percent")
    with pytest.raises(ParameterError, match='already a workbook called "demand_study"'):
        register(Workbook(name="demand_study", title="Another demand study"))


# --------------------------------------------------------------------------------------------
# A fifth workbook, declared by a package of its own


def _tiny_package(folder: Path) -> dict:
    """A package declaring the workbook "tiny" under the entry-point group, with its notebook;
    the environment that makes Python find it."""
    notebook = nbformat.v4.new_notebook()
    notebook.cells = [
        nbformat.v4.new_code_cell(textwrap.dedent("""\
            team = "all"
            audience = "team"
            privacy = None
            suppress_below = 5
            title = "Tiny workbook"
            answer = 42"""), metadata={"tags": ["parameters"]}),
        nbformat.v4.new_code_cell(textwrap.dedent("""\
            from workbook_helpers.privacy.policy import set_policy
            set_policy(audience, suppress_below, privacy)
            from workbook_helpers.present.notebook import headline_cards, record_summary, say""")),
        nbformat.v4.new_markdown_cell("## The answer"),
        nbformat.v4.new_code_cell('headline_cards([("Answer", str(answer), "worked out")])\n'
                                  'say(f"The answer is {answer}.")'),
        nbformat.v4.new_code_cell('record_summary({"answer": answer}, context={"scope": "every team"})'),
    ]
    notebook.metadata["kernelspec"] = {"name": "service-workbooks", "display_name": "Service Workbooks",
                                       "language": "python"}
    nbformat.write(notebook, folder / "tiny.ipynb")
    (folder / "tiny_workbook.py").write_text(textwrap.dedent(f"""\
        from pathlib import Path
        from workbook_helpers.run.registry import Headline, Workbook

        WORKBOOK = Workbook(
            name="tiny", title="Tiny workbook", short_title="Tiny",
            description="the answer, for a test",
            notebook_path=Path({str(folder / "tiny.ipynb")!r}),
            headlines=(Headline("answer", "Answer", "count"),),
        )
        """), encoding="utf-8")
    info = folder / "tiny_workbook-0.1.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: tiny-workbook\nVersion: 0.1\n", encoding="utf-8")
    (info / "entry_points.txt").write_text(f"[{ENTRY_POINT_GROUP}]\ntiny = tiny_workbook:WORKBOOK\n",
                                           encoding="utf-8")
    return {"PYTHONPATH": os.pathsep.join(filter(None, [str(folder), os.environ.get("PYTHONPATH")]))}


@pytest.fixture(scope="module")
def tiny(tmp_path_factory):
    folder = tmp_path_factory.mktemp("tiny-package")
    return folder, _tiny_package(folder)


def test_a_fifth_workbook_is_listed_in_the_help(tiny):
    _, env = tiny
    result = run_cli("run", "--help", env=env)
    assert "experiment_comparison, team_performance or tiny" in " ".join(result.stdout.split())


def test_a_fifth_workbook_runs_and_writes_its_report(tiny, tmp_path):
    _, env = tiny
    result = run_cli("run", "tiny", "--quiet", "-p", "answer", "7", "--out", str(tmp_path), env=env)
    assert result.returncode == 0, result.stderr
    summary = json.loads((tmp_path / "tiny-all-teams.json").read_text(encoding="utf-8"))
    assert summary["figures"] == {"answer": 7}
    assert summary["context"]["audience"] == "organisation"  # a run's default, as for the others
    page = (tmp_path / "tiny-all-teams.html").read_text(encoding="utf-8")
    assert "The answer is 7." in page and "<h1>Tiny workbook</h1>" in page


def test_a_fifth_workbook_is_batched_and_indexed(tiny, tmp_path):
    _, env = tiny
    plan = tmp_path / "plan.yaml"
    plan.write_text("name: With a fifth\nout: out\nruns:\n  - workbook: tiny\n  - workbook: experiment_comparison\n",
                    encoding="utf-8")
    result = run_cli("batch", str(plan), "--quiet", cwd=tmp_path, env=env)
    assert result.returncode == 0, result.stderr
    index = (tmp_path / "out" / "index.html").read_text(encoding="utf-8")
    assert '<th scope="col">Tiny</th>' in index and '<th scope="col">Before and after</th>' in index
    assert "<dt>Answer</dt><dd>42</dd>" in index
