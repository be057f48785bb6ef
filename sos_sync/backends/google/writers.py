"""A few document writes at once: Google answers each request in 0.3–1 s, so a night of
one write after another spends its time waiting (`[google] document_workers`).

The jobs are taken one at a time from the caller's iterable, on the caller's thread, and
only when a worker is free: taking a job is the moment its write starts, so the caller
records its intent as it hands it over (`run.apply`), and the writes in flight are never
more than the workers. Each result is handed back on the caller's thread as it lands (any
order). After a failure no new job is taken; the writes in flight finish, their results
are handed back, then the failure is raised. Closing the generator (the caller stopped)
waits for the writes in flight and hands nothing more back: they land unrecorded, as
they would after a kill, and the next night's recovery finds them by key.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait

from sos_sync.backends.base import DocState, DocumentWrite, DocumentWrites


def write_at_once(
    write: Callable[[DocumentWrite], DocState], jobs: Iterable[DocumentWrite], workers: int
) -> DocumentWrites:
    """Run `write` over `jobs` on up to `workers` threads, yielding (job, state) as each lands."""
    pending = iter(jobs)
    failure: BaseException | None = None
    running: dict[Future[DocState], DocumentWrite] = {}
    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="sos-documents") as pool:
        while True:
            while failure is None and len(running) < workers:
                job = next(pending, None)
                if job is None:
                    break
                running[pool.submit(write, job)] = job
            if not running:
                break
            done, _ = wait(running, return_when=FIRST_COMPLETED)
            for future in [f for f in running if f in done]:  # in the order they started
                job = running.pop(future)
                error = future.exception()
                if error is not None:
                    failure = failure or error
                    continue
                yield job, future.result()
    if failure is not None:
        raise failure
