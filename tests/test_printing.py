"""briefing print: the lp command line, its errors, and a real print through a private CUPS with cups-pdf."""
from __future__ import annotations

import os
import re
import shlex
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pypdfium2 as pdfium
import pytest
import yaml
from click.testing import CliRunner
from PIL import ImageOps

from briefing.cli import main
from briefing.share.printing import PrintError, PrintOptions, check_destination, job_title, lp_command
from conftest import page_texts, squeeze

ANHUI_TITLE = "对口援疆工作简报：安徽援疆：消费帮扶、数据标注与智慧教育助力皮山"


def run(cwd: Path, *args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "briefing", *args], cwd=cwd, capture_output=True, text=True,
                          env={**os.environ, "PYTHONWARNINGS": "error", **(env or {})}, timeout=120)


@pytest.fixture
def with_pdfs(project: Path, built: Path) -> Path:
    for pdf in built.glob("*.pdf"):
        shutil.copy(pdf, project / "out" / pdf.name)
    return project


# --- the command line, built without running anything ----------------------------------------------------------

def test_lp_command_defaults_to_the_default_queue_a4_unscaled() -> None:
    assert lp_command(Path("out/anhui.pdf"), "T", PrintOptions(), two_sided=False) == [
        "lp", "-n", "1", "-t", "T", "-o", "media=A4", "-o", "print-scaling=none", "-o", "sides=one-sided",
        "--", "out/anhui.pdf"]


def test_lp_command_with_printer_copies_and_duplex() -> None:
    command = lp_command(Path("-odd name.pdf"), "安徽 简报", PrintOptions(printer="office", copies=3), two_sided=True)
    assert command == ["lp", "-d", "office", "-n", "3", "-t", "安徽 简报", "-o", "media=A4", "-o",
                       "print-scaling=none", "-o", "sides=two-sided-long-edge", "--", "-odd name.pdf"]


@pytest.mark.parametrize("options, sides", [
    ([], {"out/combined.pdf": "two-sided-long-edge", "out/anhui.pdf": "one-sided"}),
    (["--duplex"], {"out/combined.pdf": "two-sided-long-edge", "out/anhui.pdf": "two-sided-long-edge"}),
    (["--simplex"], {"out/combined.pdf": "one-sided", "out/anhui.pdf": "one-sided"}),
])
def test_the_report_prints_two_sided_a_briefing_one_sided_unless_told(with_pdfs: Path, options: list[str],
                                                                      sides: dict[str, str]) -> None:
    """The combined report's page numbers alternate sides (verso/recto): it is made for two-sided printing."""
    done = run(with_pdfs, "print", "--dry-run", *options, "out/combined.pdf", "out/anhui.pdf")
    assert done.returncode == 0, done.stderr
    shown = {}
    for line in done.stdout.splitlines():
        words = shlex.split(line)
        shown[words[-1]] = next(w.split("=", 1)[1] for w in words if w.startswith("sides="))
    assert shown == sides


def test_duplex_and_simplex_are_one_switch() -> None:
    result = CliRunner().invoke(main, ["print", "--help"])
    assert "--duplex / --simplex" in result.output


def test_job_title_is_the_pdfs_title(built: Path, tmp_path: Path) -> None:
    assert job_title(built / "anhui.pdf") == ANHUI_TITLE
    with pytest.raises(PrintError, match=r"gone\.pdf: no such PDF"):
        job_title(tmp_path / "gone.pdf")


def fake_cups(folder: Path, default: str | None = None) -> Path:
    """An lp and lpstat that know one queue, ``office``; lp records its arguments in lp.args."""
    folder.mkdir()
    (folder / "lpstat").write_text(
        "#!/bin/sh\n"
        'case "$1" in\n'
        '  -p) [ "$2" = office ] && { echo "printer office is idle."; exit 0; }\n'
        '      echo "lpstat: Invalid destination name in list \\"$2\\"." >&2; exit 1;;\n'
        f'  -d) echo "{f"system default destination: {default}" if default else "no system default destination"}";;\n'
        "  -e) echo office;;\n"
        "esac\n", encoding="utf-8")
    (folder / "lp").write_text(
        "#!/bin/sh\n"
        f'for a in "$@"; do printf "%s\\n" "$a"; done >> "{folder}/lp.args"\n'
        'echo "request id is office-7 (1 file(s))"\n', encoding="utf-8")
    for program in ("lp", "lpstat"):
        (folder / program).chmod(0o755)
    return folder


