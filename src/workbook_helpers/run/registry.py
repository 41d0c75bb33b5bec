"""The workbooks the suite knows, each declared once, as data.

A :class:`Workbook` says everything the rest of the suite needs to know about a workbook: its
name and titles, its notebook, which parameters name files it reads, where ``--each-team``
finds the teams, its free-text parameter, and the headline figures the batch index shows. The
runner (:mod:`workbook_helpers.run.execute`), the CLI's help, the batch plan checker, the index
page, the tests and the benchmarks all read :data:`WORKBOOKS`; none of them lists the workbooks
by name. What the kernel imports early is read from the notebook (:attr:`Workbook.preload`).

Adding a workbook (see ``docs/adding-a-workbook.md``): write its notebook, declare it here (a
workbook of this suite) or in a module of your own that an installed package names under the
entry-point group ``service_workbooks.workbooks`` (``tiny = my_package.tiny:WORKBOOK``), and it
can be run, batched and indexed like the four below.

This module imports nothing heavy, so the runner can check parameters without loading pandas.
"""

from __future__ import annotations

import ast
import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from workbook_helpers.exceptions import ParameterError
from workbook_helpers.data.inputs import project_folder

__all__ = [
    "ENTRY_POINT_GROUP", "HEADLINE_KINDS", "Headline", "Workbook", "WORKBOOKS", "BUILT_IN",
    "register", "get_workbook", "notebooks_folder",
]

#: The entry-point group a package names its workbooks under.
ENTRY_POINT_GROUP = "service_workbooks.workbooks"
#: How a headline figure is written on the index page (see :mod:`workbook_helpers.report.index`).
HEADLINE_KINDS = ("count", "share", "number", "items", "spending")


@dataclass(frozen=True)
class Headline:
    """One headline figure of a workbook's JSON summary, as the batch index shows it: the key in
    the summary's ``figures``, its label, and its kind (one of :data:`HEADLINE_KINDS`: a count,
    a share, a number to one decimal place, how many items a list or mapping holds, or spending
    against budget)."""

    key: str
    label: str
    kind: str = "count"

    def __post_init__(self) -> None:
        if self.kind not in HEADLINE_KINDS:
            raise ParameterError(
                f"The headline figure {self.key!r} has kind {self.kind!r}; the kinds are "
                f"{', '.join(HEADLINE_KINDS)}."
            )


@dataclass(frozen=True)
class Workbook:
    """A workbook the suite knows.

    ``name``
        What users type (``workbook run demand_study``); also the notebook's file name and the
        output files' first word.
    ``title``, ``description``
        For reports and help; ``short_title`` heads the workbook's column on the index page.
    ``data_parameters``
        The parameters that name files a run reads (data files and column maps): checked to
        exist and made absolute before a run, and fingerprinted in a batch's manifest.
    ``team_sources``
        Where ``--each-team`` finds the teams: (data parameter, dataset of
        :data:`workbook_helpers.data.datasets.DATASETS`, column-map parameter); the first whose
        file is given wins. Empty for a workbook with no ``team`` parameter.
    ``setting_files``
        Settings given either as values or as the path of a YAML file holding them.
    ``data_files``
        Each data file: (data parameter, its column-map parameter, its dataset). An error about
        a file names the parameter that maps its headers and the command that lists all its
        problems.
    ``free_text``
        The parameters that ask for free text (people's own words), which only the team's
        report shows.
    ``headlines``
        Up to three figures of its summary for the batch index.
    ``notebook_path``
        Where its notebook is, when not ``notebooks/<name>.ipynb`` in the project folder (a
        workbook declared outside the suite).
    """

    name: str
    title: str
    description: str = ""
    data_parameters: tuple[str, ...] = ()
    team_sources: tuple[tuple[str, str, str], ...] = ()
    setting_files: tuple[str, ...] = ()
    data_files: tuple[tuple[str, str, str], ...] = ()
    free_text: tuple[str, ...] = ()
    headlines: tuple[Headline, ...] = ()
    short_title: str | None = None
    notebook_path: Path | None = None

    def input_files(self, parameters: dict) -> list[str]:
        """The parameters that name files a run reads: the data parameters, and the settings
        given as a YAML file."""
        return [*self.data_parameters,
                *(name for name in self.setting_files if is_settings_file(parameters.get(name)))]

    @property
    def notebook(self) -> Path:
        return Path(self.notebook_path) if self.notebook_path else notebooks_folder() / f"{self.name}.ipynb"

    @property
    def index_title(self) -> str:
        return self.short_title or self.title

    @property
    def preload(self) -> tuple[str, ...]:
        """The suite's modules its notebook imports, read from the notebook itself, for the kernel
        to import while the runner gets ready (nothing to keep in step by hand)."""
        path = self.notebook
        try:
            return _suite_imports(path, path.stat().st_mtime_ns)
        except (OSError, ValueError):  # no notebook, or not one: the run says so in its own words
            return ()


