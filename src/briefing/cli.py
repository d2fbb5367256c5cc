"""The command line: parse options, call the library, turn its errors into one-line messages."""
from __future__ import annotations

import sys
from pathlib import Path

import click

from . import __version__
from .errors import BriefError

EXISTING_FILE = click.Path(exists=True, dir_okay=False, path_type=Path)
FOLDER = click.Path(file_okay=False, path_type=Path)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="briefing")
def main() -> None:
    """Turn YAML briefs into one-page A4 Chinese briefings (简报) and a combined report, as PDF."""


@main.command()
@click.argument("briefs", nargs=-1, type=EXISTING_FILE, metavar="[BRIEF]...")
@click.option("--briefs", "briefs_dir", type=FOLDER, default=None,
              help="Folder of briefs built when no BRIEF is named; also holds report.yaml. [default: briefs]")
@click.option("--out", "out_dir", type=FOLDER, default=Path("out"), show_default=True,
              help="Folder the PDFs are written to.")
@click.option("--seeds", "seeds_dir", type=FOLDER, default=None,
              help="Folder of source documents the briefs cite. [default: seeds/ beside the briefs folder]")
@click.option("--no-combined", is_flag=True, help="Do not write combined.pdf.")
def build(briefs: tuple[Path, ...], briefs_dir: Path | None, out_dir: Path, seeds_dir: Path | None,
          no_combined: bool) -> None:
    """Build out/<brief>.pdf for each brief and out/combined.pdf.

    With no BRIEF, builds every *.yaml in the briefs folder (report.yaml holds the report settings).
    A brief that fails is reported and its last good PDF is kept; the others are still built.
    """
    from .build import build as run_build, discover

    if briefs_dir is None:
        briefs_dir = briefs[0].parent if briefs else Path("briefs")
    paths = list(briefs) or discover(briefs_dir)
    if not paths:
        raise click.ClickException(f"no briefs found in {briefs_dir}/ (expected *.yaml files)")
    seeds = seeds_dir or briefs_dir.parent / "seeds"
    try:
        result = run_build(paths, out_dir, briefs_dir / "report.yaml", seeds, combined=not no_combined,
                           log=click.echo)
    except BriefError as error:
        _report([error])
        raise click.ClickException("no PDF was written") from None
    if result.errors:
        _report(result.errors)
        if result.combined_skipped:
            click.echo(f"note: {result.combined_skipped}", err=True)
        count = len(result.errors)
        raise click.ClickException(f"{count} brief{'s' if count > 1 else ''} failed; their last good PDFs are "
                                   "untouched")


def _report(errors: list[BriefError]) -> None:
    for error in errors:
        for problem in error.problems:
            click.echo(f"error: {problem}", err=True)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