def test_dry_run_prints_shell_quoted_lines_and_runs_nothing(with_pdfs: Path) -> None:
    bin_dir = fake_cups(with_pdfs / "bin")
    done = run(with_pdfs, "print", "--dry-run", "--duplex", "-n", "2", "out/anhui.pdf", "out/shanghai.pdf",
               env={"PATH": f"{bin_dir}:{os.environ['PATH']}"})
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0] == ("lp -n 2 -t " + shlex.quote(ANHUI_TITLE) + " -o media=A4 -o print-scaling=none "
                        "-o sides=two-sided-long-edge -- out/anhui.pdf")
    assert len(lines) == 2 and shlex.split(lines[1])[-1] == "out/shanghai.pdf"
    assert not (bin_dir / "lp.args").exists(), "a dry run runs nothing"


def test_no_pdf_prints_the_combined_report(with_pdfs: Path, monkeypatch) -> None:
    monkeypatch.chdir(with_pdfs)
    result = CliRunner().invoke(main, ["print", "--dry-run", "--printer", "office"])
    assert result.exit_code == 0, result.output
    assert shlex.split(result.output)[:3] == ["lp", "-d", "office"]
    assert shlex.split(result.output)[-1] == "out/combined.pdf"


def test_sends_each_pdf_with_lp(with_pdfs: Path) -> None:
    bin_dir = fake_cups(with_pdfs / "bin", default="office")
    done = run(with_pdfs, "print", "out/anhui.pdf", env={"PATH": f"{bin_dir}:{os.environ['PATH']}"})
    assert done.returncode == 0, done.stderr
    assert done.stdout == "sent out/anhui.pdf (one-sided): request id is office-7 (1 file(s))\n"
    assert (bin_dir / "lp.args").read_text(encoding="utf-8").splitlines() == lp_command(
        Path("out/anhui.pdf"), ANHUI_TITLE, PrintOptions(), two_sided=False)[1:]


@pytest.mark.parametrize("args, default, message", [
    (["--printer", "nosuch"], "office", "Error: no print queue named 'nosuch': the queues are: office"),
    ([], None, "Error: no default printer: name one with --printer (lpstat -e lists the queues) or set a default "
               "with lpoptions -d NAME"),
])
def test_unknown_queue_or_no_default_exit_1_one_line(with_pdfs: Path, args: list[str], default: str | None,
                                                     message: str) -> None:
    bin_dir = fake_cups(with_pdfs / "bin", default=default)
    done = run(with_pdfs, "print", *args, "out/anhui.pdf", env={"PATH": f"{bin_dir}:{os.environ['PATH']}"})
    assert (done.returncode, done.stderr) == (1, message + "\n")
    assert not (bin_dir / "lp.args").exists(), "nothing is sent"


def test_lp_missing_says_which_package(with_pdfs: Path, tmp_path: Path) -> None:
    empty = tmp_path / "empty-bin"
    empty.mkdir()
    done = run(with_pdfs, "print", "out/anhui.pdf", env={"PATH": str(empty)})
    assert done.returncode == 1
    assert done.stderr == ("Error: lp not found: printing needs the CUPS client programs "
                           "(apt-get install cups-client)\n")


@pytest.mark.parametrize("name, content, message", [
    ("missing.pdf", None, "Error: missing.pdf: no such PDF\n"),
    ("corrupt.pdf", b"not a PDF at all", "Error: corrupt.pdf: not a readable PDF (Failed to load document "
                                         "(PDFium: Data format error).)\n"),
])
def test_missing_or_corrupt_pdf_exit_1_one_line(with_pdfs: Path, name: str, content: bytes | None,
                                                message: str) -> None:
    if content is not None:
        (with_pdfs / name).write_bytes(content)
    done = run(with_pdfs, "print", "--dry-run", "out/anhui.pdf", name)
    assert (done.returncode, done.stderr, done.stdout) == (1, message, ""), "every PDF is checked first"


def test_bad_usage_exit_2() -> None:
    assert CliRunner().invoke(main, ["print", "--copies", "0", "x.pdf"]).exit_code == 2
    assert CliRunner().invoke(main, ["print", "--printer"]).exit_code == 2
    assert CliRunner().invoke(main, ["print", "--no-such-option"]).exit_code == 2


