"""The command line: parse options, call the library, turn its errors into one-line messages."""
from __future__ import annotations

import sys
import time
from pathlib import Path

import click

from . import __version__
from .errors import BriefError

EXISTING_FILE = click.Path(exists=True, dir_okay=False, path_type=Path)
FOLDER = click.Path(file_okay=False, path_type=Path)

# arguments and options of more than one command
BRIEF_ARGS = click.argument("briefs", nargs=-1, type=EXISTING_FILE, metavar="[BRIEF]...")
BRIEFS_DIR = click.option("--briefs", "briefs_dir", type=FOLDER, default=None,
              help="Folder of briefs built when no BRIEF is named; also holds report.yaml. [default: briefs]")
OUT_DIR = click.option("--out", "out_dir", type=FOLDER, default=Path("out"), show_default=True,
              help="Folder the PDFs are written to.")
SEEDS_DIR = click.option("--seeds", "seeds_dir", type=FOLDER, default=None,
              help="Folder of source documents the briefs cite. [default: seeds/ beside the briefs folder]")
JOBS = click.option("-j", "--jobs", type=click.IntRange(min=1), default=None,
              help="Worker processes. [default: the number of CPUs this process may use]")
PAPER = click.option("--paper", type=click.Choice(["a4", "letter"]), default="a4", show_default=True,
              help="Paper size; the layout adapts and each briefing stays one page.")


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="briefing")
def main() -> None:
    """Turn YAML briefs into one-page A4 Chinese briefings (简报) and a combined report, as PDF.

    Results go to standard output; problems, notes and progress to standard error. Every command
    has --help.
    """


@main.command(short_help="Build a PDF of each brief, and out/combined.pdf.")
@BRIEF_ARGS
@BRIEFS_DIR
@OUT_DIR
@SEEDS_DIR
@click.option("--no-combined", is_flag=True, help="Do not write combined.pdf.")
@JOBS
@click.option("--force", is_flag=True, help="Rebuild every PDF, even those whose inputs did not change.")
@click.option("-q", "--quiet", is_flag=True, help="Print only errors.")
@click.option("-v", "--verbose", is_flag=True, help="Also list the PDFs left unchanged, and the time taken.")
@PAPER
@click.option("--grayscale", is_flag=True, help="For black-and-white printers: every colour and photo in grey.")
@click.option("--watermark", metavar="TEXT", default=None,
              help="Large hollow diagonal letters over every page, e.g. 内部资料 or 征求意见稿.")
def build(briefs: tuple[Path, ...], briefs_dir: Path | None, out_dir: Path, seeds_dir: Path | None,
          no_combined: bool, jobs: int | None, force: bool, quiet: bool, verbose: bool, paper: str,
          grayscale: bool, watermark: str | None) -> None:
    """Build out/<brief>.pdf for each brief, and out/combined.pdf of them all.

    With no BRIEF, builds every *.yaml in the briefs folder (report.yaml holds the report settings).
    A brief whose inputs (its file, the seeds it cites, its photo, report.yaml, the fonts, this
    program) did not change since the last good build is not built again. A brief that fails is
    reported and its last good PDF is kept; the others are still built.
    """
    import gc

    from .build.briefs import COMBINED, discover
    from .build.plan import build as run_build
    from .build.processes import BuildInterrupted, unwind_on_sigterm
    from .files import display_path, os_error_line
    from .page.geometry import page_setup

    unwind_on_sigterm()
    started = time.perf_counter()
    briefs_dir, paths, seeds = _inputs(briefs, briefs_dir, seeds_dir)
    show_bar = not quiet and sys.stdout.isatty() and len(paths) > PROGRESS_FROM
    log = (lambda line: None) if quiet or show_bar else click.echo
    with _progress(len(paths), show_bar) as advance:
        try:
            result = run_build(paths, out_dir, briefs_dir / "report.yaml", seeds, combined=not no_combined,
                               geometry=page_setup(paper, grayscale, watermark), jobs=jobs or _usable_cpus(),
                               force=force, log=log, progress=advance, every=discover(briefs_dir) if briefs else None,
                               note=lambda line: click.echo(line, err=True))
        except BriefError as error:
            _report([error])
            raise click.ClickException("no PDF was written; fix the problem above") from None
        except BuildInterrupted as error:
            raise click.ClickException(f"{error}; the PDFs already in {out_dir}/ are whole") from None
        except OSError as error:
            line = os_error_line(error, "write")
            raise click.ClickException(f"{line}; the PDFs already in {out_dir}/ are whole") from None
    # the build's objects are freed as the process ends; frozen, the collector does not walk them all
    # once more first (~40 ms of a three-brief build)
    gc.freeze()
    if verbose and not quiet:
        for path in result.unchanged:
            click.echo(f"unchanged {path}")
    if not quiet and (show_bar or verbose or not result.written):
        took = f" in {time.perf_counter() - started:.2f} s" if verbose else ""
        click.echo(f"{plural(len(result.written), 'PDF')} written, {len(result.unchanged)} unchanged, "
                   f"in {out_dir}/{took}")
    if result.errors:
        _report(result.errors)
    if result.combined_skipped:
        click.echo(f"{display_path(out_dir / COMBINED)}: {result.combined_skipped}", err=True)
    if result.errors:
        raise click.ClickException(failed_build_message(paths, out_dir, result.written + result.unchanged))


