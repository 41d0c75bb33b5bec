"""The datasets the suite reads, each declared once, as data.

A :class:`Dataset` says everything the rest of the suite needs to know about a kind of data
file: its name, its contract, the function that loads it, its sample file and the function that
draws it, the column-map parameter the workbooks give it, what ``workbook validate`` says about
it, and the workbook it feeds. ``workbook validate`` (its choices, its help and what it prints),
``workbook sample`` (:func:`write_sample`), the data-contract page
(:mod:`workbook_helpers.data.docs`), the workbook registry's ``team_sources`` and ``data_files``
and the tests all read :data:`DATASETS` rather than list the datasets. A loader's own options
(the events' activity map, the demand log's handling-time ceiling) are declared with their dataset
too, as :class:`LoaderOption`: ``workbook validate`` makes its flags, their help and its refusal of
an option given for another dataset from these declarations.

Adding a dataset (see ``docs/adding-a-workbook.md``): declare its contract in
:mod:`workbook_helpers.data.contracts`, its ``load_`` verb in :mod:`workbook_helpers.data.loading`
and its sample in a module of :mod:`workbook_helpers.data.samples`, then add a :class:`Dataset`
here (or :func:`register` one).

The contract, the loader, the sample and the summary are named as ``"module:attribute"`` and
imported when first used, so this module imports nothing heavy: the ``workbook`` command builds
its help without loading pandas.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from importlib import import_module
from pathlib import Path
from typing import Any, Literal

from workbook_helpers.data.samples import DEFAULT_SEED
from workbook_helpers.exceptions import ParameterError

__all__ = [
    "DATASETS", "Dataset", "LoaderOption", "get_dataset", "loader_options", "register", "write_sample",
]

#: How ``workbook validate`` reads an option's value: as a file's path, passed on as given, or as
#: a number above 0 (anything else is refused with the option's example).
READS = ("path", "positive number")
# A dataset's name or a loader option's keyword: what the command line can spell with hyphens.
_NAME = re.compile(r"[a-z][a-z0-9_]*")
# The names ``workbook validate`` gives its own arguments and the loader's common keywords: a
# loader option may not take one.
_VALIDATE_NAMES = frozenset({"dataset", "path", "map", "column_map", "sheet", "help", "command", "version"})


@dataclass(frozen=True)
class LoaderOption:
    """A keyword argument of a dataset's loader that ``workbook validate`` offers as a flag.

    ``keyword``
        The loader's keyword: ``"activity_map"``. The flag is the keyword with hyphens for
        underscores (:attr:`flag`: ``--activity-map``).
    ``metavar``
        What the help shows for the value: ``"MAP.yaml"``, ``"MINUTES"``.
    ``help``
        The option's words in ``workbook validate --help``, which puts the datasets that take it
        first ("events only: ...").
    ``reads``
        How the value is read (:data:`READS`): ``"path"``, a file, passed on as given, or
        ``"positive number"``, a number above 0 (anything else is refused).
    ``example``
        A value to show in a message: the refusal of the option for another dataset, and what a
        bad number should look like (the metavar when not given).
    """

    keyword: str
    metavar: str
    help: str
    reads: Literal["path", "positive number"] = "path"
    example: str = ""

    def __post_init__(self) -> None:
        if not _NAME.fullmatch(self.keyword) or self.keyword in _VALIDATE_NAMES:
            raise ParameterError(
                f'A loader option\'s keyword is lower-case letters, digits and underscores, starting '
                f'with a letter, and not one of {", ".join(sorted(_VALIDATE_NAMES))} (workbook '
                f'validate has those already); "{self.keyword}" is not.')
        if self.reads not in READS:
            raise ParameterError(f'A loader option is read as {" or ".join(READS)}; the option '
                                 f'"{self.keyword}" says "{self.reads}".')

    @property
    def flag(self) -> str:
        """The flag ``workbook validate`` takes it as: ``--`` and the keyword, hyphens for
        underscores."""
        return "--" + self.keyword.replace("_", "-")

    @property
    def example_value(self) -> str:
        return self.example or self.metavar


@dataclass(frozen=True)
class Dataset:
    """A kind of data file the suite reads.

    ``name``
        The dataset's name: the heading of its section on the contract page, the key of its
        sample, what a workbook's declaration names. ``workbook validate`` takes it with hyphens
        for underscores too (:attr:`command`).
    ``what``
        The data in a few words, as a sentence says it: "case events", "a demand log".
    ``workbook``
        The workbook it feeds, as the contract page says it.
    ``contract``
        Its pandera schema (:mod:`workbook_helpers.data.contracts`).
    ``loader``
        The function that loads and checks a file of it: ``loader(path, column_map=...,
        sheet=...)`` (:mod:`workbook_helpers.data.loading`).
    ``column_map``
        The parameter of the workbooks that names its column map.
    ``sample_file``, ``sample``
        The file of the sample data in ``data/sample/``, and the function that makes it:
        ``sample(seed)`` gives the frame as it is written (None for no sample).
    ``summary``
        What ``workbook validate`` prints for a good file, before the notes the loader gave:
        ``summary(frame)`` gives the lines.
    ``described``
        Its words in the help of ``workbook validate``'s DATASET: "one row per case".
    ``validate_note``
        A paragraph for ``workbook validate --help``, if it needs one.
    ``examples``
        What follows ``workbook validate COMMAND`` in the examples of that help.
    ``options``
        The loader's own keyword arguments that ``workbook validate`` offers as flags and passes
        on when given (:class:`LoaderOption`); the command refuses them for other datasets.

    ``contract``, ``loader``, ``sample`` and ``summary`` may be given as the object itself or as
    ``"module:attribute"``, imported when first used.
    """

    name: str
    what: str
    workbook: str
    contract: Any
    loader: Callable | str
    column_map: str
    summary: Callable | str
    described: str
    sample_file: str | None = None
    sample: Callable | str | None = None
    validate_note: str = ""
    examples: tuple[str, ...] = ()
    options: tuple[LoaderOption, ...] = ()

    @property
    def command(self) -> str:
        """What ``workbook validate`` calls it: the name, hyphens for underscores."""
        return self.name.replace("_", "-")

    @property
    def schema(self):
        """The contract (a pandera ``DataFrameSchema``)."""
        return _resolve(self.contract)

    def load(self, path, **options):
        """Load and check a file of this dataset (see its loader for the options)."""
        return _resolve(self.loader)(path, **options)

    def sample_frame(self, seed: int = DEFAULT_SEED):
        """The sample data as it is written to :attr:`sample_file`."""
        return _resolve(self.sample)(seed)

    def summarise(self, frame) -> list[str]:
        """The lines ``workbook validate`` prints for a file that passed, before its notes."""
        return list(_resolve(self.summary)(frame))


def _resolve(reference):
    """An object given as itself or as ``"module:attribute"``."""
    if not isinstance(reference, str):
        return reference
    module, _, attribute = reference.partition(":")
    return getattr(import_module(module), attribute)


# --- what `workbook validate` prints for a file that passed --------------------------------------


def summarise_demand(log) -> list[str]:
    from workbook_helpers.formatting import fmt_date, join_words

    services = sorted(log["service"].dropna().astype(str).unique())
    lines = [f"OK: {len(log):,} rows, from {fmt_date(log['received'].min())} to "
             f"{fmt_date(log['received'].max())}, services {join_words(services)}."]
    unclassified = int(log["demand_class"].isna().sum())
    if unclassified:
        rows = "1 row has" if unclassified == 1 else f"{unclassified:,} rows have"
        lines.append(f"Note: {rows} no demand class (value or failure) yet; reports count "
                     f"{'it' if unclassified == 1 else 'them'} in total demand but not in the value "
                     "and failure shares.")
    return lines


def summarise_events(events) -> list[str]:
    from workbook_helpers.formatting import fmt_date, plural

    cases = events["case_id"].nunique()
    return [f"OK: {plural(len(events), 'event')} for {plural(cases, 'case')}, from "
            f"{fmt_date(events['date'].min())} to {fmt_date(events['date'].max())}."]


def summarise_cases(cases) -> list[str]:
    from workbook_helpers.formatting import plural

    still_open = int(cases["closed"].isna().sum()) if "closed" in cases else len(cases)
    lines = [f"OK: {plural(len(cases), 'case')}, {still_open:,} still open."]
    if "closed" not in cases:
        lines.append("Note: the file has no closed column, so which cases are still open is not known.")
    return lines


def summarise_work_items(items) -> list[str]:
    from workbook_helpers.formatting import fmt_date, plural

    teams = items["team"].nunique()
    still_open = int(items["closed"].isna().sum())
    lines = [f"OK: {plural(len(items), 'work item')} for {plural(teams, 'team')}, opened from "
             f"{fmt_date(items['opened'].min())} to {fmt_date(items['opened'].max())}; "
             f"{still_open:,} still open."]
    without_due = int(items["due"].isna().sum())
    if without_due:
        rows = "1 item has" if without_due == 1 else f"{without_due:,} items have"
        lines.append(f"Note: {rows} no due date.")
    return lines


def summarise_spending(spending) -> list[str]:
    from workbook_helpers.formatting import fmt_money, plural

    teams = spending["team"].nunique()
    first, last = spending["month"].min(), spending["month"].max()
    return [f"OK: {plural(len(spending), 'row')} for {plural(teams, 'team')}, {first:%B %Y} to "
            f"{last:%B %Y}: budget {fmt_money(spending['budget'].sum())}, actual "
            f"{fmt_money(spending['actual'].sum())}."]


def summarise_targets(targets) -> list[str]:
    from workbook_helpers.formatting import plural

    measures = targets["measure"].nunique()
    every_team = int(targets["team"].isna().sum())
    return [f"OK: {plural(len(targets), 'target')} for {plural(measures, 'measure')}, "
            f"{every_team:,} of them for every team."]


def summarise_actions(actions) -> list[str]:
    from workbook_helpers.formatting import fmt_date, plural

    teams = actions["team"].nunique()
    not_done = int(actions["done"].isna().sum())
    return [f"OK: {plural(len(actions), 'action')} for {plural(teams, 'team')}, raised from "
            f"{fmt_date(actions['raised'].min())} to {fmt_date(actions['raised'].max())}; "
            f"{not_done:,} not done yet."]


# --- the datasets ----------------------------------------------------------------------------------

_CONTRACTS = "workbook_helpers.data.contracts"
_LOADING = "workbook_helpers.data.loading"
_SAMPLES = "workbook_helpers.data.samples"

#: The suite's own datasets, in the order the help, the contract page and the sample list them.
BUILT_IN: tuple[Dataset, ...] = (
    Dataset(
        name="demand",
        what="a demand log",
        workbook="demand study",
        contract=f"{_CONTRACTS}:DEMAND_LOG",
        loader=f"{_LOADING}:load_demand",
        column_map="column_map",
        sample_file="demand.csv",
        sample=f"{_SAMPLES}.demand:export_demand",
        summary=summarise_demand,
        described="a demand log",
        examples=("data/sample/demand.csv", 'my_export.xlsx --map my_headers.yaml --sheet "Contacts"'),
        options=(LoaderOption(
            keyword="max_handling_minutes", metavar="MINUTES", reads="positive number", example="480",
            help="handling times above this are noted as worth checking (default: 480, 8 hours; the "
            "demand study's max_handling_minutes)",
        ),),
    ),
    Dataset(
        name="events",
        what="case events",
        workbook="case review",
        contract=f"{_CONTRACTS}:CASE_EVENTS",
        loader=f"{_LOADING}:load_events",
        column_map="column_map",
        sample_file="events.csv",
        sample=f"{_SAMPLES}.case_review:export_case_events",
        summary=summarise_events,
        described="case events, one row per activity",
        validate_note="""\
