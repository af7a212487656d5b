"""Forked worker processes that run a function over tasks and hand the results back in task order.

Used by :mod:`openness_policy.parallel` instead of ``multiprocessing.Pool``, for two reasons:

- ``Pool`` runs three helper threads in the parent, and the one that watches the workers wakes up
  whenever a result is waiting in the pipe until another thread has read it: over a 10,000-file run
  it burned ~0.13 s of CPU and slowed the threads it competes with for the interpreter lock
  (measured: ``--jobs 2`` took 0.25 s less CPU without it). Here the parent has no thread: one loop
  waits on the pipes.
- A ``Pool`` worker that dies (the kernel's out-of-memory killer, say) is replaced and its task is
  lost: ``imap`` then waits for ever, and a CI job hangs until its time limit. Here a worker's end is
  noticed at once and raised as :class:`WorkerDied`, with how it ended.

Each worker has a pipe for tasks and a pipe for results; messages are pickles behind their length.
The parent never blocks on a pipe (writes wait in a buffer until the pipe takes them), so large
tasks and large results cannot deadlock. Functions are pickled by reference: they must be module
level. A worker ends when its task pipe closes, with ``os._exit`` (no ``atexit`` handlers, no flush
of buffers copied from the parent).
"""
from __future__ import annotations

import os
import pickle
import selectors
import signal
from collections import deque
from typing import Any, Callable, Iterable, Iterator

from openness_policy.errors import UserError

DEPTH = 2  # tasks sent ahead to each worker, so that it never waits for the parent between tasks
_LENGTH = 8


class WorkerDied(UserError):
    """A worker process ended before returning every result it was given."""


def _pack(value: Any) -> bytes:
    data = pickle.dumps(value, pickle.HIGHEST_PROTOCOL)
    return len(data).to_bytes(_LENGTH, "little") + data


def _read_exactly(fd: int, size: int) -> bytes | None:
    parts, left = [], size
    while left:
        chunk = os.read(fd, min(left, 1 << 20))
        if not chunk:
            return None
        parts.append(chunk)
        left -= len(chunk)
    return b"".join(parts)


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view):]


def _serve(tasks: int, results: int) -> None:
    """A worker's loop: read a task, run it, send back ``(True, result)`` or ``(False, exception)``."""
    while True:
        head = _read_exactly(tasks, _LENGTH)
        if head is None:
            return
        body = _read_exactly(tasks, int.from_bytes(head, "little"))
        if body is None:
            return
        try:
            fn, arg = pickle.loads(body)
            message = _pack((True, fn(arg)))
        except Exception as exc:  # noqa: BLE001 - handed to the parent, which raises it
            message = _pack((False, _portable(exc)))
        _write_all(results, message)


def _portable(exc: BaseException) -> BaseException:
    """``exc`` if it survives pickling, else a RuntimeError with its traceback as text."""
    try:
        pickle.loads(pickle.dumps(exc, pickle.HIGHEST_PROTOCOL))
        return exc
    except Exception:  # noqa: BLE001 - any failure to pickle
        import traceback

        return RuntimeError("".join(traceback.format_exception(exc)))


class _Worker:
    __slots__ = ("pid", "tasks", "results", "outgoing", "incoming", "pending", "ended", "waiting")

    def __init__(self, pid: int, tasks: int, results: int) -> None:
        self.pid, self.tasks, self.results = pid, tasks, results
        self.outgoing = bytearray()  # task bytes the pipe has not taken yet
        self.incoming = bytearray()  # result bytes not yet a whole message
        self.pending: deque[int] = deque()  # task numbers sent, in order
        self.ended = False
        self.waiting = False  # for the task pipe to take more