def plural(count: int, noun: str, nouns: str | None = None) -> str:
    """``1 brief``, ``2 briefs``, ``0 briefs``."""
    return f"{count} {noun if count == 1 else nouns or noun + 's'}"


def failed_build_message(paths: list[Path], out_dir: Path, done: list[Path]) -> str:
    """The last line after a build in which some briefs failed: how many, and what became of their PDFs."""
    failed = [out_dir / f"{path.stem}.pdf" for path in paths if out_dir / f"{path.stem}.pdf" not in done]
    kept = sum(pdf.exists() for pdf in failed)
    new = len(failed) - kept
    if not new:
        fate = "its last good PDF is kept" if kept == 1 else "their last good PDFs are kept"
    elif not kept:
        fate = "it has no PDF yet" if new == 1 else "none has a PDF yet"
    else:
        fate = (f"{kept} {'keeps its' if kept == 1 else 'keep their'} last good PDF; "
                f"{new} {'has' if new == 1 else 'have'} none yet")
    return f"{plural(len(failed), 'brief')} failed ({fate})"


PROGRESS_FROM = 5  # briefs; fewer print one line each


def _usable_cpus() -> int:
    """The CPUs this process may run on (a container or ``taskset`` may allow fewer than the machine has)."""
    import os

    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0)) or 1
    return os.cpu_count() or 1


class _progress:
    """A progress bar on a terminal; a no-op otherwise."""

    def __init__(self, total: int, shown: bool):
        self.bar = click.progressbar(length=total, label="building", file=sys.stderr) if shown else None
        self.done = 0

    def __enter__(self):
        if self.bar:
            self.bar.__enter__()
        return self.advance

    def advance(self, done: int, total: int) -> None:
        if self.bar:
            self.bar.length = total
            self.bar.update(done - self.done)
        self.done = done

    def __exit__(self, *exc: object) -> None:
        if self.bar:
            self.bar.__exit__(*exc)


@main.command(short_help="Check briefs and prove their figures; write nothing.")
@BRIEF_ARGS
@click.option("--briefs", "briefs_dir", type=FOLDER, default=None,
              help="Folder of briefs checked when no BRIEF is named; also holds report.yaml. [default: briefs]")
@click.option("--seeds", "seeds_dir", type=FOLDER, default=None,
              help="Folder of source documents. [default: seeds/ beside the briefs folder]")
@click.option("--format", "output_format", type=click.Choice(["text", "json"]), default="text", show_default=True,
              help="text: one 'file:line:col: field: message' line per problem; json: a list of objects.")
@click.option("--paper", type=click.Choice(["a4", "letter"]), default="a4", show_default=True,
              help="Paper the one-page fit is checked for.")
