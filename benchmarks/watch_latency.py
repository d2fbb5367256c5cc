#!/usr/bin/env python3
"""Time `briefing watch`: from saving a brief to its new PDF on disk (and to the new combined.pdf).

    python benchmarks/watch_latency.py                 # 3 and 100 briefs, 10 edits each
    python benchmarks/watch_latency.py --sizes 3 --edits 5 --poll

Each size gets a fresh project (bench.make_project: the three real briefs, or copies of them), a
`briefing watch` started in it and left to finish its first build; then each edit swaps one character
of a brief's lead (，↔、: no figure changes) and this script polls the brief's PDF every 2 ms until it is
replaced. The times are wall-clock on whatever else the machine is doing: say so when quoting them.
"""
from __future__ import annotations

import argparse
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from bench import PROVINCES, ROOT, make_project, real_briefs, synthetic_brief  # noqa: E402

WAIT = 120.0


def stamp(path: Path) -> tuple[int, int] | None:
    try:
        stat = path.stat()
    except FileNotFoundError:
        return None
    return stat.st_ino, stat.st_mtime_ns


def wait_until(done, what: str, log: Path, step: float = 0.002) -> float:
    deadline = time.monotonic() + WAIT
    while not done():
        if time.monotonic() > deadline:
            sys.exit(f"no {what} within {WAIT:.0f} s:\n{log.read_text()}")
        time.sleep(step)
    return time.perf_counter()


def toggle(brief: Path, position: list[int]) -> None:
    """Swap one comma of the lead (，↔、), the same one each time."""
    text = brief.read_text(encoding="utf-8")
    if not position:
        lead = text.index("lead:")
        position.append(min(i for i in (text.find("，", lead), text.find("、", lead)) if i >= 0))
    i = position[0]
    text = text[:i] + ("、" if text[i] == "，" else "，") + text[i + 1:]
    brief.write_text(text, encoding="utf-8")


def project_of(n: int, into: Path) -> Path:
    """The three real briefs, or ``n`` copies of them (bench.synthetic_brief) with their points as in the
    real briefs: check proves every figure of a point, and bench varies the points' digits."""
    import yaml

    project = make_project(ROOT, 3, into)
    if n == 3:
        return project
    templates = [yaml.safe_load(path.read_text(encoding="utf-8")) for path in real_briefs(ROOT)]
    for path in real_briefs(project):
        path.unlink()
    for index in range(n):
        template = templates[index % len(templates)]
        brief = {**synthetic_brief(template, index)[1], "sections": template["sections"]}
        name = f"{PROVINCES[index % len(PROVINCES)][1]}-{index:04d}.yaml"
        (project / "briefs" / name).write_text(yaml.safe_dump(brief, allow_unicode=True, sort_keys=False),
                                               encoding="utf-8")
    return project


def measure(n: int, edits: int, poll: bool, tmp: Path) -> tuple[list[float], list[float]]:
    project = project_of(n, tmp / f"n{n}")
    briefs = sorted(p for p in (project / "briefs").glob("*.yaml") if p.name != "report.yaml")
    brief = briefs[len(briefs) // 2]
    pdf, combined = project / "out" / f"{brief.stem}.pdf", project / "out" / "combined.pdf"
    log = project / "watch.log"
    command = [sys.executable, "-m", "briefing", "watch", *(["--poll"] if poll else [])]
    with log.open("w") as stderr:
        process = subprocess.Popen(command, cwd=project, stdout=subprocess.DEVNULL, stderr=stderr)
    try:
        wait_until(lambda: "ok: " in log.read_text(), "first build", log, 0.05)
        to_pdf, to_combined, position = [], [], []
        for number in range(edits):
            time.sleep(0.5)  # the last round over, the watcher idle
            rounds = log.read_text().count("ok: ")
            before, before_combined = stamp(pdf), stamp(combined)
            toggle(brief, position)
            saved = time.perf_counter()
            to_pdf.append(wait_until(lambda: stamp(pdf) != before, "new PDF", log) - saved)
            to_combined.append(wait_until(lambda: stamp(combined) != before_combined, "new combined.pdf", log)
                               - saved)
            wait_until(lambda: log.read_text().count("ok: ") > rounds, "round summary", log, 0.01)
        return to_pdf, to_combined
    finally:
        process.send_signal(signal.SIGINT)
        process.wait(WAIT)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="3,100")
    parser.add_argument("--edits", type=int, default=10)
    parser.add_argument("--poll", action="store_true", help="time `briefing watch --poll`")
    args = parser.parse_args()
    print(f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())}; CPUs: {os.cpu_count()}")
    with tempfile.TemporaryDirectory() as tmp:
        for n in (int(size) for size in args.sizes.split(",")):
            to_pdf, to_combined = measure(n, args.edits, args.poll, Path(tmp))
            print(f"{n} briefs{' (--poll)' if args.poll else ''}: save -> PDF median "
                  f"{statistics.median(to_pdf) * 1000:.0f} ms (min {min(to_pdf) * 1000:.0f}, max "
                  f"{max(to_pdf) * 1000:.0f}); save -> combined.pdf median {statistics.median(to_combined) * 1000:.0f}"
                  f" ms (min {min(to_combined) * 1000:.0f}, max {max(to_combined) * 1000:.0f}); {args.edits} edits")
    print(f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
