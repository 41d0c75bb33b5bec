"""The ``workbook`` command: run a workbook, check a data file, write the sample data.

Exit codes: 0 done; 1 a workbook failed while it ran (for a batch: any run failed); 2 bad data,
bad parameters or a bad batch plan (nothing was written); 130 or 143 a batch stopped by Ctrl-C or
SIGTERM.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from workbook_helpers.exceptions import DataError, ParameterError, WorkbookError

_DESCRIPTION = """\
Service Workbooks: study a public service from its own data, and get a report a director can open.

Start with the sample data:
  workbook run demand_study                  report for all teams, written to reports/
  workbook run demand_study --each-team      one report per team, plus one for all teams
  workbook run case_review -p cohort after   the case review of one cohort of cases

Every workbook for every team, in parallel, with an index page:
  workbook batch data/sample/batch.yaml

Then your own data:
  workbook validate demand my_contacts.xlsx --map my_headers.yaml
  workbook run demand_study -p demand_path my_contacts.xlsx -p column_map my_headers.yaml

Type `workbook COMMAND --help` for more on a command.
"""

_RUN_HELP = """\
Runs a workbook on your data and writes three files to the output folder, named after the
workbook and the team: the report (.html, to e-mail or open offline), the executed notebook
(.ipynb) and the headline figures (.json).

Parameters are the settings at the top of the workbook (demand_path, team, period_start, ...).
Give each as  -p NAME VALUE , or put them in a YAML file and give  -f FILE .

The team is "all" for the whole service, or a team's name; a team that is itself called
"All" is  -p team team:All  (plain "all" always means the whole service).

Reports are for directors and managers of the organisation unless  -p audience  says otherwise:
team (each case shown, for the team doing the work) or public (small numbers hidden too).

examples:
  workbook run demand_study -p team "Repairs North"
  workbook run experiment_comparison -p audience public
  workbook run demand_study -p demand_path data/contacts.csv -p period_start 2024-04-01
  workbook run demand_study -f my_study.yaml --out reports/2024-11
"""

_BATCH_HELP = """\
Runs every run a batch plan lists, side by side, each in its own kernel, and writes
OUT/<team>/<workbook>.html|.ipynb|.json for each, OUT/manifest.json (what ran, when, on which
inputs) and OUT/index.html (every report with its headline figures). One run failing does not stop
the others; the table at the end says which failed and why, and the command exits 1 if any did.

Running the same plan again skips the runs whose data, parameters and suite version are unchanged
since they succeeded; a batch stopped part way (Ctrl-C) picks up where it left off.

The plan (YAML):
  name: 2024-11
  out: reports/2024-11            # from the folder you run the command in
  timeout_minutes: 30             # per run (default 60)
  defaults: {period_end: 2024-10-31}   # for every workbook that has the parameter
  runs:
    - workbook: demand_study
      parameters: {demand_path: data/demand.xlsx, column_map: maps/contact_centre.yaml}
      teams: [all]                # the service-wide report...
      for_each_team: true         # ...and one per team in the data's team column
    - workbook: team_performance
      parameters: {team: all}

File paths in a plan are looked for next to the plan first, then from the current folder.

examples:
  workbook batch data/sample/batch.yaml
  workbook batch plans/2024-11.yaml --only "repairs*" --workers 4
  workbook batch plans/2024-11.yaml --dask tcp://scheduler.internal:8786
"""

_VALIDATE_INTRO = """\
Checks a data file against what the workbook needs, without running anything. Prints OK with a
short description of the data, or every problem found with the rows to look at (numbered as
your spreadsheet numbers them, the header being row 1). Notes follow for what is accepted but
worth checking: rows that repeat an earlier row exactly, handling times over 8 hours, activities
or a worker's day of more than 24 hours, and dates after today.
"""

def _validate_help(datasets) -> str:
    """The description of `workbook validate`: what it does, each dataset's note, examples."""
    notes = [dataset.validate_note for dataset in datasets if dataset.validate_note]
    examples = [f"  workbook validate {dataset.command} {example}"
                for dataset in datasets for example in dataset.examples]
    return "\n".join([_VALIDATE_INTRO, *(note + "\n" for note in notes), "examples:", *examples]) + "\n"