def check(briefs: tuple[Path, ...], briefs_dir: Path | None, seeds_dir: Path | None, output_format: str,
          paper: str) -> None:
    """Check briefs without writing PDFs: fields, every figure against its source, glyphs, one-page fit.

    Exit status 0 when every brief is good, 1 otherwise.
    """
    import json

    from .build.briefs import name_problems
    from .files import os_error_line
    from .page.geometry import page_setup
    from .proof.check import check_all

    briefs_dir, paths, seeds = _inputs(briefs, briefs_dir, seeds_dir)
    try:
        reports = check_all(paths, seeds, briefs_dir / "report.yaml", page_setup(paper))
    except OSError as error:
        raise click.ClickException(os_error_line(error, "read")) from None
    problems = list(name_problems(paths).values()) + [problem for report in reports for problem in report.problems]
    if output_format == "json":
        click.echo(json.dumps([p.as_dict() for p in problems], ensure_ascii=False, indent=2))
    else:
        for problem in problems:
            click.echo(str(problem), err=True)
        for report in reports:
            if not report.problems:
                fit = f"fits one page at {report.body_size:g} pt" if report.body_size is not None else \
                    "its fit not checked until report.yaml is good"
                click.echo(f"{report.file}: ok, {plural(report.figures_verified, 'figure')} verified against "
                           f"their sources, {fit}")
    if problems:
        files = len({problem.file for problem in problems})
        raise click.ClickException(f"{plural(len(problems), 'problem')} in {plural(files, 'file')}")


@main.command(short_help="Print the JSON Schema of a brief, for editors.")
def schema() -> None:
    """Print the JSON Schema of a brief; schema/brief.schema.json is this output, committed for editors."""
    from .source.schema import brief_schema_json

    click.echo(brief_schema_json(), nl=False)


@main.command(short_help="Write a commented skeleton brief to fill in.")
@click.argument("slug")
@click.option("--province", required=True, help="Short province name as printed, e.g. 江苏.")
@click.option("--briefs", "briefs_dir", type=FOLDER, default=Path("briefs"), show_default=True,
              help="Folder the new brief is written to.")
def new(slug: str, province: str, briefs_dir: Path) -> None:
    """Write briefs/SLUG.yaml, a commented skeleton brief to fill in; never overwrites a file.

    Every value is quoted, so any province name reads back as typed. `briefing check` then says what
    is still missing.
    """
    from .author.skeleton import new_brief, next_step

    try:
        path = new_brief(briefs_dir, slug, province)
    except BriefError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"wrote {path}")
    click.echo(next_step(str(path)))


@main.command(short_help="Build, then rebuild whenever a brief, seed, photo or font changes.")
@BRIEF_ARGS
@BRIEFS_DIR
@OUT_DIR
@SEEDS_DIR
@JOBS
@PAPER
@click.option("--poll", is_flag=True,
              help="Look for changes by reading file times every 0.2 s instead of being told by the system "
                   "(for network folders).")
def watch(briefs: tuple[Path, ...], briefs_dir: Path | None, out_dir: Path, seeds_dir: Path | None,
          jobs: int | None, paper: str, poll: bool) -> None:
    """Build, then build again each time a brief, report.yaml, a photo, a seed or a font changes.

    Each round prints the PDFs written and every problem found, one 'file:line:col: field: message'
    line each, as check does. A brief that fails keeps its last good PDF, so a PDF viewer showing it
    goes on showing it; the others are still built. Only what changed is built again. Ctrl-C stops.
    """
    from .build.processes import unwind_on_sigterm
    from .build.watch import Project, Round
    from .build.watch import watch as run_watch
    from .files import display_path
    from .page.fonts import fonts_dir
    from .page.geometry import page_setup

    unwind_on_sigterm()
    briefs_dir, _, seeds = _inputs(briefs, briefs_dir, seeds_dir, require_briefs=False)
    if not briefs_dir.is_dir():
        raise click.ClickException(f"no folder {briefs_dir}/ to watch: run this where briefs/ is, or give --briefs")
    project = Project(briefs_dir, seeds, out_dir, fonts_dir(), briefs)

    def report(done: Round) -> None:
        what = ", ".join(display_path(path) for path in done.changed[:3]) if done.changed else "first build"
        more = f" and {len(done.changed) - 3} more" if len(done.changed) > 3 else ""
        click.echo(f"[{time.strftime('%H:%M:%S')}] {what}{more}{' changed' if done.changed else ''}", err=True)
        for problem in done.problems:
            click.echo(str(problem), err=True)
        written, kept = len(done.result.written), len(done.result.unchanged)
        if done.problems:
            click.echo(f"{plural(len(done.problems), 'problem')}: the last good PDFs are kept; "
                       f"{plural(written, 'PDF')} written in {done.seconds:.2f} s", err=True)
        else:
            click.echo(f"ok: {plural(written, 'PDF')} written, {kept} unchanged, in {done.seconds:.2f} s", err=True)

    how = "polling" if poll else "watching"
    click.echo(f"{how} {', '.join(display_path(folder) + '/' for folder in project.folders())} for changes; "
               "Ctrl-C stops", err=True)
    try:
        run_watch(project, report, poll, geometry=page_setup(paper), jobs=jobs or _usable_cpus(), log=click.echo,
                  note=lambda line: click.echo(line, err=True))
    except KeyboardInterrupt:
        click.echo("stopped", err=True)