def is_settings_file(value: object) -> bool:
    """Whether a setting's value names a YAML file (``changes.yaml``) rather than giving the
    setting itself."""
    return isinstance(value, str) and value.strip().lower().endswith((".yaml", ".yml"))


@lru_cache(maxsize=32)
def _suite_imports(notebook: Path, _modified: int) -> tuple[str, ...]:
    """The ``workbook_helpers`` modules a notebook's code cells import, in the order first met
    (``from workbook_helpers.present import charts`` names the module ``...present.charts``)."""
    package = Path(__file__).resolve().parents[1]

    def is_module(dotted: str) -> bool:
        where = package.joinpath(*dotted.split(".")[1:])
        return where.with_suffix(".py").is_file() or (where / "__init__.py").is_file()

    found: dict[str, None] = {}
    for cell in json.loads(notebook.read_text(encoding="utf-8")).get("cells", []):
        if cell.get("cell_type") != "code":
            continue
        source = cell.get("source", "")
        try:
            tree = ast.parse("".join(source) if isinstance(source, list) else source)
        except SyntaxError:  # a cell with IPython magics: not ours to read
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                names = [f"{node.module}.{alias.name}" if is_module(f"{node.module}.{alias.name}")
                         else node.module for alias in node.names]
            else:
                continue
            found.update(dict.fromkeys(
                name for name in names if name.startswith("workbook_helpers.") and is_module(name)))
    return tuple(found)


def notebooks_folder() -> Path:
    return project_folder() / "notebooks"


#: The suite's own workbooks, in the order the index and the help list them.
BUILT_IN: tuple[Workbook, ...] = (
    Workbook(
        name="demand_study",
        title="Demand study",
        description="value and failure demand by service and channel, one-stop resolution, "
        "capacity lost to failure demand, and how predictable demand is",
        data_parameters=("demand_path", "column_map"),
        team_sources=(("demand_path", "demand", "column_map"),),
        data_files=(("demand_path", "column_map", "demand"),),
        free_text=("show_what_matters",),
        setting_files=("rebase", "annotations"),
        headlines=(
            Headline("total_demand", "Demand", "count"),
            Headline("failure_demand_share", "Failure demand", "share"),
            Headline("one_stop_share", "Resolved at first contact", "share"),
        ),
    ),
    Workbook(
        name="case_review",
        title="Case review",
        description="the end-to-end flow of each case: assessments, referrals, people, handoffs, "
        "hours, face-to-face time, end-to-end time, rework and expected returns",
        data_parameters=("events_path", "cases_path", "activity_map", "column_map", "cases_column_map"),
        # A case's team is its lead team, from the cases file; the events name every
        # practitioner's team.
        team_sources=(("cases_path", "cases", "cases_column_map"),
                      ("events_path", "events", "column_map")),
        data_files=(("events_path", "column_map", "events"), ("cases_path", "cases_column_map", "cases")),
        headlines=(
            Headline("cases", "Cases", "count"),
            Headline("total_hours_median", "Hours per case (median)", "number"),
            Headline("face_to_face_share", "Face-to-face time", "share"),
        ),
    ),
    Workbook(
        name="experiment_comparison",
        title="Before and after",
        description="a team's new way of working against the standard way: every measure per case, "
        "the change, how sure we can be of it, and a sentence a director can repeat",
        data_parameters=("events_path", "cases_path", "measures_path", "activity_map", "column_map",
                         "cases_column_map", "measure_config"),
        data_files=(("events_path", "column_map", "events"), ("cases_path", "cases_column_map", "cases")),
        headlines=(
            Headline("n_before", "Cases before", "count"),
            Headline("n_after", "Cases after", "count"),
            Headline("changes", "Measures compared", "items"),
        ),
    ),
    Workbook(
        name="team_performance",
        title="Team performance",
        description="every team's outstanding and upcoming work, effectiveness, spending against "
        "budget and meeting actions, on process-behaviour charts with Making Data Count icons",
        data_parameters=("work_items_path", "spending_path", "targets_path", "actions_path",
                         "column_map", "spending_column_map", "targets_column_map", "actions_column_map"),
        team_sources=(("work_items_path", "work_items", "column_map"),),
        data_files=(("work_items_path", "column_map", "work_items"),
                    ("spending_path", "spending_column_map", "spending"),
                    ("targets_path", "targets_column_map", "targets"),
                    ("actions_path", "actions_column_map", "actions")),
        free_text=("show_action_text",),
        setting_files=("rebase", "annotations"),
        headlines=(
            Headline("open_items", "Open work items", "count"),
            Headline("overdue_items", "Overdue", "count"),
            Headline("spend_variance_ytd", "Spending, year to date", "spending"),
        ),
    ),
)


