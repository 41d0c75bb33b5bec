"""The dataset registry (:mod:`workbook_helpers.data.datasets`) is what ``workbook validate``,
``workbook sample``, the contract page and the workbook registry read: every dataset declared
there has a validate choice, a sample file and a section on the page, and a dataset declared only
in this test is taken up by all of them."""

from __future__ import annotations

import pandas as pd
import pandera.pandas as pa
import pytest

from conftest import ROOT
from workbook_helpers.data.datasets import (
    DATASETS,
    Dataset,
    LoaderOption,
    get_dataset,
    register,
    write_sample,
)
from workbook_helpers.data.docs import contracts_page
from workbook_helpers.data.loading import load_table
from workbook_helpers.exceptions import ParameterError
from workbook_helpers.run import cli
from workbook_helpers.run.registry import WORKBOOKS

TINY_CONTRACT = pa.DataFrameSchema(
    name="tiny things",
    description="One row per tiny thing.",
    columns={
        "thing": pa.Column(nullable=False, description="the thing",
                           metadata={"required": True, "kind": "text"}),
        "size": pa.Column(nullable=True, required=False, description="how big it is",
                          metadata={"required": False, "kind": "number"}),
    },
)


def load_tiny(path, column_map=None, sheet=None, largest_size=None):
    things = load_table(path, TINY_CONTRACT, column_map=column_map, sheet=sheet)
    if largest_size is not None:
        big = things["thing"][things["size"] > largest_size].tolist()
        things.attrs["warnings"] = [f"bigger than {largest_size!r}: {', '.join(big)}"]
    return things


TINY = Dataset(
    name="tiny_things",
    what="a file of tiny things",
    workbook="tiny study",
    contract=TINY_CONTRACT,
    loader=load_tiny,
    column_map="tiny_column_map",
    summary=lambda frame: [f"OK: {len(frame)} tiny things."],
    described="one row per tiny thing",
    sample_file="tiny_things.csv",
    sample=lambda seed: pd.DataFrame({"thing": ["pin", "bead"], "size": [seed % 7, 2]}),
    validate_note="Tiny things are for this test only.",
    examples=("my_tiny_things.csv",),
    options=(LoaderOption(keyword="largest_size", metavar="SIZE", reads="positive number", example="5",
                          help="things bigger than this are noted"),),
)


@pytest.fixture
def tiny():
    register(TINY)
    yield TINY
    del DATASETS[TINY.name]


def validate_help() -> str:
    subcommands = next(action for action in cli.build_parser()._actions
                       if action.dest == "command").choices
    return subcommands["validate"].format_help()


def test_every_dataset_has_a_validate_choice_a_sample_file_and_a_section_on_the_page() -> None:
    help_text = validate_help()
    page = contracts_page()
    sample_files = [dataset.sample_file for dataset in DATASETS.values()]
    assert len(DATASETS) == 7 and len(set(sample_files)) == 7
    for name, dataset in DATASETS.items():
        assert cli.build_parser().parse_args(["validate", dataset.command, "x.csv"]).dataset == dataset.command
        assert f"workbook validate {dataset.command} " in help_text, name
        assert f"{dataset.command} ({dataset.described})" in " ".join(help_text.split()), name
        assert f"## `{name}`: `workbook validate {dataset.command} FILE`" in page
        assert f"It feeds the {dataset.workbook} workbook, which takes its column map as " \
               f"`-p {dataset.column_map} MAP.yaml`." in page
        assert dataset.sample_file.endswith(".csv")
        assert list(dataset.schema.columns), name


def test_the_sample_files_keep_the_names_the_batch_plan_and_readme_use() -> None:
    assert {name: dataset.sample_file for name, dataset in DATASETS.items()} == {
        "demand": "demand.csv",
        "events": "events.csv",
        "cases": "cases.csv",
        "work_items": "work_items.csv",
        "spending": "spending.csv",
        "targets": "targets.csv",
        "actions": "actions.csv",
    }


@pytest.mark.parametrize("name", list(DATASETS))
def test_the_committed_sample_file_is_what_workbook_sample_writes(written_files, name: str) -> None:
    # Each file is drawn from its own random stream, so adding a dataset moves no other's bytes.
    committed = ROOT / "data" / "sample" / DATASETS[name].sample_file
    assert committed.exists(), f"{committed.name} is missing from data/sample: run `workbook sample`"
    assert committed.read_bytes() == written_files[name].read_bytes(), (
        f"data/sample/{committed.name} differs from what `workbook sample` writes now: run it to "
        "regenerate the sample"
    )


def test_workbooks_name_registered_datasets_with_their_column_maps() -> None:
    named = 0
    for workbook in WORKBOOKS.values():
        for _, dataset, map_parameter in workbook.team_sources:
            assert DATASETS[dataset].column_map == map_parameter, (workbook.name, dataset)
            named += 1
        for _, map_parameter, dataset in workbook.data_files:
            assert DATASETS[dataset].column_map == map_parameter, (workbook.name, dataset)
            named += 1
    assert named == (1 + 2 + 1) + (1 + 2 + 2 + 4)  # team sources, then data files, by workbook


def test_a_dataset_is_found_by_its_name_or_its_command() -> None:
    assert get_dataset("work-items") is get_dataset("work_items") is DATASETS["work_items"]
    with pytest.raises(ParameterError, match='no dataset called "work-item". The datasets are: '
                       "demand, events, cases, work-items, spending, targets, actions."):
        get_dataset("work-item")