Case events can name activities in the service's own words ("Care Act assessment", "Home
visit"): a built-in activity map reads common names as assessment, referral, visit, call, meeting,
review, admin, closure or other, and --activity-map adds yours ('local name: kind' lines).""",
        examples=("my_case_events.csv --activity-map my_activities.yaml",),
        options=(LoaderOption(
            keyword="activity_map", metavar="MAP.yaml",
            help="a YAML file of 'local activity name: kind', on top of the built-in one",
        ),),
    ),
    Dataset(
        name="cases",
        what="a cases file",
        workbook="case review",
        contract=f"{_CONTRACTS}:CASES",
        loader=f"{_LOADING}:load_cases",
        column_map="cases_column_map",
        sample_file="cases.csv",
        sample=f"{_SAMPLES}.case_review:export_cases",
        summary=summarise_cases,
        described="one row per case",
        examples=("my_cases.xlsx --map my_case_headers.yaml",),
    ),
    Dataset(
        name="work_items",
        what="work items",
        workbook="team-performance",
        contract=f"{_CONTRACTS}:WORK_ITEMS",
        loader=f"{_LOADING}:load_work_items",
        column_map="column_map",
        sample_file="work_items.csv",
        sample=f"{_SAMPLES}.team_performance:export_work_items",
        summary=summarise_work_items,
        described="one row per case or task",
        validate_note="""\
