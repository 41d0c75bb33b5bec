"""Small case-event logs for the tests of the case measures (test_cases.py), the summaries across
cases (test_case_summaries.py) and the handoffs (test_handoffs.py).

Frames are built in the shape ``load_events`` / ``load_cases`` return: indexed by spreadsheet row
number (from 2), text identifiers, categorical kinds, nullable booleans. All dates are in April
2024 unless said otherwise.
"""

from __future__ import annotations

import pandas as pd
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

KINDS = ["assessment", "referral", "visit", "call", "meeting", "review", "admin", "closure", "other"]
COLUMNS = ("case_id", "date", "activity", "worker", "hours", "face_to_face", "organisation", "team",
           "value_work", "cohort")
NA = None


def make_events(rows, drop=(), index=None) -> pd.DataFrame:
    """Case events shaped as ``load_events`` returns them, from tuples in the order of COLUMNS.

    ``activity_name`` is made up from the kind (``"local assessment"``) so a test can check it
    never leaks; rows are indexed by spreadsheet row number from 2 unless ``index`` is given.
    """
    frame = pd.DataFrame(list(rows), columns=list(COLUMNS))
    frame["case_id"] = frame["case_id"].astype("str")
    frame["date"] = pd.to_datetime(frame["date"]).astype("datetime64[ns]")
    frame["activity"] = pd.Categorical(frame["activity"], categories=KINDS)
    frame.insert(3, "activity_name", ("local " + frame["activity"].astype(str)).astype("str"))
    frame["worker"] = frame["worker"].astype("str")
    frame["hours"] = pd.to_numeric(frame["hours"]).astype("float64")
    for column in ("face_to_face", "value_work"):
        frame[column] = frame[column].astype("boolean")
    for column in ("organisation", "team", "cohort"):
        frame[column] = frame[column].astype("category")
    frame.index = pd.Index(index if index is not None else range(2, len(frame) + 2), name="row")
    return frame.drop(columns=list(drop))


def ev(case, date, activity, worker, hours, f2f, organisation="council", team="Adults",
       value_work=NA, cohort="before"):
    return (case, f"2024-04-{date:02d}", activity, worker, hours, f2f, organisation, team,
            value_work, cohort)


def make_cases(rows, columns=("case_id", "opened", "closed", "predicted_return", "returned",
                              "cohort", "team")) -> pd.DataFrame:
    """A cases file shaped as ``load_cases`` returns it."""
    frame = pd.DataFrame(list(rows), columns=list(columns))
    frame["case_id"] = frame["case_id"].astype("str")
    for column in ("opened", "closed"):
        if column in frame:
            frame[column] = pd.to_datetime(frame[column]).astype("datetime64[ns]")
    for column in ("predicted_return", "returned"):
        if column in frame:
            frame[column] = frame[column].astype("boolean")
    for column in ("cohort", "team"):
        if column in frame:
            frame[column] = frame[column].astype("category")
    frame.index = pd.RangeIndex(2, len(frame) + 2, name="row")
    return frame


# The main example. Rows 3 and 4 of K-100 tie on 3 April: in file order Ann then Bob.
#   K-100 journey: Ann (1st), Ann (3rd, row 3), Bob (3rd, row 4), Bob (8th), Cat (10th)
#   K-200: one event.  K-300: two events, no hours at all.
EVENTS = [
    ev("K-100", 1, "assessment", "ann", 2.0, True, "council", value_work=True),   # row 2
    ev("K-100", 3, "referral", "ann", 1.0, False, "council", value_work=False),   # row 3
    ev("K-100", 3, "assessment", "bob", 1.5, True, "NHS"),                        # row 4
    ev("K-100", 8, "visit", "bob", 3.0, True, "NHS", value_work=True),            # row 5
    ev("K-100", 10, "assessment", "cat", 0.5, False, "NHS"),                      # row 6
    ev("K-200", 2, "assessment", "dev", 1.0, True, "police"),                     # row 7
    ev("K-300", 5, "call", "eve", 0.0, False, "council", team="Children", cohort="after"),  # row 8
    ev("K-300", 6, "admin", "eve", 0.0, False, "council", cohort="after"),                  # row 9
]
CASES = [
    # K-100 opened a week before its first event and closed ten days after its last
    ("K-100", "2024-03-25", "2024-04-20", True, False, "before", "Adults"),
    # K-200 never closed; no opened date either
    ("K-200", NA, NA, False, NA, "before", "Adults"),
    # K-300: no cohort or team in the cases file, so they come from its events
    ("K-300", "2024-04-05", "2024-04-06", NA, NA, NA, NA),
]



@st.composite
def event_logs(draw, unique_dates: bool = False):
    """A random event log of up to 40 events over up to 6 cases."""
    size = draw(st.integers(1, 40))
    rows = []
    used: set[tuple[str, int]] = set()
    for _ in range(size):
        case = draw(st.sampled_from(["c1", "c2", "c3", "c4", "c5", "c6"]))
        day = draw(st.integers(1, 28))
        if unique_dates:
            if (case, day) in used:
                continue
            used.add((case, day))
        rows.append(ev(
            case, day, draw(st.sampled_from(KINDS)), draw(st.sampled_from(["w1", "w2", "w3", "w4"])),
            draw(st.sampled_from([0.0, 0.25, 0.5, 1.0, 2.5, 7.0])), draw(st.sampled_from([True, False, NA])),
            draw(st.sampled_from(["council", "NHS", "police", NA])),
            value_work=draw(st.sampled_from([True, False, NA])),
            cohort=draw(st.sampled_from(["before", "after"])),
        ))
    return make_events(rows)


SETTINGS = settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