class ForkPool:
    """``jobs`` forked workers. ``imap`` one call at a time; ``close`` (or leaving the ``with`` block)
    ends them, ``terminate`` kills them."""

    def __init__(self, jobs: int) -> None:
        self._workers: list[_Worker] = []
        try:
            for _ in range(jobs):
                self._workers.append(self._start())
        except BaseException:
            self.terminate()
            raise

    def _start(self) -> _Worker:
        task_r, task_w = os.pipe()
        result_r, result_w = os.pipe()
        pid = os.fork()
        if pid == 0:  # the worker
            code = 0
            try:
                signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
                for other in self._workers:  # only the parent may hold the other workers' pipes
                    os.close(other.tasks)
                    os.close(other.results)
                os.close(task_w)
                os.close(result_r)
                _serve(task_r, result_w)
            except BaseException:  # noqa: BLE001 - a worker never returns into the parent's code
                code = 1
            finally:
                os._exit(code)
        os.close(task_r)
        os.close(result_w)
        os.set_blocking(task_w, False)
        os.set_blocking(result_r, False)
        return _Worker(pid, task_w, result_r)

    def __enter__(self) -> ForkPool:
        return self

    def __exit__(self, kind: object, *rest: object) -> None:
        if kind is None:
            self.close()
        else:
            self.terminate()

    def imap(self, fn: Callable[[Any], Any], args: Iterable[Any]) -> Iterator[Any]:
        """``fn(arg)`` for each of ``args`` in the workers; results in the order of ``args``. An exception
        raised by ``fn`` is raised here (the pool should then be terminated)."""
        if any(w.pending for w in self._workers):
            raise RuntimeError("the pool's previous imap was left unfinished; its results would be mixed in")
        todo = list(args)
        sent = 0
        ready: dict[int, Any] = {}
        selector = selectors.DefaultSelector()
        try:
            for w in self._workers:
                if w.ended:
                    raise WorkerDied(self._how_it_ended(w))
                selector.register(w.results, selectors.EVENT_READ, w)
            for w in self._workers:
                for _ in range(DEPTH):
                    sent = self._send(w, fn, todo, sent, selector)
            for n in range(len(todo)):
                while n not in ready:
                    for key, _events in selector.select():
                        w = key.data
                        if key.fd == w.tasks:
                            self._flush(w, selector)
                        else:
                            for task, (ok, value) in self._receive(w):
                                if not ok:
                                    raise value
                                ready[task] = value
                                sent = self._send(w, fn, todo, sent, selector)
                yield ready.pop(n)
        finally:
            selector.close()
            for w in self._workers:
                w.waiting = False

    def _send(self, w: _Worker, fn: Callable[[Any], Any], todo: list, sent: int, selector: Any) -> int:
        if sent >= len(todo):
            return sent
        w.outgoing += _pack((fn, todo[sent]))
        w.pending.append(sent)
        self._flush(w, selector)
        return sent + 1

    @staticmethod
    def _flush(w: _Worker, selector: Any) -> None:
        """Hand the task pipe what it takes now; watch it for more room while anything is left."""
        if w.outgoing:
            try:
                del w.outgoing[:os.write(w.tasks, w.outgoing)]
            except BlockingIOError:
                pass
            except BrokenPipeError:  # the worker is gone; reading its results says how
                w.outgoing.clear()
        if w.outgoing and not w.waiting:
            selector.register(w.tasks, selectors.EVENT_WRITE, w)
        elif w.waiting and not w.outgoing:
            selector.unregister(w.tasks)
        w.waiting = bool(w.outgoing)

    def _receive(self, w: _Worker) -> Iterator[tuple[int, tuple[bool, Any]]]:
        try:
            data = os.read(w.results, 1 << 20)
        except BlockingIOError:
            return
        if not data:
            w.ended = True
            raise WorkerDied(self._how_it_ended(w))
        w.incoming += data
        while len(w.incoming) >= _LENGTH:
            size = int.from_bytes(w.incoming[:_LENGTH], "little")
            if len(w.incoming) < _LENGTH + size:
                break
            message = pickle.loads(memoryview(w.incoming)[_LENGTH:_LENGTH + size])
            del w.incoming[:_LENGTH + size]
            yield w.pending.popleft(), message

    def _how_it_ended(self, w: _Worker) -> str:
        try:
            _pid, status = os.waitpid(w.pid, 0)
        except ChildProcessError:
            status = None
        w.pid = 0
        if status is not None and os.WIFSIGNALED(status):
            sig = os.WTERMSIG(status)
            cause = f"was killed by signal {sig}" + (" (perhaps out of memory)" if sig == signal.SIGKILL else "")
        elif status is not None and os.WIFEXITED(status):
            cause = f"exited with status {os.WEXITSTATUS(status)}"
        else:
            cause = "ended"
        return f"a worker process {cause} before finishing its files; run again, or with --jobs 1 to judge in one process"

    def close(self) -> None:
        """Let the workers finish and end (their task pipes close), and wait for them."""
        for w in self._workers:
            self._close_fds(w)
        for w in self._workers:
            self._reap(w)

    def terminate(self) -> None:
        """Kill the workers and wait for them."""
        for w in self._workers:
            if w.pid:
                try:
                    os.kill(w.pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
            self._close_fds(w)
        for w in self._workers:
            self._reap(w)

    @staticmethod
    def _close_fds(w: _Worker) -> None:
        for fd in (w.tasks, w.results):
            try:
                os.close(fd)
            except OSError:
                pass
        w.tasks = w.results = -1

    @staticmethod
    def _reap(w: _Worker) -> None:
        if w.pid:
            try:
                os.waitpid(w.pid, 0)
            except ChildProcessError:
                pass
            w.pid = 0