def test_a_second_dataset_of_the_same_name_is_refused(tiny) -> None:
    with pytest.raises(ParameterError, match='already a dataset called "tiny_things"'):
        register(Dataset(**{**TINY.__dict__, "what": "something else"}))


@pytest.mark.parametrize("name", ["Repairs-Log", "repairs log", "2024_log", ""])
def test_a_dataset_name_the_command_line_could_not_find_is_refused(name) -> None:
    # The command line takes a name with hyphens or underscores, in lower case: a name it would
    # offer but not find is refused when the dataset is declared.
    with pytest.raises(ParameterError, match="lower-case letters, digits and underscores"):
        register(Dataset(**{**TINY.__dict__, "name": name}))


def test_a_dataset_registered_here_shows_in_validate_help(tiny) -> None:
    help_text = validate_help()
    flat = " ".join(help_text.split())
    assert "workbook validate tiny-things my_tiny_things.csv" in help_text
    assert "Tiny things are for this test only." in help_text
    assert "for the tiny study workbook, tiny-things (one row per tiny thing)" in flat
    assert "[--largest-size SIZE]" in flat
    assert "--largest-size SIZE tiny-things only: things bigger than this are noted" in flat


def test_a_dataset_registered_here_is_validated(tiny, tmp_path, capsys) -> None:
    path = tmp_path / "things.csv"
    path.write_text("Thing,Size\npin,1\nbead,\nshell,3\n", encoding="utf-8")
    assert cli.main(["validate", "tiny_things", str(path)]) == 0
    assert capsys.readouterr().out == "OK: 3 tiny things.\n"
    path.write_text("Thing,Size\npin,1\n,2\n", encoding="utf-8")
    assert cli.main(["validate", "tiny-things", str(path)]) == 2
    assert 'Column "thing": 1 row left blank.' in capsys.readouterr().err


@pytest.mark.parametrize(("dataset", "option", "refusal"), [
    # a built-in dataset's option, given for the tiny things
    ("tiny-things", ["--activity-map", "map.yaml"],
     "--activity-map is for case events only: workbook validate events FILE --activity-map MAP.yaml\n"),
    # the tiny things' own option, given for a built-in dataset
    ("targets", ["--largest-size", "3"],
     "--largest-size is for a file of tiny things only: workbook validate tiny-things FILE --largest-size 5\n"),
])
def test_an_option_of_another_dataset_is_refused_naming_the_one_that_takes_it(
    tiny, tmp_path, capsys, dataset, option, refusal
) -> None:
    path = tmp_path / "things.csv"
    path.write_text("thing\npin\n", encoding="utf-8")
    assert cli.main(["validate", dataset, str(path), *option]) == 2
    assert capsys.readouterr().err == refusal


def test_a_dataset_registered_here_gets_a_sample_file_and_a_section(tiny, tmp_path) -> None:
    paths = write_sample(tmp_path, seed=9)
    assert [path.name for path in paths][-1] == "tiny_things.csv"
    # 9 % 7 = 2: the sample function was given the seed
    assert (tmp_path / "tiny_things.csv").read_text(encoding="utf-8") == "thing,size\npin,2\nbead,2\n"
    page = contracts_page()
    assert "## `tiny_things`: `workbook validate tiny-things FILE`" in page
    assert "One row per tiny thing. It feeds the tiny study workbook, which takes its column map " \
           "as `-p tiny_column_map MAP.yaml`." in page
    assert "| `thing` | yes |" in page and "| `size` | no |" in page
    assert "`tiny-things` for the tiny study workbook" in page


def test_a_dataset_registered_here_has_its_own_option_passed_to_its_loader(tiny, tmp_path, capsys) -> None:
    path = tmp_path / "things.csv"
    path.write_text("thing,size\npin,1\nbead,4\nshell,3\n", encoding="utf-8")
    # read as a number: 2.5, not the text "2.5"; bead (4) and shell (3) are bigger
    assert cli.main(["validate", "tiny-things", str(path), "--largest-size", "2.5"]) == 0
    assert capsys.readouterr().out == "OK: 3 tiny things.\nNote: bigger than 2.5: bead, shell\n"
    with pytest.raises(SystemExit) as stopped:
        cli.main(["validate", "tiny-things", str(path), "--largest-size", "big"])
    assert stopped.value.code == 2
    assert "--largest-size: should be a number above 0, such as 5, not 'big'" in capsys.readouterr().err


def test_the_built_in_loader_options_keep_their_flags_and_words() -> None:
    flat = " ".join(validate_help().split())
    assert "--max-handling-minutes MINUTES demand only: handling times above this are noted as worth " \
           "checking (default: 480, 8 hours; the demand study's max_handling_minutes)" in flat
    assert "--activity-map MAP.yaml events only: a YAML file of 'local activity name: kind', on top " \
           "of the built-in one" in flat


@pytest.mark.parametrize("keyword", ["sheet", "column_map", "Largest", "largest-size"])
def test_a_loader_option_validate_could_not_offer_is_refused(keyword) -> None:
    with pytest.raises(ParameterError, match="loader option's keyword is lower-case letters"):
        LoaderOption(keyword=keyword, metavar="X", help="words")


def test_an_option_declared_otherwise_by_another_dataset_is_refused(tiny) -> None:
    other = LoaderOption(keyword="largest_size", metavar="SIZE", help="something else")
    with pytest.raises(ParameterError, match='"tiny_things" already takes --largest-size, declared otherwise'):
        register(Dataset(**{**TINY.__dict__, "name": "other_things", "options": (other,)}))
    assert "other_things" not in DATASETS
