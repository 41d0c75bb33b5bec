"""What a batch shows in the terminal (`workbook_helpers.run.progress`)."""

from __future__ import annotations

import os
import time


def test_progress_on_a_terminal_keeps_counting_the_time_between_runs():
    import fcntl
    import struct
    import termios

    from workbook_helpers.run.progress import Progress

    terminal, screen = os.openpty()
    fcntl.ioctl(screen, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 100, 0, 0))
    stream = os.fdopen(screen, "w", buffering=1)
    progress = Progress("Ticking", stream=stream)
    try:
        progress.start(1, 0, "1 worker process")
        progress.started({"key": "revenues/demand_study"})
        time.sleep(2.6)  # no run starts or ends meanwhile
        os.set_blocking(terminal, False)
        shown = os.read(terminal, 65536).decode()
    finally:
        progress.close()
        stream.close()
        os.close(terminal)
    assert "0/1 done" in shown and "1 running, 0 failed [00:02]" in shown, shown


class _Finished:
    """A batch's result as the end table reads it."""

    def __init__(self, name: str, seconds: float, rows: list[dict]):
        self.plan = type("Plan", (), {"name": name})()
        self.seconds, self.rows = seconds, rows


def _row(status: str, team: str, seconds: float | None, **more) -> dict:
    return {"key": f"x/{team}", "team": team, "workbook": "demand_study", "status": status, "seconds": seconds,
            "error": None, "cell": None, "html": None, **more}


def test_the_end_table_gives_each_runs_time_as_people_read_it():
    from workbook_helpers.run.progress import end_table

    table = end_table(_Finished("November", 65.4, [
        _row("ok", "Revenues", 7.25, html="revenues/demand_study.html"),
        _row("failed", "Repairs North", 59.96, error="It ran over its time limit of 1 minute and was stopped",
             cell=3),
        _row("skipped", "All teams", None),
        _row("ok", "Care", 3725),
    ])).splitlines()
    assert table[0] == "Batch November: 4 runs in 1 min 5 s: 2 ok, 1 skipped (unchanged), 1 failed."
    assert table[3].split() == ["ok", "Revenues", "demand_study", "7.3", "s", "revenues/demand_study.html"]
    assert table[4].split()[:6] == ["failed", "Repairs", "North", "demand_study", "1", "min"]
    assert table[4].endswith("and was stopped (cell 3)")
    assert table[5].split() == ["skipped", "All", "teams", "demand_study", "-", "unchanged", "since", "it",
                                "last", "ran"]
    assert table[6].split() == ["ok", "Care", "demand_study", "1", "h", "2", "min"]


def test_progress_off_a_terminal_says_the_time_elapsed_in_words(monkeypatch):
    import io

    from workbook_helpers.run import progress as progress_module

    clock = iter([100.0, 100.0, 165.4])
    monkeypatch.setattr(progress_module.time, "perf_counter", lambda: next(clock))
    stream = io.StringIO()
    shown = progress_module.Progress("November", stream=stream)
    shown.start(2, 1, "2 worker processes")
    shown.started({"key": "revenues/demand_study"})
    shown.finished({"key": "revenues/demand_study"}, {"status": "ok"})
    assert stream.getvalue().splitlines() == [
        "Batch November: 2 to run, 1 unchanged (skipped), on 2 worker processes.",
        "[1/2] ok: revenues/demand_study (0 running, 0 failed, 1 min 5 s elapsed)",
    ]
