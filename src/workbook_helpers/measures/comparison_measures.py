"""The table of measures the before/after comparison knows: which measures, in what order, with
what words, which direction counts as better and how each kind is compared. Built in from
``comparison_measures.yaml`` next to this module; :func:`measure_config` returns it as a data
frame, with a team's own entries on top; :func:`comparison_config` gathers those entries for a run (a
team's own table's other columns, :func:`own_measures`, and a YAML file).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from importlib import resources
from pathlib import Path

import pandas as pd
import yaml

from workbook_helpers.data.inputs import find_input
from workbook_helpers.exceptions import ParameterError
from workbook_helpers.formatting import is_missing

__all__ = ["BETTER", "END_TO_END", "MEASURE_KINDS", "TIME_TO_CLOSE", "comparison_config", "measure_config", "own_measures"]

#: The measure that compares time to close, and the one it stands for when open cases are in.
TIME_TO_CLOSE = "days_to_close"
END_TO_END = "end_to_end_days"

#: How each kind of measure is compared: ``"percent"`` (change in the per-case mean, as a share of
#: the standard way's mean) or ``"points"`` (change in a share, in percentage points).
MEASURE_KINDS: dict[str, str] = {
    "count": "percent",
    "hours": "percent",
    "days": "percent",
    "hours_share": "points",
    "share": "points",
    "yes_no": "points",
    "time_to_close": "percent",
}

BETTER = ("lower", "higher", "neutral")
_CONFIG_FILE = "comparison_measures.yaml"
_FIELDS = ("label", "better", "kind", "numerator", "denominator", "subject", "share_of")


def measure_config(extra: Mapping | pd.DataFrame | str | Path | None = None) -> pd.DataFrame:
    """The table of measures the comparison knows: built-in entries, with ``extra`` on top.

    Parameters
    ----------
    extra:
        A team's own entries: a dict ``{measure: {field: value}}``, a YAML file of the same shape
        (see ``comparison_measures.yaml``), or a data frame indexed by measure (or with a
        ``measure`` column) whose columns are fields. Fields: ``label``, ``better`` (``lower``,
        ``higher`` or ``neutral``), ``kind`` (one of :data:`MEASURE_KINDS`), ``numerator`` and
        ``denominator`` (columns, for ``hours_share``), ``subject`` and ``share_of`` (words for the
        sentence). An entry for a built-in measure changes only the fields it gives (e.g.
        ``{"total_hours": {"better": "lower"}}``); a new measure needs ``label``, ``better`` and
        ``kind`` and is listed after the built-in ones.

    Returns
    -------
    DataFrame
        One row per measure, indexed by measure (the column name in the per-case table), in the
        order the comparison lists them, with the columns ``label``, ``better``, ``kind``,
        ``change_kind`` (``percent`` or ``points``), ``numerator``, ``denominator``, ``subject``
        (``label`` when not given) and ``share_of`` (blank when not given).

    Raises
    ------
    ParameterError
        Naming the measure and field that is wrong, and what was expected.
    """
    entries = {name: dict(entry) for name, entry in _built_in().items()}
    for name, entry in _read_extra(extra).items():
        entries[name] = {**entries.get(name, {}), **entry}
    rows = []
    for name, entry in entries.items():
        _check_entry(name, entry)
        row = {field: entry.get(field) for field in _FIELDS}
        row["change_kind"] = MEASURE_KINDS[row["kind"]]
        row["subject"] = row["subject"] or row["label"]
        row["share_of"] = row["share_of"] or ""
        rows.append({"measure": name, **row})
    columns = ["measure", "label", "better", "kind", "change_kind", "numerator", "denominator",
               "subject", "share_of"]
    return pd.DataFrame(rows, columns=columns).set_index("measure")


def _built_in() -> dict[str, dict]:
    text = resources.files(__package__).joinpath(_CONFIG_FILE).read_text(encoding="utf-8")
    return yaml.safe_load(text)


def _read_extra(extra: Mapping | pd.DataFrame | str | Path | None) -> dict[str, dict]:
    if extra is None:
        return {}
    if isinstance(extra, (str, Path)):
        path = Path(extra)
        if not path.is_file():
            raise ParameterError(f"measure configuration: there is no file {path}.")
        try:
            extra = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        except yaml.YAMLError as error:
            raise ParameterError(f"measure configuration: {path} is not valid YAML ({error}).") from None
    if isinstance(extra, pd.DataFrame):
        table = extra.set_index("measure") if "measure" in extra.columns else extra
        extra = {
            str(name): {field: value for field, value in row.items() if not is_missing(value)}
            for name, row in table.to_dict(orient="index").items()
        }
    if not isinstance(extra, Mapping):
        raise ParameterError(
            "measure configuration: expected a dict of {measure: {label, better, kind, ...}}, a YAML "
            f"file of that shape or a data frame, not {type(extra).__name__}."
        )
    read = {}
    for name, entry in extra.items():
        if not isinstance(entry, Mapping):
            raise ParameterError(
                f"measure configuration: the entry for {name!r} should be a mapping of fields "
                f"({', '.join(_FIELDS)}), not {entry!r}."
            )
        unknown = [str(k) for k in entry if k not in _FIELDS]
        if unknown:
            raise ParameterError(
                f"measure configuration: the entry for {name!r} has the field(s) {', '.join(unknown)}; "
                f"the fields are {', '.join(_FIELDS)}."
            )
        read[str(name)] = dict(entry)
    return read


def _check_entry(name: str, entry: dict) -> None:
    missing = [f for f in ("label", "better", "kind") if not entry.get(f)]
    if missing:
        raise ParameterError(
            f"measure configuration: the measure {name!r} needs {', '.join(missing)} "
            "(label: the words a reader sees; better: lower, higher or neutral; kind: "
            f"{', '.join(MEASURE_KINDS)})."
        )
    if entry["better"] not in BETTER:
        raise ParameterError(
            f"measure configuration: better = {entry['better']!r} for {name!r}; expected one of "
            f"{', '.join(BETTER)}."
        )
    if entry["kind"] not in MEASURE_KINDS:
        raise ParameterError(
            f"measure configuration: kind = {entry['kind']!r} for {name!r}; expected one of "
            f"{', '.join(MEASURE_KINDS)}."
        )
    if entry["kind"] == "hours_share" and not (entry.get("numerator") and entry.get("denominator")):
        raise ParameterError(
            f"measure configuration: {name!r} is an hours_share, so it needs numerator and "
            "denominator (the columns whose totals make the pooled share)."
        )


# Column names that say "this is a reference": ending in id, ref, number, code... ("case_id",
# "NHS number", "person ref"), or naming an NHS number; "number_of_calls" is a measure.
_IDENTIFIER = re.compile(
    r"(^|[\s_-])(id|ids|ref|reference|number|no|code|key|uprn|nino)$|nhs|^case$|^person$", re.IGNORECASE
)


def own_measures(table: pd.DataFrame, cohort_col: str, id_col: str | None = None) -> dict[str, dict]:
    """Configuration for a table's numeric and yes/no columns that the built-in configuration does
    not know, so a team's own per-case table is compared in full: numbers by their per-case mean,
    yes/no columns as the share of cases saying yes, neither judged better nor worse (a
    ``measure_config`` file says which way is better)."""
    known = set(measure_config().index)
    extra = {}
    for column in table.columns:
        if column in known or column in {cohort_col, id_col} or _IDENTIFIER.search(str(column)):
            continue  # a reference number is not a measure, and must never be charted
        words = str(column).replace("_", " ").strip()
        if pd.api.types.is_bool_dtype(table[column]) or str(table[column].dtype) == "boolean":
            extra[column] = {"label": f"Cases: {words}", "better": "neutral", "kind": "yes_no"}
        elif pd.api.types.is_numeric_dtype(table[column]):
            extra[column] = {"label": f"{words[:1].upper()}{words[1:]} per case", "better": "neutral", "kind": "count"}
    return extra


def comparison_config(
    table: pd.DataFrame, cohort_col: str, id_col: str | None = None, own_table: bool = False,
    config_file: str | None = None,
) -> dict[str, dict]:
    """The extra configuration a comparison runs with: a team's own table's other columns (see
    :func:`own_measures`) when ``own_table``, then a ``measure_config`` YAML file on top, whose
    partial entries change only the fields they name."""
    config = own_measures(table, cohort_col, id_col) if own_table else {}
    if config_file:
        entries = yaml.safe_load(find_input(config_file).read_text(encoding="utf-8")) or {}
        for name, entry in entries.items():
            config[name] = {**config.get(name, {}), **entry}
    return config