@main.command(short_help="Draft a brief from an article in seeds/: its figures and text.")
@click.argument("seed", metavar="SEED")
@click.option("--province", required=True, help="Short province name as printed, e.g. 江苏.")
@click.option("--slug", default=None,
              help="Name of the brief file (lower-case letters, digits, '-'). [default: from the province, e.g. jiangsu]")
@click.option("--briefs", "briefs_dir", type=FOLDER, default=Path("briefs"), show_default=True,
              help="Folder the new brief is written to.")
@click.option("--seeds", "seeds_dir", type=FOLDER, default=None,
              help="Folder of source documents. [default: seeds/ beside the briefs folder]")
def draft(seed: str, province: str, slug: str | None, briefs_dir: Path, seeds_dir: Path | None) -> None:
    """Write briefs/SLUG.yaml drafted from SEED, an article in seeds/ (never overwrites).

    The source is filled in from the article; every figure it states becomes a candidate tile (value,
    unit, qualifier, the verbatim quote, an as-of from its sentence and a guessed kind), the six most
    telling active and the rest commented out; each paragraph becomes a commented candidate point.
    The title, lead, headings and points are left for you to write ('某某'): check refuses them until then.
    """
    from .author.draft import draft_brief

    seeds = seeds_dir or briefs_dir.parent / "seeds"
    path = Path(seed)
    if not path.is_file() and (seeds / seed).is_file():
        path = seeds / seed
    try:
        written, _, found = draft_brief(path, briefs_dir, province, slug)
    except BriefError as error:
        raise click.ClickException(str(error)) from None
    active = sum(1 for line in written.read_text(encoding="utf-8").splitlines() if line.startswith("  - kind:"))
    click.echo(f"wrote {written}: {plural(len(found), 'figure')} found, {active} active as tiles")
    click.echo(f"now write the title, lead, headings and points (every 某某) and check each guess; "
               f"`briefing check {written}` says what is still missing", err=True)


def _inputs(briefs: tuple[Path, ...], briefs_dir: Path | None, seeds_dir: Path | None,
            require_briefs: bool = True) -> tuple[Path, list[Path], Path]:
    """The briefs folder, the brief files and the seeds folder a command works on."""
    from .build.briefs import discover, skipped

    if briefs_dir is None:
        briefs_dir = briefs[0].parent if briefs else Path("briefs")
    paths = list(briefs) or discover(briefs_dir)
    if not briefs:
        for path in skipped(briefs_dir):
            click.echo(f"{path}: skipped (a hidden or editor file, or settings not named report.yaml)", err=True)
    if not paths and require_briefs:
        raise click.ClickException(f"no briefs found in {briefs_dir}/ (expected *.yaml files)")
    return briefs_dir, paths, seeds_dir or briefs_dir.parent / "seeds"


def _report(errors: list[BriefError]) -> None:
    """Each problem on standard error as ``file:line:col: field: message``, the one form of every command."""
    for error in errors:
        for problem in error.problems:
            click.echo(str(problem), err=True)