# --- a real print system: a private cupsd with a cups-pdf queue ------------------------------------------------

SBIN_PATH = f"{os.environ.get('PATH', '')}:/usr/sbin:/sbin"
CUPS_PDF_BACKEND = Path("/usr/lib/cups/backend/cups-pdf")
CUPS_PDF_PPDS = [Path("/usr/share/ppd/cups-pdf/CUPS-PDF_opt.ppd"), Path("/usr/share/cups/model/CUPS-PDF_opt.ppd")]
# cups-pdf reads its settings from this folder (built into it); a queue whose URI is cups-pdf:/NAME reads
# cups-pdf-NAME.conf, so the test's queue has its own file there, and every folder it names is temporary
CUPS_PDF_CONF_DIR = Path("/etc/cups")
QUEUE = "briefing-pdf"
START_TIMEOUT = 20.0
PRINT_TIMEOUT = 60.0
STOP_TIMEOUT = 15.0


def missing_print_system() -> str | None:
    """Why the real print system cannot be used here, or None."""
    needs = "needs the Debian packages cups and printer-driver-cups-pdf, and root"
    if not sys.platform.startswith("linux") or os.geteuid() != 0:
        return f"runs its own cupsd as root: {needs}"
    for program in ("cupsd", "lpadmin", "lp", "lpstat"):
        if shutil.which(program, path=SBIN_PATH) is None:
            return f"{program} not found: {needs}"
    if not CUPS_PDF_BACKEND.is_file() or not any(p.is_file() for p in CUPS_PDF_PPDS):
        return f"the cups-pdf backend or its PPD is missing: {needs}"
    if not os.access(CUPS_PDF_CONF_DIR, os.W_OK):
        return f"{CUPS_PDF_CONF_DIR} is not writable for the cups-pdf settings: {needs}"
    return None


@dataclass
class PrivateCups:
    base: Path
    env: dict[str, str]
    queue: str

    @property
    def pdf_dir(self) -> Path:
        return self.base / "pdf"

    def lpstat(self, *args: str) -> str:
        return subprocess.run(["lpstat", *args], env=self.env, capture_output=True, text=True, timeout=10).stdout

    def log_tail(self) -> str:
        logs = sorted((self.base / "log").glob("*"))
        return "\n".join(f"--- {p.name}\n" + "\n".join(p.read_text(errors="replace").splitlines()[-15:]) for p in logs)

    def wait_for_pdf(self, job: int) -> Path:
        """The PDF cups-pdf wrote for ``job``, once CUPS says the job is done (bounded)."""
        deadline = time.monotonic() + PRINT_TIMEOUT
        while time.monotonic() < deadline:
            if re.search(rf"^{re.escape(self.queue)}-{job}\s", self.lpstat("-W", "completed", "-o", self.queue), re.M):
                written = list(self.pdf_dir.glob(f"*-job_{job}.pdf"))
                assert len(written) == 1, f"job {job} completed without a PDF:\n{self.log_tail()}"
                return written[0]
            time.sleep(0.25)
        pytest.fail(f"job {job} not completed within {PRINT_TIMEOUT:g} s:\n{self.log_tail()}")


def write_config(base: Path, instance: str) -> tuple[Path, Path, Path]:
    for folder in ("root", "spool", "cache", "state", "log", "pdf", "cups-pdf-spool"):
        (base / folder).mkdir()
    temp = base / "tmp"
    temp.mkdir()
    temp.chmod(0o1777)  # filters run as the unprivileged user lp and write their temporary files here
    socket = base / "cups.sock"
    cupsd_conf = base / "cupsd.conf"
    cupsd_conf.write_text(f"""\
Listen {socket}
Browsing Off
WebInterface No
LogLevel info
PageLogFormat "%j %{{sides}}"
DefaultAuthType None
ErrorPolicy abort-job
<Location />
  Order allow,deny
  Allow all
</Location>
<Policy default>
  <Limit All>
    Order deny,allow
  </Limit>
</Policy>
""", encoding="utf-8")
    files_conf = base / "cups-files.conf"
    files_conf.write_text(f"""\
ServerRoot {base}/root
RequestRoot {base}/spool
TempDir {temp}
CacheDir {base}/cache
StateDir {base}/state
ErrorLog {base}/log/error_log
AccessLog {base}/log/access_log
PageLog {base}/log/page_log
""", encoding="utf-8")
    cups_pdf_conf = CUPS_PDF_CONF_DIR / f"cups-pdf-{instance}.conf"
    cups_pdf_conf.write_text(f"""\
# written by briefing's tests/test_printing.py for its private cupsd; removed when the test ends
Out {base}/pdf
AnonDirName {base}/pdf
Spool {base}/cups-pdf-spool
Log {base}/log
GSTmp {temp}
Label 2
""", encoding="utf-8")
    return cupsd_conf, files_conf, cups_pdf_conf