def _dataset_help(datasets) -> str:
    """The help of validate's DATASET: each dataset's command and words, by the workbook it feeds."""
    by_workbook: dict[str, list[str]] = {}
    for dataset in datasets:
        by_workbook.setdefault(dataset.workbook, []).append(f"{dataset.command} ({dataset.described})")
    groups = [f"for the {workbook} workbook, " + _or_words(names)
              for workbook, names in by_workbook.items()]
    return "what kind of data the file holds: " + "; ".join(groups)


def _or_words(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " or " + items[-1]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="workbook", description=_DESCRIPTION, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--version", action="store_true", help="print the version and stop")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    run = commands.add_parser(
        "run", help="run a workbook and write its report", description=_RUN_HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    from workbook_helpers.run.registry import WORKBOOKS  # the one place the workbooks are declared

    names = list(WORKBOOKS)
    run.add_argument("workbook", metavar="WORKBOOK",
                     help="which workbook: " + (", ".join(names[:-1]) + " or " + names[-1]
                                                if len(names) > 1 else names[0]))
    run.add_argument("-p", "--parameter", nargs=2, action="append", default=[], metavar=("NAME", "VALUE"),
                     help="set a parameter (numbers, True, False and None are understood)")
    run.add_argument("-r", "--raw", nargs=2, action="append", default=[], metavar=("NAME", "VALUE"),
                     help="set a parameter to text exactly as given")
    run.add_argument("-y", "--yaml", action="append", default=[], metavar="YAML",
                     help="set parameters from YAML text, e.g. -y \"team: Revenues\"")
    run.add_argument("-f", "--file", action="append", default=[], metavar="FILE",
                     help="set parameters from a YAML file")
    run.add_argument("--out", default="reports", metavar="DIR", help="folder to write to (default: reports)")
    run.add_argument("--each-team", action="store_true",
                     help="one run for each team in the data, plus one for all teams")
    run.add_argument("--pdf", action="store_true",
                     help="also write the report as a PDF (A4, as printed; needs the Chromium browser)")
    run.add_argument("--quiet", action="store_true", help="no progress bar")
    run.add_argument("--timeout", type=_positive_minutes, default=None, metavar="MINUTES",
                     help="time limit for each run: one still going then (a cell that never finishes, "
                     "say) is stopped and fails, naming the cell (default: 60)")

    # the one place the datasets are declared
    from workbook_helpers.data.datasets import DATASETS, loader_options

    datasets = list(DATASETS.values())
    validate = commands.add_parser(
        "validate", help="check a data file and list any problems", description=_validate_help(datasets),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    validate.add_argument(
        "dataset", choices=list(dict.fromkeys(name for dataset in datasets
                                              for name in (dataset.command, dataset.name))),
        metavar="DATASET", help=_dataset_help(datasets),
    )
    validate.add_argument("path", help="the file: CSV, Excel (.xlsx) or Parquet")
    validate.add_argument("--map", metavar="MAP.yaml", help="column map: a YAML file of 'their header: our column'")
    validate.add_argument("--sheet", help="Excel only: the sheet to read (default: the first)")
    # The options only some datasets' loaders take, as the dataset registry declares them.
    for option, takers in loader_options().values():
        validate.add_argument(
            option.flag, dest=option.keyword, metavar=option.metavar, type=_reader(option),
            help=_or_words([dataset.command for dataset in takers]) + " only: " + option.help,
        )

    batch = commands.add_parser(
        "batch", help="run every workbook in a plan for every team, in parallel, with an index page",
        description=_BATCH_HELP, formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    batch.add_argument("plan", metavar="PLAN.yaml", help="the batch plan")
    batch.add_argument("--workers", type=_positive_int, metavar="N",
                       help="runs at once on this machine (default: the number of CPU cores)")
    batch.add_argument("--only", action="append", default=[], metavar="PATTERN",
                       help="only the runs matching PATTERN: a team, a workbook or TEAM-FOLDER/WORKBOOK, "
                       "* and ? allowed (give it more than once for more)")
    batch.add_argument("--force", action="store_true", help="run again even the runs that are unchanged")
    batch.add_argument("--dask", metavar="ADDRESS",
                       help="run on an existing Dask cluster, e.g. tcp://10.0.0.5:8786, instead of here")
    batch.add_argument("--timeout", type=float, metavar="MINUTES",
                       help="time limit for each run that sets none of its own (default: the plan's, or 60)")
    batch.add_argument("--out", metavar="DIR", help="output folder instead of the plan's out")
    batch.add_argument("--quiet", action="store_true", help="no progress display")

    sample = commands.add_parser(
        "sample", help="write the sample data (the same every time)",
        description="Writes the synthetic sample data the workbooks run on by default.",
    )
    sample.add_argument("--out", default="data/sample", metavar="DIR", help="folder (default: data/sample)")
    sample.add_argument("--seed", type=int, default=2024, help="random seed (default: 2024)")
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.version:
        from workbook_helpers import __version__

        print(f"Service Workbooks {__version__}")
        return 0
    if not args.command:  # a command is needed: say which there are, as a usage error
        parser.print_help(sys.stderr)
        return 2
    try:
        if args.command == "run":
            return _run(args)
        if args.command == "validate":
            return _validate(args)
        if args.command == "batch":
            return _batch(args)
        return _sample(args)
    except WorkbookError as error:
        # validate never writes, so it has nothing to say about what was left behind
        print(describe_failure(error, None if args.command == "validate" else "Nothing was written."),
              file=sys.stderr)
        return error.exit_code
    except KeyboardInterrupt:
        print("Stopped. No report was left half-written.", file=sys.stderr)
        return 130


def parse_value(text: str):
    """Read a -p value as papermill does: True/False/None, whole numbers and decimals; else text."""
    if text in {"True", "true"}:
        return True
    if text in {"False", "false"}:
        return False
    if text in {"None", "none", "null"}:
        return None
    for kind in (int, float):
        try:
            return kind(text)
        except ValueError:
            pass
    return text


def collect_parameters(args: argparse.Namespace) -> dict:
    import yaml

    parameters: dict = {}
    for file in args.file:
        path = Path(file)
        if not path.is_file():
            raise ParameterError(f"The parameters file {file} does not exist.")
        loaded = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        if not isinstance(loaded, dict):
            raise ParameterError(f"The parameters file {file} should hold lines like 'team: Revenues'.")
        parameters.update(loaded)
    for text in args.yaml:
        loaded = yaml.safe_load(text) or {}
        if not isinstance(loaded, dict):
            raise ParameterError(f"-y should be given YAML like \"team: Revenues\", not {text!r}.")
        parameters.update(loaded)
    parameters.update({name: value for name, value in args.raw})
    parameters.update({name: parse_value(value) for name, value in args.parameter})
    return parameters


def describe_failure(error: WorkbookError, what: str | None = "Nothing was written.") -> str:
    """The paragraph a user sees for a failed command: the problem, then what it left behind
    (``what``; None for a command that writes nothing anyway)."""
    lines = [str(error), *getattr(error, "details", [])]
    if isinstance(error, (DataError, ParameterError)):
        lines += [what] if what else []
    else:
        lines.append("No report was written.")
    return "\n".join(lines)


def _run(args: argparse.Namespace) -> int:
    from workbook_helpers.run.execute import run_workbook
    from workbook_helpers.run.parameters import DEFAULT_TIMEOUT_MINUTES
    from workbook_helpers.run.registry import get_workbook
    from workbook_helpers.run.parameters import teams_in_data
    from workbook_helpers.run.naming import distinct_single_run_stems
    from workbook_helpers.data.teams import WHOLE_SERVICE, chosen_team, team_parameter

    workbook = get_workbook(args.workbook)
    time_limit = 60 * (args.timeout or DEFAULT_TIMEOUT_MINUTES)
    parameters = collect_parameters(args)
    if args.pdf:
        from workbook_helpers.report.pdf import find_chromium

        find_chromium()  # say what to install before anything runs
    runs = [parameters]
    notes = []
    if args.each_team:
        given = parameters.get("team")
        if given is not None and str(given).strip() and chosen_team(given) is not None:
            notes.append(f'team = "{parameters["team"]}" was given with --each-team, which writes a report for '
                         "every team and one for the whole service, so it was not used.")
            print(f"Note: {notes[0]}", file=sys.stderr)
        teams = teams_in_data(workbook, parameters)
        # A team called "All" is run as team:All, so it is not a second whole-service report.
        runs = [{**parameters, "team": WHOLE_SERVICE}] + [
            {**parameters, "team": team_parameter(team)} for team in teams]
    stems = distinct_single_run_stems(workbook.name, runs)
    if len(runs) == 1:
        written, failed = [run_workbook(workbook.name, parameters, out_dir=args.out, progress=not args.quiet,
                                        pdf=args.pdf, time_limit=time_limit)], []
    else:
        # One team's failure does not stop the others; each is reported at the end.
        written, failed = [], []
        for number, run_parameters in enumerate(runs, 1):
            team = chosen_team(run_parameters.get("team")) or "all teams"
            print(f"[{number}/{len(runs)}] {workbook.name}: {team}", file=sys.stderr)
            try:
                written.append(run_workbook(
                    workbook.name, run_parameters, out_dir=args.out, progress=not args.quiet,
                    stem=stems[number - 1], pdf=args.pdf, time_limit=time_limit, notes=notes,
                ))
            except WorkbookError as error:
                failed.append((team, error))
    if written:
        print("Written:")
        for result in written:
            for path in result.paths:
                print(f"  {path}")
        print(f"Open {written[0].html} in a web browser to read the report.")
    for team, error in failed:
        print(f"\nFailed for {team}:\n" + describe_failure(error, "No report was written for it."), file=sys.stderr)
    return max((error.exit_code for _, error in failed), default=0)


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"should be a whole number of at least 1, not {text!r}")
    return value


def _above_zero(text: str) -> float | None:
    try:
        value = float(text)
    except ValueError:
        return None
    return value if value > 0 and value != float("inf") else None


def _positive_minutes(text: str) -> float:
    value = _above_zero(text)
    if value is None:
        raise argparse.ArgumentTypeError(f"a time limit is a number of minutes above 0, such as 30; {text!r} is not")
    return value


def _reader(option):
    """How validate reads a loader option's value (see ``LoaderOption.reads``)."""
    if option.reads == "path":
        return str

    def positive_number(text: str) -> float:
        value = _above_zero(text)
        if value is None:
            raise argparse.ArgumentTypeError(
                f"should be a number above 0, such as {option.example_value}, not {text!r}")
        return value

    return positive_number


def _batch(args: argparse.Namespace) -> int:
    from workbook_helpers.run.batch import run_batch
    from workbook_helpers.run.plan import load_plan
    from workbook_helpers.run.progress import Progress, end_table

    plan = load_plan(args.plan, out=args.out, timeout_minutes=args.timeout)
    result = run_batch(
        plan, workers=args.workers, only=args.only, force=args.force, dask_address=args.dask,
        progress=None if args.quiet else Progress(plan.name),
    )
    print(end_table(result))
    if result.stopped_by is not None:
        how = "Ctrl-C" if result.exit_code == 130 else "a request to stop (SIGTERM)"
        left = f"{len(result.left)} run{'' if len(result.left) == 1 else 's'} {'is' if len(result.left) == 1 else 'are'}"
        again = "the command again without --force" if args.force else "the same command again"
        print(f"\nStopped by {how}. No report was left half-written. {left} left: run {again} "
              "to do them.", file=sys.stderr)
        for key in result.left:
            print(f"  {key}", file=sys.stderr)
    print(f"\nOpen {result.index} in a web browser for every report.")
    return result.exit_code


def _validate(args: argparse.Namespace) -> int:
    from workbook_helpers.data.datasets import get_dataset, loader_options

    dataset = get_dataset(args.dataset)
    options = {}
    for option, takers in loader_options().values():
        value = getattr(args, option.keyword)
        if value is None:
            continue
        if dataset not in takers:
            raise ParameterError(
                f"{option.flag} is for {_or_words([taker.what for taker in takers])} only: workbook "
                f"validate {takers[0].command} FILE {option.flag} {option.example_value}")
        options[option.keyword] = value
    frame = dataset.load(args.path, column_map=args.map, sheet=_sheet(args.sheet), **options)
    for line in dataset.summarise(frame):
        print(line)
    for warning in frame.attrs.get("warnings", []):
        print(f"Note: {warning}")
    return 0


def _sheet(value: str | None):
    return int(value) if value is not None and value.isdigit() else value


def _sample(args: argparse.Namespace) -> int:
    from workbook_helpers.data.datasets import write_sample

    for path in write_sample(args.out, seed=args.seed):
        print(f"Wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