The team-performance workbook reads four files: work items (cases or tasks, with when each
opened, is due and closed), spending (budget and actual by team and month), targets (for the
team-performance measures) and actions from performance meetings.""",
        examples=('my_caseload.xlsx --sheet "Open and closed"',),
    ),
    Dataset(
        name="spending",
        what="a spending file",
        workbook="team-performance",
        contract=f"{_CONTRACTS}:SPENDING",
        loader=f"{_LOADING}:load_spending",
        column_map="spending_column_map",
        sample_file="spending.csv",
        sample=f"{_SAMPLES}.team_performance:export_spending",
        summary=summarise_spending,
        described="budget and actual by team and month",
        examples=("my_budget_monitoring.csv --map my_finance_headers.yaml",),
    ),
    Dataset(
        name="targets",
        what="a targets file",
        workbook="team-performance",
        contract=f"{_CONTRACTS}:TARGETS",
        loader=f"{_LOADING}:load_targets",
        column_map="targets_column_map",
        sample_file="targets.csv",
        sample=f"{_SAMPLES}.team_performance:export_targets",
        summary=summarise_targets,
        described="one row per measure and team",
        examples=("my_targets.csv",),
    ),
    Dataset(
        name="actions",
        what="an actions file",
        workbook="team-performance",
        contract=f"{_CONTRACTS}:ACTIONS",
        loader=f"{_LOADING}:load_actions",
        column_map="actions_column_map",
        sample_file="actions.csv",
        sample=f"{_SAMPLES}.team_performance:export_actions",
        summary=summarise_actions,
        described="from performance meetings",
        examples=("my_action_log.xlsx",),
    ),
)

#: Every dataset by name, in order: :data:`BUILT_IN`, then any added with :func:`register`.
DATASETS: dict[str, Dataset] = {dataset.name: dataset for dataset in BUILT_IN}


def register(dataset: Dataset) -> Dataset:
    """Add a dataset for this process: ``workbook validate``, ``workbook sample`` and the contract
    page take it up."""
    if not _NAME.fullmatch(dataset.name):
        raise ParameterError(
            f'A dataset\'s name is lower-case letters, digits and underscores, starting with a '
            f'letter (the command line spells its underscores as hyphens); "{dataset.name}" is not.')
    known = DATASETS.get(dataset.name)
    if known is not None and known != dataset:
        raise ParameterError(f'There is already a dataset called "{dataset.name}".')
    for option in dataset.options:
        for other in DATASETS.values():
            declared = next((o for o in other.options if o.keyword == option.keyword), None)
            if other.name != dataset.name and declared is not None and declared != option:
                raise ParameterError(
                    f'The dataset "{other.name}" already takes {option.flag}, declared otherwise: '
                    f'a flag of workbook validate means one thing for every dataset that takes it.')
    DATASETS[dataset.name] = dataset
    return dataset


def loader_options() -> dict[str, tuple[LoaderOption, tuple[Dataset, ...]]]:
    """Every loader option a dataset declares, by keyword, with the datasets that take it, in
    the order of :data:`DATASETS`: what ``workbook validate`` offers beyond its own arguments."""
    found: dict[str, tuple[LoaderOption, tuple[Dataset, ...]]] = {}
    for dataset in DATASETS.values():
        for option in dataset.options:
            first, takers = found.get(option.keyword, (option, ()))
            found[option.keyword] = (first, (*takers, dataset))
    return found


def get_dataset(name: str) -> Dataset:
    """The dataset called ``name`` (hyphens or underscores); a :class:`ParameterError` lists the
    known ones otherwise."""
    key = name.strip().lower().replace("-", "_")
    if key not in DATASETS:
        raise ParameterError(f'There is no dataset called "{name}". The datasets are: '
                             + ", ".join(dataset.command for dataset in DATASETS.values()) + ".")
    return DATASETS[key]


def write_sample(out_dir: str | Path = "data/sample", seed: int = DEFAULT_SEED) -> list[Path]:
    """Write the sample file of every dataset that has one, as a UK case-management system would
    export it.

    Each file is UTF-8 without a byte-order mark, with a header row and anything missing as an
    empty field. In the demand log ``received`` is written day first (``03/04/2024 09:15``),
    ``one_stop`` as ``yes``, ``no`` or blank and ``handling_minutes`` as whole numbers. In the
    case events ``date`` is written day first (``03/04/2024``), ``hours`` with two decimals and
    ``face_to_face`` and ``value_work`` as ``yes``, ``no`` or blank; in the cases ``opened`` and
    ``closed`` are day first and ``predicted_return`` and ``returned`` are ``yes``, ``no`` or
    blank. In the team-performance files every date is day first (``03/04/2024``) and blank when
    missing, spending's ``month`` is ``2024-04``, ``budget`` in whole pounds and ``actual`` in
    pounds and pence, and targets have no trailing zeros (``0.9``). The bytes are the same on
    every run for the same seed (numpy does not promise the same random streams across its own
    major versions, so an upgrade may mean regenerating).

    Parameters
    ----------
    out_dir:
        The folder to write into; created if it does not exist.
    seed:
        Seed passed to each dataset's sample function.

    Returns
    -------
    list[pathlib.Path]
        The paths written, in the order of :data:`DATASETS`.
    """
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    paths = []
    for dataset in DATASETS.values():
        if dataset.sample is None or dataset.sample_file is None:
            continue
        path = out / dataset.sample_file
        dataset.sample_frame(seed).to_csv(path, index=False, encoding="utf-8", lineterminator="\n")
        paths.append(path)
    return paths
