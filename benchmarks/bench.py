#!/usr/bin/env python3
"""Benchmark `briefing build` end to end, as a fresh process, on synthetic batches of briefs.

    python benchmarks/bench.py                  # N = 3, 100, 1000; print a Markdown table
    python benchmarks/bench.py --write          # ... and write benchmarks/RESULTS.md
    python benchmarks/bench.py --quick          # N = 3, 20; one run each (smoke test)
    python benchmarks/bench.py --sizes 3,100 --runs 2
    python benchmarks/bench.py --profile 100    # cProfile one in-process build of 100 briefs

N = 3 is the three real briefs themselves; larger N are copies of them (cycled) for the 19 provinces
and cities that send aid to Xinjiang, with the province name replaced in ``province``, ``title`` and
``lead``, each with its own copies of its seed documents: about half of the figures (never a year or a
date) have their last digit changed in the brief and in its seeds alike (same length, so each still fits
its page), so every synthetic brief proves against its own sources as a real one does.

Only the standard library and the project's own dependencies (PyYAML) are used.
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import pstats
import random
import re
import resource
import shlex
import shutil
import signal
import statistics
import subprocess
import sys
import tarfile
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import yaml

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
RESULTS = HERE / "RESULTS.md"
START_LOAD = os.getloadavg()

# The 19 provinces and cities of 对口援疆, as printed, with a file-name stem.
PROVINCES = [
    ("北京", "beijing"), ("天津", "tianjin"), ("河北", "hebei"), ("山西", "shanxi"), ("辽宁", "liaoning"),
    ("吉林", "jilin"), ("黑龙江", "heilongjiang"), ("上海", "shanghai"), ("江苏", "jiangsu"),
    ("浙江", "zhejiang"), ("安徽", "anhui"), ("福建", "fujian"), ("江西", "jiangxi"), ("山东", "shandong"),
    ("河南", "henan"), ("湖北", "hubei"), ("湖南", "hunan"), ("广东", "guangdong"), ("深圳", "shenzhen"),
]
CITIES = {"北京", "天津", "上海", "深圳"}  # 市, not 省

DEFAULT_SIZES = (3, 100, 1000)
DEFAULT_RUNS = {3: 5, 100: 3, 1000: 1}
REFERENCE_RUNS = 5
PAIRS = 9  # seed build and floor, alternating

# Targets (see benchmarks/README.md).
TARGET_SEED_RATIO = 1.5          # seed build cold ≤ 1.5 × (import reportlab.platypus + font loading)
TARGET_MS_PER_BRIEF = 13.0       # 1000 briefs + combined, --jobs 2
TARGET_PEAK_MB = 150.0           # same build
TARGET_INCREMENTAL_S = 0.5       # second build of 1000 briefs with nothing changed
TARGET_PDF_KB = 120.0            # one-page PDF


# --------------------------------------------------------------------------------------------------
# Synthetic briefs

def real_briefs(project: Path) -> list[Path]:
    return sorted(p for p in (project / "briefs").glob("*.yaml") if p.name != "report.yaml")


# A number in ASCII digits that a synthetic brief may vary: not a year (2021, 2021年) nor part of a date (6月, 7日)
_NUMBER = re.compile(r"(?<![0-9.])[0-9]+(?:\.[0-9]+)?(?![0-9.])")
_DATE_AFTER = "年月日号"


def _variable(text: str, match: re.Match[str]) -> bool:
    number = match.group()
    return text[match.end():match.end() + 1] not in tuple(_DATE_AFTER) \
        and not re.fullmatch(r"(19|20)\d\d", number)


def _numbers(text: str) -> set[str]:
    return {m.group() for m in _NUMBER.finditer(text) if _variable(text, m)}


def _renumber(text: str, changes: dict[str, str]) -> str:
    """``text`` with each variable number that ``changes`` names replaced; brief and seed alike."""
    return _NUMBER.sub(lambda m: changes.get(m.group(), m.group()) if _variable(text, m) else m.group(), text)


def _changes(numbers: set[str], rng: random.Random) -> dict[str, str]:
    """About half of ``numbers`` with their last digit changed (never to 0 alone or after the point, so the
    length and form stay): the figures a synthetic province states differently from its template."""
    changes = {}
    for number in sorted(numbers):
        if rng.random() < 0.5:
            continue
        last = number[-1]
        zero_ok = len(number) > 1 and number[-2] != "."
        changes[number] = number[:-1] + rng.choice([d for d in "123456789" + "0" * zero_ok if d != last])
    return changes


def _strings(value: object, change: Callable[[str], str]) -> object:
    """``value`` (a parsed brief or part of one) with ``change`` applied to every string and number in it."""
    if isinstance(value, dict):
        return {key: _strings(item, change) for key, item in value.items()}
    if isinstance(value, list):
        return [_strings(item, change) for item in value]
    if isinstance(value, str):
        return change(value)
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        text = repr(value)
        changed = change(text)
        return value if changed == text else type(value)(changed)
    return value


def _replace_province(text: str, old: str, new: str) -> str:
    """安徽 → 江苏 in running text; 浙江省/上海市 take the new name's own 省 or 市."""
    suffix = "市" if new in CITIES else "省"
    text = re.sub(re.escape(old) + "[省市]", new + suffix, text)
    return text.replace(old, new)


