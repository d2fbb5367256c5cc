"""Print PDFs through CUPS's ``lp``: the command line for each file, checks of the destination, sending."""
from __future__ import annotations

import os
import shlex
import shutil
import subprocess
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from ..pdf.readback import LoadedPdf, PdfFileError, load_pdf

LP = "lp"
LPSTAT = "lpstat"
MEDIA = "A4"
TIMEOUT = 60.0  # s for one lp or lpstat call
INSTALL_HINT = "apt-get install cups-client"


class PrintError(Exception):
    """Printing cannot go ahead; the message is one line saying why and, where it can, what to do."""


@dataclass(frozen=True)
class PrintOptions:
    printer: str | None = None  # None: the default destination
    copies: int = 1
    duplex: bool | None = None  # None: two-sided (long edge) for a PDF of more than one page, else one-sided


@dataclass(frozen=True)
class PrintJob:
    pdf: Path
    title: str
    two_sided: bool
    command: list[str]

    @property
    def command_line(self) -> str:
        return shlex.join(self.command)


def lp_command(pdf: Path, title: str, options: PrintOptions, two_sided: bool) -> list[str]:
    """The ``lp`` argument list that prints ``pdf`` on A4 at 100 % (no fit-to-page), one- or two-sided."""
    command = [LP]
    if options.printer:
        command += ["-d", options.printer]
    command += ["-n", str(options.copies), "-t", title,
                "-o", f"media={MEDIA}",
                "-o", "print-scaling=none",  # the page is A4 already: never shrink it to the printable area
                "-o", "sides=two-sided-long-edge" if two_sided else "sides=one-sided",
                "--", str(pdf)]
    return command


def job_title(pdf: Path) -> str:
    """The PDF's /Title, else its file name; raise ``PrintError`` if the file is missing or not a PDF."""
    return _read(pdf).title or pdf.name


def _read(pdf: Path) -> LoadedPdf:
    try:
        return load_pdf(pdf)
    except PdfFileError as error:
        raise PrintError(str(error)) from None


def plan(pdfs: list[Path], options: PrintOptions) -> list[PrintJob]:
    """One job per PDF, two-sided when it has more than one page (the combined report's page numbers
    alternate sides) unless ``options.duplex`` says; every PDF is checked before any is sent."""
    jobs = []
    for pdf in pdfs:
        loaded = _read(pdf)
        title = loaded.title or pdf.name
        two_sided = loaded.page_count > 1 if options.duplex is None else options.duplex
        jobs.append(PrintJob(pdf, title, two_sided, lp_command(pdf, title, options, two_sided)))
    return jobs


def _run(command: list[str]) -> subprocess.CompletedProcess[str]:
    """Run a CUPS client program, bounded; its messages in English so they can be read back."""
    try:
        return subprocess.run(command, capture_output=True, text=True, timeout=TIMEOUT, stdin=subprocess.DEVNULL,
                              env={**os.environ, "LC_ALL": "C"})
    except subprocess.TimeoutExpired:
        raise PrintError(f"{command[0]} did not answer within {TIMEOUT:g} s: is the CUPS scheduler stuck? "
                         "(lpstat -r tells)") from None


def _last_line(text: str) -> str:
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    return lines[-1] if lines else "no message"


def queue_names() -> list[str]:
    """The print queues CUPS knows (``lpstat -e``); empty when there are none or CUPS is not installed."""
    if shutil.which(LPSTAT) is None:
        return []
    try:
        done = _run([LPSTAT, "-e"])
    except PrintError:
        return []
    return [line.strip() for line in done.stdout.splitlines() if line.strip()] if done.returncode == 0 else []


def check_destination(printer: str | None) -> None:
    """Raise ``PrintError`` when ``lp`` is missing, the named queue does not exist, or there is no default."""
    for program in (LP, LPSTAT):
        if shutil.which(program) is None:
            raise PrintError(f"{program} not found: printing needs the CUPS client programs ({INSTALL_HINT})")
    if printer:
        if _run([LPSTAT, "-p", printer]).returncode != 0:
            queues = queue_names()
            known = (f"the queues are: {', '.join(queues)}" if queues else
                     "there is no queue at all (is CUPS running? lpstat -r tells)")
            raise PrintError(f"no print queue named {printer!r}: {known}")
    else:
        done = _run([LPSTAT, "-d"])
        if done.returncode != 0 or "system default destination:" not in done.stdout:
            raise PrintError("no default printer: name one with --printer (lpstat -e lists the queues) or set "
                             "a default with lpoptions -d NAME")


def send(job: PrintJob) -> str:
    """Queue one job with ``lp``; return what lp said (its request id)."""
    try:
        done = subprocess.run(job.command, capture_output=True, text=True, timeout=TIMEOUT,
                              stdin=subprocess.DEVNULL)
    except FileNotFoundError:
        raise PrintError(f"{LP} not found: printing needs the CUPS client programs ({INSTALL_HINT})") from None
    except subprocess.TimeoutExpired:
        raise PrintError(f"{LP} did not answer within {TIMEOUT:g} s for {job.pdf}") from None
    if done.returncode != 0:
        raise PrintError(f"{LP} failed for {job.pdf}: {_last_line(done.stderr)}")
    return _last_line(done.stdout)


def print_pdfs(pdfs: list[Path], options: PrintOptions,
               log: Callable[[str], None] = lambda line: None) -> list[PrintJob]:
    """Check every PDF and the destination, then queue each PDF with lp; log lp's answer for each."""
    jobs = plan(pdfs, options)
    check_destination(options.printer)
    for job in jobs:
        log(f"sent {job.pdf} ({'two-sided' if job.two_sided else 'one-sided'}): {send(job)}")
    return jobs
