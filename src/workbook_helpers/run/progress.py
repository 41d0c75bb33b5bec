"""What a batch shows in the terminal: progress while it runs, and the table at the end."""

from __future__ import annotations

import os
import sys
import time

from workbook_helpers.formatting import fmt_duration


class SilentProgress:
    """Shows nothing: the progress of a batch run without a display."""

    def start(self, total, skipped, where):
        pass

    def started(self, task):
        pass

    def finished(self, task, outcome):
        pass

    def running_now(self, count):
        pass

    def close(self):
        pass


class Progress:
    """Progress on stderr: one line updated in place on a terminal (tqdm), else a plain line as
    each run ends. Shows runs done, running and failed, and the time elapsed."""

    def __init__(self, name: str, stream=None):
        self.name = name
        self.stream = stream or sys.stderr
        self.total = self.done = self.failed = self.running = 0
        self.clock = time.perf_counter()
        self.bar = None
        self._ticking = None

    def start(self, total: int, skipped: int, where: str) -> None:
        self.total, self.clock = total, time.perf_counter()
        unchanged = f", {skipped} unchanged (skipped)" if skipped else ""
        if not total:
            print(f"Batch {self.name}: nothing to run{unchanged}.", file=self.stream, flush=True)
            return
        print(f"Batch {self.name}: {total} to run{unchanged}, on {where}.", file=self.stream, flush=True)
        if total and _terminal_width(self.stream):
            from tqdm import tqdm

            self.bar = tqdm(total=total, file=self.stream, unit="run", dynamic_ncols=True,
                            bar_format="{n_fmt}/{total_fmt} done |{bar}| {desc} [{elapsed}]")
            self._postfix()
            self._ticking = _Ticker(self.bar)

    def _postfix(self) -> None:
        if self.bar is not None:
            self.bar.set_description_str(f"{self.running} running, {self.failed} failed")

    def started(self, task: dict) -> None:
        self.running += 1
        self._postfix()

    def running_now(self, count: int) -> None:
        self.running = count
        self._postfix()

    def finished(self, task: dict, outcome: dict) -> None:
        self.running = max(0, self.running - 1)
        self.done += 1
        failed = outcome["status"] != "ok"
        self.failed += failed
        line = f"{outcome['status']}: {task['key']}"
        if failed:
            line += f": {outcome.get('error')}"
        if self.bar is not None:
            if failed:
                self.bar.write(line, file=self.stream)
            self._postfix()
            self.bar.update(1)
            return
        elapsed = fmt_duration(time.perf_counter() - self.clock)
        print(f"[{self.done}/{self.total}] {line} ({self.running} running, {self.failed} failed, "
              f"{elapsed} elapsed)", file=self.stream, flush=True)

    def close(self) -> None:
        if self._ticking is not None:
            self._ticking.stop()
            self._ticking = None
        if self.bar is not None:
            self.bar.close()
            self.bar = None


class _Ticker:
    """Redraws a progress bar every ``seconds``, so its time elapsed keeps counting while runs
    take minutes: tqdm redraws only when told of a change."""

    def __init__(self, bar, seconds: float = 1.0):
        import threading

        self._stopped = threading.Event()
        self._thread = threading.Thread(target=self._tick, args=(bar, seconds), daemon=True)
        self._thread.start()

    def _tick(self, bar, seconds: float) -> None:
        while not self._stopped.wait(seconds):
            try:
                bar.refresh()
            except Exception:  # only for show; the bar may be closing
                return

    def stop(self) -> None:
        self._stopped.set()
        self._thread.join(2)


def _terminal_width(stream) -> int:
    """The width of the terminal ``stream`` writes to; 0 if it is not a terminal (or says 0)."""
    try:
        return os.get_terminal_size(stream.fileno()).columns if stream.isatty() else 0
    except (AttributeError, OSError, ValueError):
        return 0


def end_table(result) -> str:
    """The table printed at the end of a batch (its :class:`~workbook_helpers.run.batch.BatchResult`):
    every chosen run with its status, time and any error."""
    rows = result.rows
    counts = {status: sum(1 for row in rows if row["status"] == status)
              for status in ("ok", "skipped", "failed", "interrupted", "not run")}
    said = [f"{counts['ok']} ok"]
    if counts["skipped"]:
        said.append(f"{counts['skipped']} skipped (unchanged)")
    said.append(f"{counts['failed']} failed")
    for status in ("interrupted", "not run"):
        if counts[status]:
            said.append(f"{counts[status]} {status}")
    lines = [f"Batch {result.plan.name}: {len(rows)} run{'' if len(rows) == 1 else 's'} in {fmt_duration(result.seconds)}: {', '.join(said)}.", ""]
    team_width = max([len("team"), *(len(row["team"]) for row in rows)])
    workbook_width = max([len("workbook"), *(len(row["workbook"]) for row in rows)])
    lines.append(f"  {'status':<11} {'team':<{team_width}}  {'workbook':<{workbook_width}}  {'time':>9}  note")
    for row in rows:
        seconds = fmt_duration(row["seconds"]) if row["seconds"] is not None else "-"
        if row["status"] == "failed":
            note = row["error"] or ""
            if row["cell"]:
                note += f" (cell {row['cell']})"
        elif row["status"] == "skipped":
            note = "unchanged since it last ran"
        elif row["status"] == "ok":
            note = row["html"] or ""
        else:
            note = "not finished"
        lines.append(f"  {row['status']:<11} {row['team']:<{team_width}}  {row['workbook']:<{workbook_width}}  "
                     f"{seconds:>9}  {note}")
    return "\n".join(lines)