PDF_FILE = click.Path(dir_okay=False, path_type=Path)  # not exists=True: a missing PDF is an input error (exit 1)
DEFAULT_OUT = Path("out")


@main.command(short_help="Render PDF pages, and a contact sheet, as PNG images.")
@click.argument("pdfs", nargs=-1, type=PDF_FILE, metavar="[PDF]...")
@click.option("--dpi", type=click.IntRange(36, 600), default=110, show_default=True,
              help="Resolution of the page images, in pixels per inch.")
@click.option("--out", "out_dir", type=FOLDER, default=DEFAULT_OUT / "preview", show_default=True,
              help="Folder the PNG files are written to.")
@click.option("--briefs", "briefs_dir", type=FOLDER, default=Path("briefs"), show_default=True,
              help="Folder whose <name>.yaml gives the province written under each page of the contact sheet.")
def preview(pdfs: tuple[Path, ...], dpi: int, out_dir: Path, briefs_dir: Path) -> None:
    """Render every page of each PDF as PNG, and a contact sheet of the briefings.

    With no PDF, previews every out/*.pdf. Each page becomes <out>/<name>-<page>.png, the page
    number zero-padded (combined-01.png to combined-12.png) so the files sort as the pages.

    The contact sheet, contact-sheet.png, shows the one-page briefings (not combined.pdf) three to
    a row, each page 640 px tall with its province underneath: the titles read on a laptop screen.
    More than 21 briefings make several sheets, contact-sheet-1.png and on.

    It never overwrites or removes a file it did not write (it keeps a record of what it wrote
    in the folder), and refuses a page larger than 40 megapixels at the chosen --dpi.
    """
    from .share.preview import PreviewError
    from .share.preview import preview as run_preview

    paths = list(pdfs) or sorted(DEFAULT_OUT.glob("*.pdf"))
    if not paths:
        raise click.ClickException(f"no PDFs in {DEFAULT_OUT}/: run `briefing build` first, or name the PDFs")
    try:
        run_preview(paths, out_dir, dpi, briefs_dir, log=click.echo)
    except PreviewError as error:
        raise click.ClickException(str(error)) from None


def _complete_printer(ctx: click.Context, param: click.Parameter, incomplete: str) -> list[str]:
    from .share.printing import queue_names

    return [name for name in queue_names() if name.startswith(incomplete)]


@main.command("print", short_help="Print PDFs with CUPS: A4, unscaled, the report two-sided.")
@click.argument("pdfs", nargs=-1, type=PDF_FILE, metavar="[PDF]...")
@click.option("--printer", "-d", metavar="NAME", shell_complete=_complete_printer,
              help="CUPS queue to print on (lpstat -e lists them). [default: the default destination]")
@click.option("--copies", "-n", type=click.IntRange(1, 999), default=1, show_default=True,
              help="Number of copies of each PDF.")
@click.option("--duplex/--simplex", default=None,
              help="Both sides of the paper (long-edge binding), or one. [default: both for a PDF of more than "
                   "one page, as the report's page numbers expect; one for a one-page briefing]")
@click.option("--dry-run", is_flag=True, help="Print the lp command lines, sides included, instead of running them.")
def print_command(pdfs: tuple[Path, ...], printer: str | None, copies: int, duplex: bool | None,
                  dry_run: bool) -> None:
    """Send PDFs to a printer with CUPS's lp: A4, at 100 % (never fitted to the page).

    With no PDF, prints out/combined.pdf (cover, contents and every briefing) on both sides of the
    paper, its page numbers alternating sides; a one-page briefing is printed one-sided.
    """
    from .share.printing import PrintError, PrintOptions, plan, print_pdfs

    paths = list(pdfs) or [DEFAULT_OUT / "combined.pdf"]
    options = PrintOptions(printer=printer, copies=copies, duplex=duplex)
    try:
        if dry_run:
            for job in plan(paths, options):
                click.echo(job.command_line)
        else:
            print_pdfs(paths, options, log=click.echo)
    except PrintError as error:
        raise click.ClickException(str(error)) from None


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
