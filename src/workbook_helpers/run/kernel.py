"""The Jupyter kernel a workbook runs in: which one, starting it in the project folder, stopping
it at a run's time limit, and shutting it down."""

from __future__ import annotations

import os

from workbook_helpers.data.inputs import project_folder
from workbook_helpers.run.registry import Workbook

#: The suite's own kernel, registered by ``make setup``; without it, this Python's.
KERNEL_NAME = "service-workbooks"


def default_kernel() -> str:
    """The kernel a run uses unless told: the suite's own if registered, else ``python3``."""
    from jupyter_client.kernelspec import KernelSpecManager, NoSuchKernel

    try:
        KernelSpecManager().get_kernel_spec(KERNEL_NAME)
        return KERNEL_NAME
    except NoSuchKernel:
        return "python3"


class TimeLimit:
    """Kills a kernel (and anything it started) once ``seconds`` have passed. A killed kernel
    makes papermill stop with an error, which :func:`~workbook_helpers.run.execute.run_workbook`
    reports as over time.

    A signal to the kernel's process group is all the timer thread does: the kernel was started
    in a session of its own, so this reaches nothing else, and it is safe from any thread."""

    def __init__(self, manager, seconds: float):
        import threading

        self.fired = False
        self._pid = _kernel_pid(manager)
        self._timer = threading.Timer(seconds, self._fire)
        self._timer.daemon = True
        if self._pid is not None:
            self._timer.start()

    def _fire(self) -> None:
        import signal

        self.fired = True
        try:
            os.killpg(self._pid, signal.SIGKILL)
        except (OSError, AttributeError):  # gone already, or no process groups (Windows)
            try:
                os.kill(self._pid, signal.SIGTERM)
            except OSError:
                pass

    def cancel(self) -> None:
        self._timer.cancel()


def _kernel_pid(manager) -> int | None:
    provisioner = getattr(manager, "provisioner", None)
    process = getattr(provisioner, "process", None)
    return getattr(process, "pid", None) or getattr(provisioner, "pid", None)


def start_kernel(workbook: Workbook, kernel_name: str):
    """Start a kernel for ``workbook`` in the project folder, importing its modules as it boots.

    Returns the started ``AsyncKernelManager`` (papermill runs the notebook in it); the caller
    shuts it down.
    """
    from jupyter_client.manager import AsyncKernelManager
    from jupyter_core.utils import run_sync

    class TrackedKernelManager(AsyncKernelManager):
        """Remembers the clients it hands out (to papermill), so they can be closed with it."""

        def client(self, **kwargs):
            made = super().client(**kwargs)
            self.clients_made.append(made)
            return made

    manager = TrackedKernelManager(kernel_name=kernel_name)
    manager.clients_made = []
    # The kernel's own log (connection notices) is not for the user; errors in cells still are.
    arguments = ["--IPKernelApp.log_level=ERROR"]
    if workbook.preload:
        # One statement that binds no name the notebook could see.
        modules = ", ".join(repr(m) for m in workbook.preload)
        arguments.append(f"--IPKernelApp.exec_lines=[__import__(m) for m in ({modules},)] and None")
    run_sync(manager.start_kernel)(cwd=str(project_folder()), extra_arguments=arguments)
    return manager


def shutdown(manager) -> None:
    from jupyter_core.utils import run_sync

    for client in getattr(manager, "clients_made", []):
        try:
            client.stop_channels()
            client.context.destroy(linger=0)
        except Exception:  # already closed
            pass
    try:
        if manager.has_kernel:
            run_sync(manager.shutdown_kernel)(now=True)
        manager.context.destroy(linger=0)
    except Exception:  # the kernel may already be gone (it died, or Ctrl-C reached it first)
        pass