class _Registry(Mapping):
    """The workbooks by name: the suite's own, then those installed packages declare under
    :data:`ENTRY_POINT_GROUP`, looked for once, the first time anything asks."""

    def __init__(self, built_in: tuple[Workbook, ...]) -> None:
        self._workbooks: dict[str, Workbook] = {workbook.name: workbook for workbook in built_in}
        self._looked = False

    def _all(self) -> dict[str, Workbook]:
        if not self._looked:
            self._looked = True
            self._load_entry_points()
        return self._workbooks

    def _load_entry_points(self) -> None:
        from importlib.metadata import entry_points

        for entry in entry_points(group=ENTRY_POINT_GROUP):
            try:
                declared = entry.load()
            except Exception as error:  # a broken plug-in must not stop the suite's own workbooks
                raise ParameterError(
                    f'The workbook "{entry.name}" declared by an installed package ({entry.value}) '
                    f"could not be loaded: {error}"
                ) from error
            if not isinstance(declared, Workbook):
                raise ParameterError(
                    f'The workbook "{entry.name}" declared by an installed package ({entry.value}) '
                    "is not a workbook_helpers.run.registry.Workbook."
                )
            self.add(declared)

    def add(self, workbook: Workbook) -> Workbook:
        if workbook.name in self._workbooks and self._workbooks[workbook.name] != workbook:
            raise ParameterError(f'There is already a workbook called "{workbook.name}".')
        self._workbooks[workbook.name] = workbook
        return workbook

    def __getitem__(self, name: str) -> Workbook:
        return self._all()[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._all())

    def __len__(self) -> int:
        return len(self._all())


#: Every workbook by name, in order: :data:`BUILT_IN`, then any an installed package declares.
WORKBOOKS = _Registry(BUILT_IN)


def register(workbook: Workbook) -> Workbook:
    """Add a workbook for this process (a package's entry point does it for every process)."""
    WORKBOOKS._all()  # the installed ones first, so a clash of names is found either way
    return WORKBOOKS.add(workbook)


def get_workbook(name: str) -> Workbook:
    """The workbook called ``name`` (any case; hyphens or spaces for underscores, a trailing
    ``.ipynb`` allowed); a :class:`ParameterError` lists the known ones otherwise, and says so
    when its notebook is missing."""
    key = name.strip().lower().replace("-", "_").replace(" ", "_").removesuffix(".ipynb")
    if key not in WORKBOOKS:
        known = ", ".join(WORKBOOKS)
        raise ParameterError(f'There is no workbook called "{name}". The workbooks are: {known}.')
    workbook = WORKBOOKS[key]
    if not workbook.notebook.is_file():
        raise ParameterError(
            f"The {workbook.name} notebook is missing from {workbook.notebook.parent}. "
            "Set SERVICE_WORKBOOKS_HOME to the folder that holds notebooks/."
        )
    return workbook