def stop(process: subprocess.Popen) -> None:
    """SIGTERM, then SIGKILL if cupsd has not stopped in time."""
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=STOP_TIMEOUT)


@pytest.fixture(scope="module")
def cups() -> Iterator[PrivateCups]:
    """A cupsd of the test's own (config, spool, logs and socket in a temporary folder) with a cups-pdf queue."""
    reason = missing_print_system()
    if reason:
        pytest.skip(reason)
    # not pytest's tmp_path: the filters run as user lp, who must be able to reach the spool and temp folders
    base = Path(tempfile.mkdtemp(prefix="briefing-cups-", dir="/tmp"))
    base.chmod(0o755)
    instance = f"briefing-test-{base.name.rsplit('-', 1)[-1]}"
    cups_pdf_conf = None
    process = None
    try:
        cupsd_conf, files_conf, cups_pdf_conf = write_config(base, instance)
        env = {key: value for key, value in os.environ.items() if key not in ("LPDEST", "PRINTER")}
        env.update(CUPS_SERVER=str(base / "cups.sock"), HOME=str(base), PATH=SBIN_PATH)
        with open(base / "log" / "cupsd.out", "wb") as output:
            process = subprocess.Popen([shutil.which("cupsd", path=SBIN_PATH), "-f", "-c", str(cupsd_conf),
                                        "-s", str(files_conf)], stdin=subprocess.DEVNULL, stdout=output,
                                       stderr=subprocess.STDOUT, start_new_session=True)
        server = PrivateCups(base, env, QUEUE)
        deadline = time.monotonic() + START_TIMEOUT
        while "scheduler is running" not in server.lpstat("-r"):
            if process.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"cupsd did not start:\n{server.log_tail()}")
            time.sleep(0.1)
        ppd = next(p for p in CUPS_PDF_PPDS if p.is_file())
        # pdftocairo turns the PDF into PostScript for cups-pdf keeping the text's Unicode, so the text of the
        # PDF cups-pdf writes can be compared (the default renderer, Ghostscript, keeps only glyph ids)
        subprocess.run(["lpadmin", "-p", QUEUE, "-E", "-v", f"cups-pdf:/{instance}", "-P", str(ppd),
                        "-o", "pdftops-renderer-default=pdftocairo"], env=env, check=True, capture_output=True,
                       timeout=30)
        yield server
    finally:
        if process is not None:
            stop(process)
        if cups_pdf_conf is not None:
            cups_pdf_conf.unlink(missing_ok=True)
        shutil.rmtree(base, ignore_errors=True)


def ink_box(pdf: Path, dpi: int = 50) -> tuple[int, int, int, int] | None:
    """Bounding box of everything drawn on page 1, in pixels at ``dpi``."""
    document = pdfium.PdfDocument(str(pdf))
    try:
        image = document[0].render(scale=dpi / 72).to_pil().convert("L")
    finally:
        document.close()
    return ImageOps.invert(image).point(lambda v: 255 if v > 8 else 0).getbbox()


