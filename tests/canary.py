"""Canary datasets: the sample files with personal details planted in every identifier and
free-text column, for tests that search a report's every output for them.

The planted values look like the real thing (a name, NHS numbers, an e-mail address, postcodes,
phone numbers) but are reserved or fictional: 943 476 5919 is the NHS's own test number, the
phone numbers are from Ofcom's drama ranges, the domain is example.org.
"""

from __future__ import annotations

import itertools
from pathlib import Path

import pandas as pd

SAMPLE = Path(__file__).resolve().parents[1] / "data" / "sample"

NAME = "Zebedee Quartermaine"
OTHER_NAME = "Philomena Argyle-Smythe"
NHS_NUMBER = "9434765919"
OTHER_NHS_NUMBER = "4010232137"
EMAIL = "zebedee.q@example.org"
POSTCODE = "SW1A 1AA"
OTHER_POSTCODE = "LS1 4DY"
PHONE = "07700 900123"
OTHER_PHONE = "0113 496 0000"

#: What must never appear in a publish report, its JSON summary or its executed notebook.
CANARIES = (
    NAME, OTHER_NAME, NHS_NUMBER, "943 476 5919", OTHER_NHS_NUMBER, EMAIL, POSTCODE,
    OTHER_POSTCODE, PHONE, "07700900123", OTHER_PHONE,
)
#: Identifiers (as opposed to free text): never in any report, publish or internal.
IDENTIFIERS = (NAME, OTHER_NAME, NHS_NUMBER, OTHER_NHS_NUMBER, EMAIL, POSTCODE, PHONE)

# Used as identifiers: each is unique, so it can stand in for one case, contact, item or action.
_IDS = (NHS_NUMBER, EMAIL, POSTCODE, PHONE, OTHER_NHS_NUMBER)
_SENTENCE = (
    f"My name is {NAME}, NHS number {NHS_NUMBER[:3]} {NHS_NUMBER[3:6]} {NHS_NUMBER[6:]}, I live at "
    f"{POSTCODE}; call me on {PHONE} or {OTHER_PHONE}, or e-mail {EMAIL}. My carer is {OTHER_NAME} "
    f"of {OTHER_POSTCODE}."
)


def _read(name: str) -> pd.DataFrame:
    return pd.read_csv(SAMPLE / name, dtype=str, keep_default_na=False)


def _write(frame: pd.DataFrame, folder: Path, name: str) -> Path:
    path = folder / name
    frame.to_csv(path, index=False, encoding="utf-8", lineterminator="\n")
    return path


def _plant_ids(series: pd.Series) -> dict[str, str]:
    """Map the first few distinct identifiers to planted ones (the rest keep theirs)."""
    firsts = list(dict.fromkeys(series))[: len(_IDS)]
    return dict(zip(firsts, _IDS))


def _plant_people(series: pd.Series) -> pd.Series:
    """Every distinct person becomes a planted name with a number, so any leak is caught."""
    names = itertools.cycle((NAME, OTHER_NAME))
    people = {person: f"{next(names)} {number}" for number, person in enumerate(dict.fromkeys(series), 1) if person}
    return series.map(lambda person: people.get(person, person))


def demand(folder: Path) -> dict[str, Path]:
    log = _read("demand.csv")
    ids = _plant_ids(log["contact_id"])
    log["contact_id"] = log["contact_id"].map(lambda value: ids.get(value, value))
    # Every stated need carries personal details.
    log.loc[log["what_matters"] != "", "what_matters"] = _SENTENCE
    log.loc[log.index[:50], "what_matters"] = _SENTENCE
    return {"demand_path": _write(log, folder, "demand.csv")}


def case_files(folder: Path) -> dict[str, Path]:
    events, cases = _read("events.csv"), _read("cases.csv")
    ids = _plant_ids(cases["case_id"])
    for frame in (events, cases):
        frame["case_id"] = frame["case_id"].map(lambda value: ids.get(value, value))
    events["worker"] = _plant_people(events["worker"])
    return {"events_path": _write(events, folder, "events.csv"),
            "cases_path": _write(cases, folder, "cases.csv")}


def team_performance(folder: Path) -> dict[str, Path]:
    items, actions = _read("work_items.csv"), _read("actions.csv")
    ids = _plant_ids(items["item_id"])
    items["item_id"] = items["item_id"].map(lambda value: ids.get(value, value))
    items["worker"] = _plant_people(items["worker"])
    action_ids = _plant_ids(actions["action_id"])
    actions["action_id"] = actions["action_id"].map(lambda value: action_ids.get(value, value))
    actions["owner"] = _plant_people(actions["owner"])
    actions["description"] = _SENTENCE
    return {
        "work_items_path": _write(items, folder, "work_items.csv"),
        "actions_path": _write(actions, folder, "actions.csv"),
        "spending_path": SAMPLE / "spending.csv",
        "targets_path": SAMPLE / "targets.csv",
    }


#: For each workbook: the function writing its canary files (parameter -> path).
WORKBOOK_FILES = {
    "demand_study": demand,
    "case_review": case_files,
    "experiment_comparison": case_files,
    "team_performance": team_performance,
}


def found_in(text: str, canaries=CANARIES) -> list[str]:
    """The canaries that appear in ``text``, also as HTML or JSON would escape them."""
    escaped = text.replace("&#x27;", "'").replace("&#39;", "'").replace("&amp;", "&").replace("\\u0027", "'")
    return [canary for canary in canaries if canary in text or canary in escaped]
