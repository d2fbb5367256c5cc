"""The build's process machinery on its own (build/processes.py): results come back in order, a process
that fails or is killed ends the build with a clear BuildInterrupted, the others are stopped, Ctrl-C
reaches only the parent."""
from __future__ import annotations

import os
import signal
import time

import pytest

from briefing.build.processes import BuildInterrupted, Forked, merged, stop

pytestmark = pytest.mark.skipif(os.name != "posix", reason="the build forks its processes on POSIX only")


def count(start: int, stop_at: int, send) -> None:
    for number in range(start, stop_at):
        send.send(number)


def fail_after(first: int, send) -> None:
    send.send(first)
    raise RuntimeError("a bug outside any one brief")


def kill_self_after(first: int, send) -> None:
    send.send(first)
    os.kill(os.getpid(), signal.SIGKILL)


def wait_then_send(seconds: float, send) -> None:
    send.send(os.getpid())
    time.sleep(seconds)
    send.send("done")


def test_results_come_back_in_the_order_sent() -> None:
    forked = Forked(count, 0, 500)
    assert list(forked.rest()) == list(range(500))
    assert forked.process.exitcode == 0


def test_next_after_the_last_result_is_an_interruption_not_a_hang() -> None:
    forked = Forked(count, 0, 1)
    assert forked.next() == 0
    with pytest.raises(BuildInterrupted):
        forked.next()


def test_a_process_that_fails_ends_the_build_with_its_exit_status() -> None:
    forked = Forked(fail_after, 7)
    results = []
    with pytest.raises(BuildInterrupted, match=r"failed \(exit status 1, its error above\); please report this"):
        for result in forked.rest():
            results.append(result)
    assert results == [7], "what it sent before failing still came"


def test_a_process_killed_is_named_as_killed() -> None:
    with pytest.raises(BuildInterrupted, match=r"killed \(SIGKILL: out of memory\?\); build again"):
        list(Forked(kill_self_after, 1).rest())


def test_merged_gives_every_result_each_process_in_its_order() -> None:
    results = list(merged([Forked(count, 0, 300), Forked(count, 1000, 1300)]))
    assert sorted(results) == list(range(300)) + list(range(1000, 1300))
    assert [r for r in results if r < 1000] == list(range(300))
    assert [r for r in results if r >= 1000] == list(range(1000, 1300))


def test_merged_stops_at_the_first_process_that_dies_and_stops_the_others() -> None:
    slow = Forked(wait_then_send, 60)
    with pytest.raises(BuildInterrupted, match="killed"):
        list(merged([slow, Forked(kill_self_after, 1)]))
    slow.process.join(10)
    assert not slow.process.is_alive(), "the other process was stopped, not left running for a minute"


def test_a_reader_that_stops_early_stops_the_processes() -> None:
    slow = Forked(wait_then_send, 60)
    results = merged([slow])
    next(results)
    results.close()
    slow.process.join(10)
    assert not slow.process.is_alive()


def test_ctrl_c_reaches_the_parent_only() -> None:
    forked = Forked(wait_then_send, 0.5)
    pid = forked.next()
    os.kill(pid, signal.SIGINT)  # as a terminal sends it to the whole process group
    assert list(forked.rest()) == ["done"], "the forked process ignores SIGINT; its parent stops it"


def test_sigterm_unwinds_a_forked_process() -> None:
    forked = Forked(wait_then_send, 60)
    pid = forked.next()
    os.kill(pid, signal.SIGTERM)
    forked.process.join(10)
    assert forked.process.exitcode == 128 + signal.SIGTERM, "SystemExit, so its temporary file is removed"


def test_stop_ends_processes_still_running() -> None:
    forked = Forked(wait_then_send, 60)
    forked.next()
    stop([forked.process])
    assert not forked.process.is_alive()