def test_prints_a_briefing_through_cups_and_cups_pdf(project: Path, cups: PrivateCups) -> None:
    built = run(project, "build", "briefs/anhui.yaml", "--no-combined")
    assert built.returncode == 0, built.stderr
    pdf = project / "out" / "anhui.pdf"
    args = ["print", "--printer", cups.queue, "out/anhui.pdf"]

    dry = run(project, *args, "--dry-run", env=cups.env)
    assert dry.stdout.splitlines() == [shlex.join(lp_command(Path("out/anhui.pdf"), ANHUI_TITLE,
                                                             PrintOptions(printer=cups.queue), two_sided=False))]
    sent = run(project, *args, env=cups.env)
    assert sent.returncode == 0, sent.stderr
    match = re.fullmatch(rf"sent out/anhui\.pdf \(one-sided\): request id is {cups.queue}-(\d+) \(1 file\(s\)\)\n", sent.stdout)
    assert match, sent.stdout

    printed = cups.wait_for_pdf(int(match.group(1)))
    print(f"lp command: {dry.stdout.strip()}\ncups-pdf wrote {printed} ({printed.stat().st_size} bytes)")
    texts = page_texts(printed)
    assert len(texts) == 1, "one page in, one page out"
    document = pdfium.PdfDocument(str(printed))
    try:
        width, height = document[0].get_size()
    finally:
        document.close()
    assert abs(width - 595.3) < 1.5 and abs(height - 841.9) < 1.5, "A4"
    brief = yaml.safe_load((project / "briefs" / "anhui.yaml").read_text(encoding="utf-8"))
    text = squeeze(texts[0])
    assert squeeze(brief["title"]) in text and brief["province"] in text
    assert f"{brief['metrics'][1]['value']:g}" in text and brief["metrics"][1]["label"] in text
    original, reprinted = ink_box(pdf), ink_box(printed)
    assert original and reprinted and all(abs(a - b) <= 2 for a, b in zip(original, reprinted)), \
        f"printed at 100 %, not moved or scaled: {original} vs {reprinted}"


def test_real_cups_unknown_queue_and_no_default(with_pdfs: Path, cups: PrivateCups) -> None:
    done = run(with_pdfs, "print", "--printer", "no-such-queue", "out/anhui.pdf", env=cups.env)
    assert (done.returncode, done.stderr) == (1, f"Error: no print queue named 'no-such-queue': the queues are: "
                                                 f"{cups.queue}\n")
    done = run(with_pdfs, "print", "out/anhui.pdf", env=cups.env)
    assert done.returncode == 1 and done.stderr.startswith("Error: no default printer: "), done.stderr
    assert len(done.stderr.splitlines()) == 1


def test_real_cups_default_destination_from_lpdest(cups: PrivateCups, monkeypatch) -> None:
    for key, value in cups.env.items():
        monkeypatch.setenv(key, value)
    monkeypatch.setenv("LPDEST", cups.queue)
    check_destination(None)  # lp would print on $LPDEST: no error
    check_destination(cups.queue)


def job_sides(cups: PrivateCups, job: int) -> set[str]:
    """The ``sides`` CUPS printed ``job`` with, from its page log (cupsd.conf's PageLogFormat "%j %{sides}")."""
    lines = (cups.base / "log" / "page_log").read_text(encoding="utf-8").splitlines()
    return {line.strip('"').split()[1] for line in lines if line.strip('"').split()[0] == str(job)}


def test_real_cups_prints_the_report_two_sided_and_a_briefing_one_sided(with_pdfs: Path, cups: PrivateCups) -> None:
    sent = run(with_pdfs, "print", "--printer", cups.queue, "out/combined.pdf", "out/anhui.pdf", env=cups.env)
    assert sent.returncode == 0, sent.stderr
    assert re.fullmatch(rf"sent out/combined\.pdf \(two-sided\): request id is {cups.queue}-\d+ \(1 file\(s\)\)\n"
                        rf"sent out/anhui\.pdf \(one-sided\): request id is {cups.queue}-\d+ \(1 file\(s\)\)\n",
                        sent.stdout), sent.stdout
    report, briefing = (int(job) for job in re.findall(rf"request id is {cups.queue}-(\d+)", sent.stdout))
    assert len(page_texts(cups.wait_for_pdf(report))) == len(page_texts(with_pdfs / "out" / "combined.pdf"))
    cups.wait_for_pdf(briefing)
    assert (job_sides(cups, report), job_sides(cups, briefing)) == ({"two-sided-long-edge"}, {"one-sided"})
    simplex = run(with_pdfs, "print", "--printer", cups.queue, "--simplex", "out/combined.pdf", env=cups.env)
    job = int(re.search(rf"request id is {cups.queue}-(\d+)", simplex.stdout).group(1))
    cups.wait_for_pdf(job)
    assert job_sides(cups, job) == {"one-sided"}
