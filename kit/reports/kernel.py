"""The kernel a report runs in, and the kernel's own stdout/stderr passed on redacted.

Notebook code that writes to the process's file descriptors (``os.system("env")``, ``os.write(2, …)``, a
C library's messages) bypasses the notebook's outputs and would land verbatim on the terminal (or cron
mail) of ``lxkit report``. The kernel is therefore started with its stdout and stderr piped to this
process, which writes them on line by line after :class:`kit.redaction.Redactor` has seen them.
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from typing import IO, Any, ClassVar

from ipykernel.kernelspec import get_kernel_dict
from jupyter_client.kernelspec import KernelSpec
from jupyter_client.manager import AsyncKernelManager

from kit.redaction import Redactor

__all__ = ["kernel_manager_class"]


class _KernelManager(AsyncKernelManager):
    """The kernel manager papermill (nbclient) starts kernels with.

    A notebook asking for ``python3`` gets a kernel of the interpreter running the report (the one ``kit``
    is installed in), not whatever a user-level ``python3`` kernelspec points to; other kernel names are
    looked up as usual. ``ipc`` transport where there is one. A subclass per run (see
    :func:`kernel_manager_class`) carries the redactor and the threads forwarding the kernel's output.
    """

    redactor: ClassVar[Redactor] = Redactor()
    forwarders: ClassVar[list[threading.Thread]] = []

    def __init__(self, **kwargs: Any) -> None:
        if os.name == "posix":
            kwargs.setdefault("transport", "ipc")
        super().__init__(**kwargs)

    @property
    def kernel_spec(self) -> KernelSpec | None:
        if self._kernel_spec is None and self.kernel_name in ("python3", "python"):
            native = get_kernel_dict()
            self._kernel_spec = KernelSpec(
                resource_dir="",
                **{
                    key: native[key]
                    for key in ("argv", "display_name", "language", "metadata")
                    if key in native
                },
            )
        return super().kernel_spec

    async def _async_launch_kernel(self, kernel_cmd: list[str], **kw: Any) -> None:
        kw["stdout"] = kw["stderr"] = subprocess.PIPE
        await super()._async_launch_kernel(kernel_cmd, **kw)
        process = self.provisioner.process  # type: ignore[union-attr]
        for pipe, name in ((process.stdout, "stdout"), (process.stderr, "stderr")):
            thread = threading.Thread(
                target=_forward, args=(pipe, name, self.redactor), name=f"lxkit-kernel-{name}", daemon=True
            )
            thread.start()
            self.forwarders.append(thread)


def _forward(pipe: IO[bytes], name: str, redactor: Redactor) -> None:
    """Copy the kernel's ``name`` stream to ours, a redacted line at a time, until the kernel closes it."""
    with pipe:
        for line in iter(pipe.readline, b""):
            target = getattr(sys, name)
            try:
                target.write(redactor.text(line.decode("utf-8", "replace")))
                target.flush()
            except (
                OSError,
                ValueError,
            ):  # our own stream is closed: keep draining so the kernel never blocks
                continue


def kernel_manager_class(redactor: Redactor) -> type[_KernelManager]:
    """A kernel manager class for one run: its kernels' output passes through ``redactor``."""
    return type("LxkitKernelManager", (_KernelManager,), {"redactor": redactor, "forwarders": []})


def join_forwarders(manager: type[_KernelManager], timeout: float = 5.0) -> None:
    """Wait until the kernel's last output has been passed on (the kernel has exited by now)."""
    for thread in manager.forwarders:
        thread.join(timeout)