def synthetic_brief(template: dict, index: int, seeds: dict[str, str]) -> tuple[dict, dict[str, str]]:
    """Brief number ``index`` of a batch and its own seed documents (file name → text): a copy of ``template``
    for the province of ``index``, with about half of its figures stated differently in the brief and in
    its seeds alike (``seeds``: the template's seed texts by file name), so every figure still proves."""
    province, stem = PROVINCES[index % len(PROVINCES)]
    old = template["province"]
    files = [source["file"] for source in template["sources"]]
    figures = set().union(*(_numbers(seeds[file]) for file in files))
    stated = _numbers(json.dumps({key: value for key, value in template.items() if key != "sources"},
                                 ensure_ascii=False))
    changes = _changes(stated & figures, random.Random(index))
    renamed = {file: f"{Path(file).stem}-{stem}-{index:04d}{Path(file).suffix}" for file in files}
    brief = {key: value if key in ("province", "regions", "sources") else
             _strings(value, lambda text: _renumber(text, changes)) for key, value in template.items()}
    brief["province"] = province
    brief["title"] = _replace_province(brief["title"], old, province)
    brief["lead"] = _replace_province(brief["lead"], old, province)
    brief["sources"] = [{**source, "file": renamed[source["file"]]} for source in template["sources"]]
    return brief, {renamed[file]: _renumber(seeds[file], changes) for file in files}


def make_project(project: Path, n: int, into: Path) -> Path:
    """A folder laid out like the project (briefs/ with report.yaml, seeds/) holding ``n`` briefs."""
    briefs_dir = into / "briefs"
    briefs_dir.mkdir(parents=True)
    shutil.copytree(project / "seeds", into / "seeds")
    shutil.copy2(project / "briefs" / "report.yaml", briefs_dir / "report.yaml")
    for folder in (p for p in (project / "briefs").iterdir() if p.is_dir()):  # photos and the like
        shutil.copytree(folder, briefs_dir / folder.name)
    sources = real_briefs(project)
    if n == len(sources):  # the real briefs themselves
        for path in sources:
            shutil.copy2(path, briefs_dir / path.name)
        return into
    templates = [yaml.safe_load(path.read_text(encoding="utf-8")) for path in sources]
    seeds = {}
    for path in (project / "seeds").iterdir():
        with open(path, encoding="utf-8", newline="") as f:  # line ends kept as they are
            seeds[path.name] = f.read()
    for index in range(n):
        brief, own_seeds = synthetic_brief(templates[index % len(templates)], index, seeds)
        for file, text in own_seeds.items():
            with open(into / "seeds" / file, "w", encoding="utf-8", newline="") as f:
                f.write(text)
        stem = PROVINCES[index % len(PROVINCES)][1]
        name = f"{stem}.yaml" if n <= len(PROVINCES) else f"{stem}-{index:04d}.yaml"
        (briefs_dir / name).write_text(yaml.safe_dump(brief, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return into


# --------------------------------------------------------------------------------------------------
# Running a child process and measuring it

@dataclass
class Run:
    wall: float
    cpu: float
    maxrss_kb: int           # largest single process (wait4 reports the child and its reaped descendants)
    tree_rss_kb: int | None  # sampled sum of PSS over the process tree, when sampled
    returncode: int
    stdout: str
    stderr: str


def _proc_kb(path: str, field: str) -> int | None:
    """A "Field:  N kB" value from a /proc file, or None when the file or field is not there."""
    try:
        with open(path) as f:
            for line in f:
                if line.startswith(field + ":"):
                    return int(line.split()[1])
    except (OSError, IndexError, ValueError):
        pass
    return None


def _pss_kb(pid: int) -> int:
    """Proportional set size (shared pages of forked workers counted once overall), else RSS."""
    pss = _proc_kb(f"/proc/{pid}/smaps_rollup", "Pss")
    if pss is not None:
        return pss
    try:
        with open(f"/proc/{pid}/statm") as f:
            return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") // 1024
    except (OSError, IndexError, ValueError):
        return 0


def _descendants(root: int) -> list[int]:
    parents: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as f:
                    stat = f.read()
                parents[int(entry)] = int(stat[stat.rindex(")") + 2:].split()[1])
            except (OSError, ValueError):
                pass
    found, frontier = [root], [root]
    while frontier:
        frontier = [pid for pid, ppid in parents.items() if ppid in frontier]
        found += frontier
    return found


def _hwm_kb(pid: int) -> int:
    """VmHWM: the peak RSS of the process since its exec (0 once it is gone)."""
    return _proc_kb(f"/proc/{pid}/status", "VmHWM") or 0


class Sampler(threading.Thread):
    """Every ``interval`` s: the child's VmHWM and, if asked, the summed PSS of its process tree."""

    def __init__(self, pid: int, tree: bool, interval: float = 0.05):
        super().__init__(daemon=True)
        self.pid, self.tree, self.interval = pid, tree, interval
        self.hwm_kb = self.tree_kb = 0
        self.done = threading.Event()

    def sample(self) -> None:
        self.hwm_kb = max(self.hwm_kb, _hwm_kb(self.pid))
        if self.tree:
            self.tree_kb = max(self.tree_kb, sum(_pss_kb(pid) for pid in _descendants(self.pid)))

    def run(self) -> None:
        self.sample()
        while not self.done.wait(self.interval):
            self.sample()


def run_child(cmd: list[str], cwd: Path, sample_tree: bool = False) -> Run:
    """Run ``cmd`` to the end; wall time, CPU and peak memory of it (and its reaped children).

    Linux reports as a child's ``ru_maxrss`` at least the RSS its parent had when it forked (the
    parent's pages count until the exec), so when ``ru_maxrss`` does not exceed this process's own
    peak, the child's VmHWM sampled from /proc (peak since its exec) is used instead.
    """
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        floor_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        start = time.perf_counter()
        child = subprocess.Popen(cmd, cwd=cwd, stdout=out, stderr=err, stdin=subprocess.DEVNULL)
        sampler = Sampler(child.pid, sample_tree)
        sampler.start()
        try:
            _, status, usage = os.wait4(child.pid, 0)
        except BaseException:  # interrupted: leave no build running behind
            child.kill()
            child.wait()
            raise
        wall = time.perf_counter() - start
        sampler.done.set()
        sampler.join()
        child.returncode = os.waitstatus_to_exitcode(status)  # reaped here; keep Popen from waiting again
        maxrss = usage.ru_maxrss if usage.ru_maxrss > floor_kb else max(sampler.hwm_kb, 1)
        out.seek(0)
        err.seek(0)
        return Run(wall, usage.ru_utime + usage.ru_stime, maxrss, sampler.tree_kb if sample_tree else None,
                   child.returncode, out.read().decode("utf-8", "replace"), err.read().decode("utf-8", "replace"))


def briefing_command() -> list[str]:
    """The installed ``briefing`` script of this interpreter (not a pyenv shim), else ``python -m briefing``."""
    script = Path(sys.executable).parent / "briefing"
    if script.is_file() and os.access(script, os.X_OK):
        return [str(script)]
    return [sys.executable, "-m", "briefing"]


def build_options(cmd: list[str]) -> set[str]:
    """Which optional features ``briefing build --help`` lists today (--jobs, --force)."""
    help_text = subprocess.run([*cmd, "build", "--help"], capture_output=True, text=True, check=True).stdout
    return {option for option in ("--jobs", "--force") if re.search(re.escape(option) + r"\b", help_text)}


# --------------------------------------------------------------------------------------------------
# The benchmark

class _Medians:
    """Medians over ``self.runs`` (a list of Run)."""

    runs: list[Run]

    @property
    def wall(self) -> float:
        return statistics.median(r.wall for r in self.runs)

    @property
    def cpu(self) -> float:
        return statistics.median(r.cpu for r in self.runs)

    @property
    def maxrss_mb(self) -> float:
        return max(r.maxrss_kb for r in self.runs) / 1024


@dataclass
class Result(_Medians):
    n: int
    mode: str
    runs: list[Run]
    pdf_sizes: dict[str, int] = field(default_factory=dict)  # name → bytes, after the last run
    tree_runs: list[Run] = field(default_factory=list)  # untimed runs that sampled the tree's memory

    @property
    def tree_rss_mb(self) -> float | None:
        values = [r.tree_rss_kb for r in self.runs + self.tree_runs if r.tree_rss_kb is not None]
        return max(values) / 1024 if values else None

    @property
    def peak_mb(self) -> float:
        """Best estimate of peak memory: the summed tree when sampled, else the single process."""
        tree = self.tree_rss_mb
        return max(self.maxrss_mb, tree) if tree is not None else self.maxrss_mb

    @property
    def brief_pdfs(self) -> list[int]:
        return [size for name, size in self.pdf_sizes.items() if name != "combined.pdf"]


def pdf_sizes(out_dir: Path) -> dict[str, int]:
    return {p.name: p.stat().st_size for p in out_dir.glob("*.pdf")} if out_dir.is_dir() else {}


def check(run: Run, what: str) -> None:
    if run.returncode != 0:
        sys.exit(f"bench: {what} failed with exit status {run.returncode}:\n{run.stderr[-3000:]}")


def time_build(cmd: list[str], work: Path, n: int, mode: str, extra: list[str], runs: int, cold: bool,
               sample_tree: bool, before_each: Callable[[], None] = lambda: None) -> Result:
    out_dir = work / "out"
    argv = [*cmd, "build", "--briefs", str(work / "briefs"), "--out", str(out_dir), *extra]
    result = Result(n, mode, [])
    # sampling the tree's PSS reads every process's page tables 20 times a second: on 2 cores that
    # took about a fifth of the build's time (1000 briefs: 18.8 s sampled, 14.9 s not). So the timed
    # runs are not sampled, and one more run, only for the tree's memory, is.
    for index in range(runs + sample_tree):
        sampled = index == runs
        if cold:
            shutil.rmtree(out_dir, ignore_errors=True)
        before_each()
        run = run_child(argv, work, sampled)
        label = "memory run" if sampled else f"run {index + 1}/{runs}"
        check(run, f"N={n} {mode} ({label}): {shlex.join(argv)}")
        if sampled:
            result.tree_runs.append(run)
        else:
            result.runs.append(run)
        print(f"  N={n:<5} {mode:<26} {label}: wall {run.wall:7.2f} s  cpu {run.cpu:7.2f} s  "
              f"rss {run.maxrss_kb / 1024:6.1f} MB" + (f"  tree PSS {run.tree_rss_kb / 1024:6.1f} MB"
                                                      if run.tree_rss_kb is not None else ""), flush=True)
    result.pdf_sizes = pdf_sizes(out_dir)
    written = len(result.brief_pdfs)
    if cold and written != n:
        sys.exit(f"bench: N={n} {mode}: expected {n} brief PDFs in {out_dir}, found {written}")
    return result


def stray_entries(work: Path) -> list[str]:
    """Anything a build left beside briefs/, seeds/ and out/ (a cache there would make 'cold' runs warm)."""
    return sorted(p.name for p in work.iterdir() if p.name not in ("briefs", "seeds", "out"))


def bench_size(cmd: list[str], project: Path, n: int, runs: int, options: set[str], tmp: Path) -> list[Result]:
    work = make_project(project, n, tmp / f"n{n}")
    results = []
    if runs > 1:  # warm the page cache (fonts, interpreter) so the median is of comparable runs
        warm = run_child([*cmd, "build", "--briefs", str(work / "briefs"), "--out", str(work / "out")], work)
        check(warm, f"N={n} warm-up build")
    results.append(time_build(cmd, work, n, "cold", [], runs, cold=True, sample_tree=False))
    stray = stray_entries(work)
    if stray:
        print(f"  warning: the build wrote {stray} outside out/; cold runs delete only out/", file=sys.stderr)
    if "--jobs" in options:
        for jobs in (1, 2):
            results.append(time_build(cmd, work, n, f"cold --jobs {jobs}", ["--jobs", str(jobs)], runs,
                                      cold=True, sample_tree=jobs > 1))
    if "--force" in options:
        # out/ is complete from the last cold run; build again with nothing changed
        results.append(time_build(cmd, work, n, "incremental (no change)", [], runs, cold=False,
                                  sample_tree=False))
        if n > 3:  # one brief edited before each run: it and combined.pdf are made again
            middle = sorted(p for p in (work / "briefs").glob("*.yaml") if p.name != "report.yaml")[n // 2]
            results.append(time_build(cmd, work, n, "incremental (one changed)", [], runs, cold=False,
                                      sample_tree=False, before_each=lambda: edit_lead(middle)))
    return results


def edit_lead(brief: Path) -> None:
    """Change one character of a brief's lead (，↔、), so each build after it has one brief to make."""
    lines = brief.read_text(encoding="utf-8").splitlines(keepends=True)
    for index, line in enumerate(lines):
        if line.startswith("lead:"):
            lines[index] = line.replace("，", "、", 1) if "，" in line else line.replace("、", "，", 1)
            break
    brief.write_text("".join(lines), encoding="utf-8")


@dataclass
class Reference(_Medians):
    label: str
    code: str
    runs: list[Run]



REFERENCES = [
    ("interpreter start", "pass"),
    ("import reportlab.platypus", "import reportlab.platypus"),
    # ReportLab loading the shipped faces itself, so the floor does not include any work of ours
    ("floor: import + font loading", "import reportlab.platypus, glob; from reportlab.pdfbase.ttfonts import TTFont; "
     f"[TTFont(f'F{{n}}', p) for n, p in enumerate(sorted(glob.glob({str(ROOT / 'fonts' / '*.ttf')!r})))]"),
]


def bench_references(runs: int, cwd: Path) -> list[Reference]:
    results = []
    for label, code in REFERENCES:
        argv = [sys.executable, "-c", code]
        check(run_child(argv, cwd), f"warm-up of {label}")
        ref = Reference(label, code, [])
        for _ in range(runs):
            run = run_child(argv, cwd)
            check(run, label)
            ref.runs.append(run)
        print(f"  {label:<30} wall {ref.wall:6.3f} s  cpu {ref.cpu:6.3f} s  rss {ref.maxrss_mb:6.1f} MB", flush=True)
        results.append(ref)
    return results


@dataclass
class Runs(_Medians):
    runs: list[Run]


@dataclass
class Paired:
    """The seed build and the floor run alternately, so each pair sees the same machine (its speed drifts
    by a fifth or more over minutes; a ratio of medians taken minutes apart carries that drift)."""

    seed: Runs
    floor: Runs

    @property
    def ratio(self) -> float:
        return statistics.median(s.wall / f.wall for s, f in zip(self.seed.runs, self.floor.runs))


def bench_paired(cmd: list[str], project: Path, pairs: int, tmp: Path) -> Paired:
    work = make_project(project, 3, tmp / "paired")
    out_dir = work / "out"
    build = [*cmd, "build", "--briefs", str(work / "briefs"), "--out", str(out_dir)]
    floor = [sys.executable, "-c", REFERENCES[-1][1]]
    check(run_child(build, work), "paired warm-up build")
    result = Paired(Runs([]), Runs([]))
    for index in range(pairs):
        result.floor.runs.append(run_child(floor, work))
        check(result.floor.runs[-1], "floor")
        shutil.rmtree(out_dir, ignore_errors=True)
        result.seed.runs.append(run_child(build, work))
        check(result.seed.runs[-1], "paired seed build")
        print(f"  pair {index + 1}/{pairs}: floor {result.floor.runs[-1].wall:.3f} s, seed build cold "
              f"{result.seed.runs[-1].wall:.3f} s", flush=True)
    return result


# --------------------------------------------------------------------------------------------------
# Report

def _kb(size: float) -> str:
    return f"{size / 1024:,.1f} KB" if size < 1024 * 1024 else f"{size / 1024 / 1024:,.2f} MB"


def results_table(results: list[Result]) -> str:
    lines = ["| N | build | runs | wall (median) | CPU user+sys (median) | ms / brief | peak RSS | "
             "PDF total | PDF mean / brief | PDF max / brief | combined.pdf |",
             "|--:|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|"]
    for r in results:
        briefs = r.brief_pdfs
        rss = f"{r.maxrss_mb:.0f} MB" + (f" ({r.tree_rss_mb:.0f} MB tree PSS)" if r.tree_rss_mb is not None else "")
        combined = r.pdf_sizes.get("combined.pdf")
        lines.append(
            f"| {r.n} | {r.mode} | {len(r.runs)} | {r.wall:.2f} s | {r.cpu:.2f} s | {r.wall / r.n * 1000:.1f} | "
            f"{rss} | {_kb(sum(r.pdf_sizes.values()))} | {_kb(statistics.mean(briefs)) if briefs else '—'} | "
            f"{_kb(max(briefs)) if briefs else '—'} | {_kb(combined) if combined else '—'} |")
    return "\n".join(lines)


def reference_table(refs: list[Reference]) -> str:
    lines = ["| reference | command | runs | wall (median) | CPU user+sys (median) | peak RSS |",
             "|---|---|--:|--:|--:|--:|"]
    for ref in refs:
        lines.append(f"| {ref.label} | `python -c \"{ref.code}\"` | {len(ref.runs)} | {ref.wall:.3f} s | "
                     f"{ref.cpu:.3f} s | {ref.maxrss_mb:.0f} MB |")
    return "\n".join(lines)


def _find(results: list[Result], n: int, mode: str) -> Result | None:
    return next((r for r in results if r.n == n and r.mode == mode), None)


def targets_table(results: list[Result], refs: list[Reference], sizes: list[int], paired: Paired | None = None) -> str:
    def verdict(ok: bool) -> str:
        return "**met**" if ok else "**not met**"

    rows = []
    floor = refs[-1].wall
    seed = _find(results, 3, "cold")
    if paired:
        rows.append(("seed build (N=3) cold ≤ 1.5 × floor (import reportlab.platypus + font loading), "
                     f"{len(paired.seed.runs)} alternating pairs",
                     f"median of the pairs' ratios {paired.ratio:.2f} (medians {paired.seed.wall:.2f} s and "
                     f"{paired.floor.wall:.2f} s)", verdict(paired.ratio <= TARGET_SEED_RATIO)))
    elif seed:
        ratio = seed.wall / floor
        rows.append(("seed build (N=3) cold ≤ 1.5 × floor (import reportlab.platypus + font loading)",
                     f"{seed.wall:.2f} s = {ratio:.2f} × {floor:.2f} s", verdict(ratio <= TARGET_SEED_RATIO)))
    big_n = 1000 if 1000 in sizes else max(sizes)
    big = _find(results, big_n, "cold --jobs 2")
    note = ""
    if big is None:
        big, note = _find(results, big_n, "cold"), " (no --jobs option yet: default build)"
    if big:
        ms = big.wall / big.n * 1000
        rows.append((f"{big.n} briefs + combined, --jobs 2: ≤ {TARGET_MS_PER_BRIEF:g} ms per brief{note}",
                     f"{ms:.1f} ms", verdict(ms <= TARGET_MS_PER_BRIEF)))
        rows.append((f"{big.n} briefs + combined, --jobs 2: peak memory ≤ {TARGET_PEAK_MB:g} MB{note}",
                     f"{big.peak_mb:.0f} MB", verdict(big.peak_mb <= TARGET_PEAK_MB)))
    incremental = _find(results, big_n, "incremental (no change)")
    if incremental:
        rows.append((f"second build of {big_n} briefs, nothing changed: ≤ {TARGET_INCREMENTAL_S:g} s",
                     f"{incremental.wall:.2f} s", verdict(incremental.wall <= TARGET_INCREMENTAL_S)))
    else:
        rows.append((f"second build of {big_n} briefs, nothing changed: ≤ {TARGET_INCREMENTAL_S:g} s",
                     "not measured: `briefing build` has no --force option (no incremental build) yet", "—"))
    sizes_seen = [size for r in results for size in r.brief_pdfs]
    if sizes_seen:
        largest = max(sizes_seen)
        rows.append((f"one-page PDF ≤ {TARGET_PDF_KB:g} KB", f"largest {_kb(largest)}",
                     verdict(largest <= TARGET_PDF_KB * 1024)))
    lines = ["| target | measured | |", "|---|---|---|"]
    lines += [f"| {a} | {b} | {c} |" for a, b, c in rows]
    return "\n".join(lines)


def _read(path: str) -> str:
    try:
        return Path(path).read_text()
    except OSError:
        return ""


def machine_description(project: Path, rev: str | None) -> list[str]:
    cpuinfo = _read("/proc/cpuinfo")
    model = next((line.split(":", 1)[1].strip() for line in cpuinfo.splitlines() if line.startswith("model name")),
                 platform.processor() or platform.machine())
    meminfo = _read("/proc/meminfo")
    mem = re.search(r"MemTotal:\s+(\d+) kB", meminfo)
    ram = f"{int(mem.group(1)) / 1024 / 1024:.1f} GiB" if mem else "unknown"
    usable = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()

    def git(*args: str) -> str:
        try:
            return subprocess.run(["git", "-C", str(project), *args], capture_output=True, text=True,
                                  check=True).stdout.strip()
        except (OSError, subprocess.CalledProcessError):
            return ""

    commit = git("rev-parse", f"{rev or 'HEAD'}^{{commit}}") or "unknown"
    dirty = "" if rev else git("status", "--porcelain", "--", "src")
    import pydantic
    import reportlab
    return [
        f"- CPU: {model}; {os.cpu_count()} logical cores ({usable} usable by this process)",
        f"- RAM: {ram}",
        f"- OS: {platform.platform()}",
        f"- Python: {platform.python_version()} ({sys.executable})",
        f"- ReportLab {reportlab.Version}, pydantic {pydantic.VERSION}, PyYAML {yaml.__version__} "
        f"(libyaml {'yes' if hasattr(yaml, 'CSafeLoader') else 'no'})",
        f"- Date (start): {dt.datetime.now().astimezone().strftime('%Y-%m-%d %H:%M %Z')}",
        f"- Git commit (start): {commit}" + (" (src/ had uncommitted changes: measured the working tree)"
                                            if dirty else " (measured a clean `git archive` export of it, --rev)" if rev else ""),
    ]


def report(results: list[Result], refs: list[Reference], sizes: list[int], options: set[str], cmd: list[str],
           machine: list[str], command_line: str, paired: Paired | None = None) -> str:
    found = ", ".join(sorted(options)) or "neither --jobs nor --force"
    return "\n".join([
        "# Benchmark results",
        "",
        "Produced by:",
        "",
        "```sh",
        command_line,
        "```",
        "",
        "## Machine",
        "",
        *machine,
        f"- Load average (1, 5, 15 min) at the start: {' '.join(f'{x:.2f}' for x in START_LOAD)}, at the end: "
        f"{' '.join(f'{x:.2f}' for x in os.getloadavg())} (the benchmark itself keeps about one core busy)",
        "",
        "## `briefing build`, end to end, as a fresh process",
        "",
        f"Command: `{shlex.join([Path(cmd[0]).name if len(cmd) == 1 else 'python -m briefing', 'build'])} "
        "--briefs TMP/briefs --out TMP/out [options]` (cwd TMP). N = 3 is the real briefs; larger N are "
        "synthetic copies (see benchmarks/README.md). *cold*: out/ deleted before each run (page cache warm). "
        "Wall and CPU time (user+sys of the child and its reaped children, from `wait4`) are medians of the runs; "
        "peak RSS is `ru_maxrss` (the largest single process; VmHWM sampled from /proc when `ru_maxrss` is only the "
        "benchmark's own RSS inherited at fork), with the peak of the summed PSS of the process "
        "tree (sampled every 50 ms) when the build runs workers, from one more run that is not timed (sampling "
        f"slows the build by about a fifth). Build options found in `briefing build --help`: {found}.",
        "",
        results_table(results),
        "",
        "## Reference commands (same interpreter, same run)",
        "",
        reference_table(refs),
        "",
        "## Targets",
        "",
        targets_table(results, refs, sizes, paired),
        "",
    ])


# --------------------------------------------------------------------------------------------------
# Profile

PROFILE_GROUPS = [  # (label, [(file suffix, function name), ...]): cumulative time of the first that exists
    ("imports (importlib _find_and_load)", [("<frozen importlib._bootstrap>", "_find_and_load")]),
    ("font loading (fonts.register)", [("briefing/page/fonts.py", "register")]),
    ("check one brief (tasks.check_one)", [("briefing/build/tasks.py", "check_one")]),
    ("  YAML + pydantic (model.load_brief)", [("briefing/source/model.py", "load_brief")]),
    ("  provenance check", [("briefing/proof/provenance.py", "prove")]),
    ("  glyph check", [("briefing/proof/glyphs.py", "missing_glyphs")]),
    ("  brief as JSON, for the page cache (model.brief_json)", [("briefing/source/model.py", "brief_json")]),
    ("  photo (photos.prepare: decode, resize, JPEG)", [("briefing/source/photos.py", "prepare")]),
    ("layout (lay_out: the fit search; at a known size for unchanged briefs)",
     [("briefing/page/layout.py", "lay_out")]),
    ("  building flowables at each size (page_flowables)", [("briefing/page/layout.py", "page_flowables")]),
    ("  measuring them (measure: wraps)", [("briefing/page/layout.py", "measure")]),
    ("    line breaking (TextBlock.break_lines)", [("briefing/page/textblock.py", "break_lines")]),
    ("draw one brief's page (render.brief_bodies)", [("briefing/page/render.py", "brief_bodies")]),
    ("write one brief's PDF from it (render.brief_pdf_of_body)", [("briefing/page/render.py", "brief_pdf_of_body")]),
    ("combined report: choosing its plan (report.choose_plan)", [("briefing/report/combined.py", "choose_plan")]),
    ("combined report: front matter (report.draw_front)", [("briefing/report/combined.py", "draw_front")]),
    ("combined report: charts, sources, 报尾 (report.draw_back)", [("briefing/report/combined.py", "draw_back")]),
    ("platypus doc.build (all drawing: wrap/split/draw, no PDF)", [("reportlab/platypus/doctemplate.py", "build")]),
    ("  drawing text lines (TextBlock.draw)", [("briefing/page/textblock.py", "draw")]),
    ("  drawing tables (Table.draw)", [("reportlab/platypus/tables.py", "draw")]),
    ("writing PDF pages (document.PdfDocument.add_page)", [("briefing/pdf/document.py", "add_page")]),
    ("font subsets (cidfont.CIDFace.write)", [("briefing/pdf/cidfont.py", "write")]),
    ("page cache: keep pages (pagecache.save)", [("briefing/build/pagecache.py", "save")]),
    ("Deflate (zlib-ng: page streams, fonts)", [("~", "<built-in method zlib_ng.zlib_ng.compress>")]),
    ("write_atomic (write + fsync + rename)", [("briefing/files.py", "write_atomic")]),
    ("  os.fsync", [("~", "<built-in method posix.fsync>")]),
]


def profile(project: Path, n: int, tmp: Path, output: Path) -> None:
    work = make_project(project, n, tmp / f"profile{n}")
    argv = [sys.executable, "-m", "cProfile", "-o", str(output), "-m", "briefing", "build", "--jobs", "1",
            "--briefs", str(work / "briefs"), "--out", str(work / "out")]  # one process: the profiler sees it all
    print(f"$ {shlex.join(argv)}", flush=True)
    run = run_child(argv, work)
    check(run, "profiled build")
    print(f"\nprofiled build of {n} briefs: wall {run.wall:.2f} s (with profiler)")
    summarise_profile(output)


def summarise_profile(output: Path) -> None:
    stats = pstats.Stats(str(output))
    total = stats.total_tt  # type: ignore[attr-defined]
    print(f"profile total {total:.2f} s\n")
    stats.sort_stats("cumulative").print_stats(15)
    table = stats.stats  # type: ignore[attr-defined]
    print("cumulative time of chosen functions (nested rows are part of the row above; the profiler inflates\n"
          "many-small-call Python code more than C, so read shares, not absolute seconds):")
    print(f"{'where':<52} {'calls':>8} {'cum s':>8} {'% total':>8}")
    for label, candidates in PROFILE_GROUPS:
        entries = []
        for suffix, name in candidates:
            entries = [(v[1], v[3]) for (file, _, func), v in table.items()
                       if func == name and (file.endswith(suffix) or suffix.endswith("/") and suffix in file)]
            if entries:
                break
        if not entries:
            print(f"{label:<52} {'—':>8}")
            continue
        calls, cum = sum(e[0] for e in entries), sum(e[1] for e in entries)
        print(f"{label:<52} {calls:>8} {cum:8.2f} {cum / total * 100:7.1f}%")


# --------------------------------------------------------------------------------------------------

def export_revision(repo: Path, rev: str, into: Path) -> Path:
    """``git archive`` of ``rev`` into ``into``, made the ``briefing`` every child process imports.

    The editable install puts the checkout's src/ on sys.path through a .pth file; PYTHONPATH comes
    before it, and fonts are found beside the imported package (``fonts_dir``), so the export is self-contained.
    """
    into.mkdir(parents=True)
    # streamed, so this process stays small (its RSS is the floor of a child's ru_maxrss)
    git = subprocess.Popen(["git", "-C", str(repo), "archive", "--format=tar", rev], stdout=subprocess.PIPE)
    assert git.stdout is not None
    with tarfile.open(fileobj=git.stdout, mode="r|") as tar:
        tar.extractall(into, filter="data") if hasattr(tarfile, "data_filter") else tar.extractall(into)
    if git.wait() != 0:
        sys.exit(f"bench: git archive {rev} failed")
    os.environ["PYTHONPATH"] = os.pathsep.join(filter(None, [str(into / "src"), os.environ.get("PYTHONPATH")]))
    check_import = subprocess.run([sys.executable, "-c", "import briefing; print(briefing.__file__)"],
                                  capture_output=True, text=True, check=True).stdout.strip()
    if not Path(check_import).resolve().is_relative_to(into.resolve()):
        sys.exit(f"bench: --rev {rev}: children import briefing from {check_import}, not from the export")
    print(f"measuring {rev} exported to {into}")
    return into


def byte_compile() -> None:
    """Compile the modules of the ``briefing`` the children import, as installing it does (pip compiles
    what it installs).

    Without this an exported revision, or any tree run with PYTHONDONTWRITEBYTECODE set (as on the
    machine this was written on), compiles every module of the package from source in every timed run:
    ~40 ms that no installed copy pays, while the floor's ReportLab is compiled already.
    """
    import compileall

    package = Path(subprocess.run([sys.executable, "-c", "import briefing; print(briefing.__file__)"],
                                  capture_output=True, text=True, check=True).stdout.strip()).parent
    if not compileall.compile_dir(package, quiet=1):
        sys.exit(f"bench: could not byte-compile {package}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default=None, help="comma-separated batch sizes (default 3,100,1000)")
    parser.add_argument("--runs", type=int, default=None,
                        help="runs per measurement (default 5 for N=3, 3 for N=100, 1 for N=1000)")
    parser.add_argument("--quick", action="store_true", help="smoke test: sizes 3,20, one run each")
    parser.add_argument("--write", action="store_true", help=f"write the report to {RESULTS.relative_to(ROOT)}")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    parser.add_argument("--command", default=None,
                        help="command that runs briefing (default: the briefing script of this interpreter)")
    parser.add_argument("--project", type=Path, default=ROOT, help="checkout holding briefs/ and seeds/")
    parser.add_argument("--rev", default=None,
                        help="measure this git revision (exported to the temporary folder and put first on "
                        "PYTHONPATH) instead of the working tree; immune to edits made while it runs")
    parser.add_argument("--profile", type=int, metavar="N", default=None,
                        help="instead: cProfile one build of N synthetic briefs and summarise where time goes")
    parser.add_argument("--profile-out", type=Path, default=Path("/tmp/prof.out"), help="cProfile output file")
    args = parser.parse_args()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # clean up (child, temporary folder) when killed

    project = args.project.resolve()
    if args.quick:
        sizes, runs_override = [3, 20], 1
    else:
        sizes = [int(s) for s in args.sizes.split(",")] if args.sizes else list(DEFAULT_SIZES)
        runs_override = args.runs
    if any(n < 1 for n in sizes):
        parser.error("sizes must be positive")

    tmp = Path(tempfile.mkdtemp(prefix="briefing-bench-"))
    try:
        repo = project
        if args.rev:
            project = export_revision(repo, args.rev, tmp / "rev")
        if args.profile:
            profile(project, args.profile, tmp, args.profile_out)
            return
        byte_compile()
        machine = machine_description(repo, args.rev)  # commit and date as the run starts
        cmd = shlex.split(args.command) if args.command else briefing_command()
        options = build_options(cmd)
        print(f"briefing command: {shlex.join(cmd)}; build options found: {sorted(options) or 'none'}")
        print("reference commands:", flush=True)
        refs = bench_references(REFERENCE_RUNS, tmp)
        paired = None
        if 3 in sizes:
            print(f"seed build and floor, alternating ({PAIRS} pairs):", flush=True)
            paired = bench_paired(cmd, project, 1 if args.quick else PAIRS, tmp)
        results: list[Result] = []
        for n in sizes:
            runs = runs_override or DEFAULT_RUNS.get(n) or (5 if n <= 10 else 3 if n <= 200 else 1)
            print(f"N = {n} ({runs} run{'s' if runs > 1 else ''}):", flush=True)
            results += bench_size(cmd, project, n, runs, options, tmp)
        command_line = shlex.join(["python", str(Path(sys.argv[0]).resolve().relative_to(ROOT))
                                   if Path(sys.argv[0]).resolve().is_relative_to(ROOT) else sys.argv[0],
                                   *sys.argv[1:]])
        text = report(results, refs, sizes, options, cmd, machine, command_line, paired)
        print()
        print(text)
        if args.write:
            RESULTS.write_text(text, encoding="utf-8")
            print(f"wrote {RESULTS}")
    finally:
        if args.keep:
            print(f"kept {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
