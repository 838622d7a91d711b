"""The hostile corpus (tests/hostile/<case>/): every bad input or fault gives a clear, located error.

Each case is a folder: its input (manifest.yaml, annexes, a stand-in soffice…), `expected.txt`
(the diagnostics, one a line, as printed) and an optional `case.toml`:

    command = "validate" | "build" | "diff" | "templates" | "new"  # default: validate and build, printing expected.txt
    args = ["…"]                      # more arguments (diff, templates: all; interrupt: a second manifest, -j 2)
    exit = 1                          # the exit code (1 failed job, 2 bad usage, 0 success)
    runner = "subprocess"             # build through a real `paraphe` process (default: click's CliRunner)
    max_megabytes = 20                # validate allocates at most this much (an alias bomb is not expanded)
    printed = ["…"]                   # a successful build: these texts are in the PDF as written
    check = true                      # `templates check templates` prints expected.txt too
    scenario = "…"                    # faults that need choreography: concurrent, no-space, interrupt, sign, locked
    signal = "SIGTERM"                # interrupt: the signal (default SIGINT), sent to the foreground group,
    to = "main"                       # or to the main process alone (a service manager's stop)
    signer = "…"                      # sign: whose key (prefete, ccss, expired, not-yet-valid, wrong-password…)
    source = "…"                      # sign: the INPUT (built, signed-once, modified, draft, not-built, fifo…)
    signatory = "…"                   # sign: the field (default prefete)
    output = "…"                      # sign: OUTPUT (default signed.pdf, which exists already)
    [env]                             # environment for the command; {case} is the case's folder
    [inputs]                          # files made by tests/support/hostile_inputs.py (hostile PDFs, special files)
    [patch]                           # "module.name" = value: a fault injected into paraphe (CliRunner runs)

Every run must exit with the expected code, print no traceback, leave no partial file, and leave
the earlier good output (a real build of the minimal manifest, put where the case's build writes)
byte for byte as it was.
"""

from __future__ import annotations

import datetime as dt
import errno
import fcntl
import io
import os
import pkgutil
import re
import shutil
import signal
import subprocess
import sys
import time
import tracemalloc
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from paraphe.cli.main import cli
from support import HOSTILE, MINIMAL, flat, pdf_text
from support import hostile_inputs as inputs

CASES = sorted(p for p in HOSTILE.iterdir() if p.is_dir())


SUMMARY = re.compile(
    r"^(\d+ built, \d+ reused, \d+ failed in .*|\d+ of \d+ manifest\(s\) invalid.*|\d+ manifest\(s\) valid"
    r"|\d+ of \d+ template\(s\) refused.*)$"
)


@dataclass(frozen=True)
class Good:
    """A real build of the minimal manifest: the earlier output each failing case must leave untouched."""

    docx: bytes
    pdf: bytes
    body: Path  # a one-page PDF the stand-in soffice scripts hand back as « converted »


@pytest.fixture(scope="session")
def good(tmp_path_factory: pytest.TempPathFactory, soffice: str) -> Good:
    folder = tmp_path_factory.mktemp("good")
    (folder / "m").mkdir()
    shutil.copy(MINIMAL, folder / "m" / "manifest.yaml")
    result = CliRunner().invoke(cli, ["build", str(folder / "m" / "manifest.yaml"), "--out", str(folder / "out")])
    assert result.exit_code == 0, result.output
    body = folder / "body.pdf"
    body.write_bytes(inputs.valid())
    stem = folder / "out" / "m" / "manifest"
    return Good(stem.with_suffix(".docx").read_bytes(), stem.with_suffix(".pdf").read_bytes(), body)


@dataclass
class Case:
    name: str
    work: Path  # the case's copy, inputs made: the working folder of every command
    config: dict[str, Any]
    expected: list[str]

    @property
    def outputs(self) -> Path:
        """Where `build manifest.yaml --out out` writes: out/<folder of the manifest>/."""
        return self.work / "out" / self.name

    @property
    def exit(self) -> int:
        return int(self.config.get("exit", 1))

    def env(self, good: Good) -> dict[str, str]:
        env = {k: str(v).replace("{case}", str(self.work)) for k, v in self.config.get("env", {}).items()}
        env.setdefault("HOSTILE_BODY", str(good.body))
        env.setdefault("TMPDIR", str(self.work / "tmp"))
        return env


def prepare(case_dir: Path, tmp_path: Path, good: Good) -> Case:
    work = inputs.make_inputs(case_dir, tmp_path / case_dir.name)
    (work / "tmp").mkdir()
    case = Case(
        case_dir.name,
        work,
        inputs.config(case_dir),
        (case_dir / "expected.txt").read_text(encoding="utf-8").splitlines(),
    )
    case.outputs.mkdir(parents=True)
    (case.outputs / "manifest.docx").write_bytes(good.docx)
    (case.outputs / "manifest.pdf").write_bytes(good.pdf)
    return case


def diagnostics(stderr: str) -> list[str]:
    # Blank lines aside: click ends the terminal's « ^C » line with one.
    return [line for line in stderr.splitlines() if line and not SUMMARY.match(line)]


def assert_untouched(case: Case, good: Good) -> None:
    """The earlier output as it was, nothing beside it, no temporary file anywhere, no LibreOffice profile left."""
    assert sorted(p.name for p in case.outputs.iterdir()) == ["manifest.docx", "manifest.pdf"]
    assert (case.outputs / "manifest.pdf").read_bytes() == good.pdf
    assert (case.outputs / "manifest.docx").read_bytes() == good.docx
    assert not list(case.work.rglob("*.part")), list(case.work.rglob("*.part"))
    assert not list((case.work / "tmp").iterdir())  # TMPDIR of subprocess runs: LibreOffice left nothing


def invoke(case: Case, good: Good, *args: str, env: dict[str, str] | None = None) -> Result:
    cwd = os.getcwd()
    os.chdir(case.work)
    try:
        result = CliRunner().invoke(cli, list(args), env=env if env is not None else case.env(good))
    finally:
        os.chdir(cwd)
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception  # what a real run would print as a traceback
    return result


def check(result_stderr: str, output: str, exit_code: int, case: Case) -> None:
    assert "Traceback" not in output, output
    assert diagnostics(result_stderr) == case.expected, result_stderr
    assert exit_code == case.exit, output


def paraphe(case: Case, good: Good, *args: str, **popen: Any) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "paraphe.cli.main", *args],
        cwd=case.work,
        env={**os.environ, **case.env(good)},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        **popen,
    )


def test_corpus_covers_the_issue() -> None:
    assert len(CASES) >= 40
    for case in CASES:
        assert (case / "expected.txt").is_file(), case.name


def _patch(case: Case, monkeypatch: pytest.MonkeyPatch) -> None:
    for target, value in case.config.get("patch", {}).items():
        owner, _, name = target.rpartition(".")
        filled = value.replace("{case}", str(case.work)) if isinstance(value, str) else value
        if isinstance(filled, str) and filled.startswith("fault:"):
            filled = inputs.FAULTS[filled.removeprefix("fault:")]
        monkeypatch.setattr(pkgutil.resolve_name(owner), name, filled)


@pytest.mark.parametrize("case_dir", CASES, ids=[c.name for c in CASES])
def test_hostile_case(case_dir: Path, tmp_path: Path, good: Good, monkeypatch: pytest.MonkeyPatch) -> None:
    case = prepare(case_dir, tmp_path, good)
    _patch(case, monkeypatch)
    scenario = case.config.get("scenario")
    if scenario is not None:
        SCENARIOS[scenario](case, good, monkeypatch)
        return
    command = case.config.get("command")
    args = [str(a) for a in case.config.get("args", [])]
    if command in ("diff", "templates", "new"):
        result = invoke(case, good, command, *args)
        check(result.stderr, result.output, result.exit_code, case)
        return
    if command in (None, "validate"):
        # A bound on memory, not on time: it holds however loaded the machine is.
        limit = case.config.get("max_megabytes")
        if limit is not None:
            tracemalloc.start()
        result = invoke(case, good, "validate", "manifest.yaml", *args)
        if limit is not None:
            peak = tracemalloc.get_traced_memory()[1]
            tracemalloc.stop()
            assert peak < float(limit) * 2**20, f"{peak / 2**20:.1f} MiB"
        check(result.stderr, result.output, result.exit_code, case)
    if command in (None, "build"):
        _build(case, good, args)
    if case.config.get("check"):
        result = invoke(case, good, "templates", "check", "templates")
        check(result.stderr, result.output, result.exit_code, case)


def _build(case: Case, good: Good, args: list[str]) -> None:
    env = case.env(good)
    if case.config.get("command") is None:
        # Refused at validation: a LibreOffice that is never meant to run.
        env.setdefault("PARAPHE_SOFFICE", "/bin/false")
    if case.config.get("runner") == "subprocess":
        process = paraphe(case, good, "build", "manifest.yaml", *args, "--out", "out")
        stdout, stderr = process.communicate(timeout=300)  # a hang guard, not a speed goal
        check(stderr, stdout + stderr, process.returncode, case)
    else:
        result = invoke(case, good, "build", "manifest.yaml", *args, "--out", "out", env=env)
        check(result.stderr, result.output, result.exit_code, case)
    if case.exit:
        assert_untouched(case, good)
    else:
        text = flat(pdf_text(case.outputs / "manifest.pdf"))
        for printed in case.config.get("printed", []):
            assert printed in text, printed
    pids = case.work / "pids"
    if pids.exists():  # the stand-in soffice and its child: ended with their process group
        for pid in map(int, pids.read_text().split()):
            assert not _alive(pid), pid


# --- scenarios ---------------------------------------------------------------------------------------------------


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, ProcessLookupError):
        return False
    return state not in ("Z", "X")


def _processes_mentioning(text: str) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if text.encode() in (entry / "cmdline").read_bytes() and _alive(int(entry.name)):
                    found.append(int(entry.name))
            except OSError:
                continue
    return found


def _soffices(marker: str) -> set[Path]:
    """The LibreOffice profiles in use under `marker`, one per running conversion (not counting a
    LibreOffice started ahead, still waiting for its documents)."""
    return {Path(p) for p in (_conversion_profile(pid) for pid in _processes_mentioning(marker)) if "paraphe-lo-" in p}


def _conversion_profile(pid: int) -> str:
    try:
        arguments = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
    except OSError:
        return ""
    found = [a.decode(errors="replace") for a in arguments if b"UserInstallation=" in a]
    return found[0] if found and b"--convert-to" in arguments else ""


def _wait_for(condition: Any, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.05)


def _lock_busy(lock: Path) -> bool:
    if not lock.exists():
        return False
    with lock.open("rb") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return True
        fcntl.flock(handle, fcntl.LOCK_UN)
        return False


def concurrent(case: Case, good: Good, monkeypatch: pytest.MonkeyPatch) -> None:
    """A second build of the same output waits for the first's lock, then reuses what it wrote."""
    first = paraphe(case, good, "build", "manifest.yaml", "--out", "out")
    lock = case.work / "out" / ".paraphe" / case.name / "manifest.lock"
    _wait_for(lambda: _lock_busy(lock), 30, "the first build to take its lock")
    second = paraphe(case, good, "build", "manifest.yaml", "--out", "out")
    out1, err1 = first.communicate(timeout=60)
    out2, err2 = second.communicate(timeout=60)
    assert first.returncode == 0 and "1 built, 0 reused" in out1, out1 + err1
    check(err2, out2 + err2, second.returncode, case)
    assert "0 built, 1 reused, 0 failed" in out2
    from pypdf import PdfReader

    assert len(PdfReader(case.outputs / "manifest.pdf").pages) >= 1
    assert not list(case.work.rglob("*.part"))


def no_space(case: Case, good: Good, monkeypatch: pytest.MonkeyPatch) -> None:
    """The disk fills as the PDF is flushed: a located error, the earlier output intact; then a build succeeds."""

    def disk_full(fd: int) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    real_fsync = os.fsync
    monkeypatch.setattr(os, "fsync", disk_full)
    result = invoke(case, good, "build", "manifest.yaml", "--out", "out")
    check(result.stderr, result.output, result.exit_code, case)
    assert_untouched(case, good)
    monkeypatch.setattr(os, "fsync", real_fsync)
    again = invoke(case, good, "build", "manifest.yaml", "--out", "out")
    assert again.exit_code == 0 and "1 built" in again.output, again.output
    assert (case.outputs / "manifest.pdf").read_bytes() != good.pdf


def interrupt(case: Case, good: Good, monkeypatch: pytest.MonkeyPatch) -> None:
    """Ctrl-C (SIGINT to the whole foreground group) while the real LibreOffice converts; or `signal`, to `to`."""
    more = case.config.get("args", [])  # other manifests, -j: the parallel build's worker processes
    process = paraphe(case, good, "build", "manifest.yaml", *more, "--out", "out", start_new_session=True)
    marker = str(case.work / "tmp")
    running = 2 if more else 1
    _wait_for(
        lambda: len(_soffices(marker)) >= running or process.poll() is not None, 60, f"{running} LibreOffice to start"
    )
    assert process.poll() is None, process.communicate()
    # At once: a conversion handed to a LibreOffice started ahead lasts a fraction of a second.
    sent = signal.Signals[case.config.get("signal", "SIGINT")]
    if case.config.get("to") == "main":
        os.kill(process.pid, sent)
    else:
        os.killpg(process.pid, sent)
    stdout, stderr = process.communicate(timeout=60)
    check(stderr, stdout + stderr, process.returncode, case)
    _wait_for(lambda: not _processes_mentioning(marker), 10, "no LibreOffice left")
    assert_untouched(case, good)


def _certificates(folder: Path) -> dict[str, Any]:
    from paraphe.sign.throwaway import make_root

    utc = dt.UTC
    now = dt.datetime.now(utc)
    root = make_root(folder, not_before=dt.datetime(2019, 1, 1, tzinfo=utc), not_after=now + dt.timedelta(days=1000))
    return {
        "prefete": root.issue("Valérie HATSCH", folder, stem="prefete", password=b"s3cret"),
        "ccss": root.issue("Ghislaine CHARBONNEL", folder, stem="ccss"),
        "expired": root.issue(
            "Valérie HATSCH", folder, stem="expired", not_before=dt.datetime(2020, 1, 1, tzinfo=utc),
            not_after=dt.datetime(2021, 6, 30, tzinfo=utc),
        ),
        "not-yet-valid": root.issue(
            "Valérie HATSCH", folder, stem="not-yet-valid", not_before=dt.datetime(2090, 1, 1, tzinfo=utc),
            not_after=dt.datetime(2090, 12, 31, tzinfo=utc),
        ),
        "no-non-repudiation": root.issue("Valérie HATSCH", folder, stem="no-non-repudiation", non_repudiation=False),
        "split-name": root.issue("Valérie HATSCH", folder, stem="split-name", common_names=("Valérie", "HATSCH")),
    }  # fmt: skip


def _updated(pdf: Path, out: Path, change: Any) -> None:
    """`pdf` with one incremental update, made by `change(writer)`."""
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

    writer = IncrementalPdfFileWriter(io.BytesIO(pdf.read_bytes()), strict=False)
    change(writer)
    buffer = io.BytesIO()
    writer.write(buffer)
    out.write_bytes(buffer.getvalue())


def _append_page_content(pdf: Path, out: Path) -> None:
    from pyhanko.pdf_utils import generic

    def draw(writer: Any) -> None:
        writer.add_stream_to_page(
            0, writer.add_object(generic.StreamObject(stream_data=b"q 1 0 0 rg 0 0 99 99 re f Q"))
        )

    _updated(pdf, out, draw)


def _append_open_action(pdf: Path, out: Path) -> None:
    from pyhanko.pdf_utils import generic

    def script(writer: Any) -> None:
        action = {generic.NameObject("/S"): generic.NameObject("/JavaScript"),
                  generic.NameObject("/JS"): generic.TextStringObject("app.alert('signé ?')")}  # fmt: skip
        writer.root[generic.NameObject("/OpenAction")] = writer.add_object(generic.DictionaryObject(action))
        writer.update_root()

    _updated(pdf, out, script)


def _rerecorded(data: bytes, out: Path) -> None:
    """`data` rewritten whole with a record that describes it: a build gone wrong, not a tampering verify sees."""
    from dataclasses import replace

    from pypdf import PdfReader, PdfWriter

    from paraphe.provenance import RECORD_KEY, content_digest, read_record

    reader = PdfReader(io.BytesIO(data))
    record = read_record(reader)
    assert record is not None
    writer = PdfWriter(clone_from=reader)
    writer.add_metadata({RECORD_KEY: replace(record, content=content_digest(reader)).to_json()})
    writer.write(out)


def _sign_source(case: Case, good: Good, keys: dict[str, Path]) -> str:
    """The INPUT the case's `source` names, made in its folder: what `sign` must refuse."""
    work, source = case.work, case.config.get("source", "built")
    (work / "built.pdf").write_bytes(good.pdf)  # the minimal manifest, final, not certified
    if source == "built":
        return "built.pdf"
    if source in ("signed-once", "modified"):
        once = invoke(case, good, "sign", "built.pdf", "once.pdf", "--signatory", "prefete",
                      "--pkcs12", str(keys["prefete"]), "--password-env", "PIN", env={"PIN": "s3cret"})  # fmt: skip
        assert once.exit_code == 0, once.output
        if source == "signed-once":
            return "once.pdf"
        _append_page_content(work / "once.pdf", work / "tampered.pdf")
        return "tampered.pdf"
    if source == "changed":  # a page drawn on, before anyone signed
        _append_page_content(work / "built.pdf", work / "changed.pdf")
        return "changed.pdf"
    if source == "empty-update":  # an update that changes nothing a page shows, and is no signature
        data = good.pdf
        previous = re.findall(rb"startxref\s+(\d+)", data)[-1]
        root = re.findall(rb"/Root (\d+ \d+ R)", data)[-1]
        size = re.findall(rb"/Size (\d+)", data)[-1]
        update = b"xref\n0 0\ntrailer\n<< /Size %s /Root %s /Prev %s >>\nstartxref\n%d\n%%%%EOF\n" % (
            size, root, previous, len(data),
        )  # fmt: skip
        (work / "updated.pdf").write_bytes(data + update)
        return "updated.pdf"
    if source == "trailing":  # an update after the last %%EOF, without its own: other readers show it
        (work / "trailing.pdf").write_bytes(good.pdf + b"1 0 obj\n<< >>\nendobj\nstartxref\n0\n")
        return "trailing.pdf"
    if source == "scripted":  # a script that runs when the document opens; the pages as built
        _append_open_action(work / "built.pdf", work / "scripted.pdf")
        return "scripted.pdf"
    if source == "damaged-field":  # revision 0 rewritten in place: the préfète's field has no usable rectangle
        data = good.pdf
        widget = next(m for m in re.finditer(rb"\d+ 0 obj.*?endobj", data, re.S) if b"/T (prefete)" in m.group())
        found = re.compile(rb"/Rect \[([^\]]*)\]").search(data, widget.start(), widget.end())
        assert found is not None
        rect = b"(" + found.group(1) + b")"
        damaged = data[: found.start(1) - 1] + rect + data[found.end(1) + 1 :]
        _rerecorded(damaged, work / "damaged.pdf")
        return "damaged.pdf"
    if source == "not-built":
        (work / "other.pdf").write_bytes(inputs.valid())
        return "other.pdf"
    if source == "draft":
        draft = work / "draft" / "manifest.yaml"
        draft.parent.mkdir()
        draft.write_text(
            MINIMAL.read_text(encoding="utf-8").replace("status: final", "status: draft"), encoding="utf-8"
        )
        built = invoke(case, good, "build", str(draft.relative_to(work)), "--out", "draft-out")
        assert built.exit_code == 0, built.output
        return "draft-out/draft/manifest.pdf"
    if source == "fifo":  # reading it would wait forever for a writer
        os.mkfifo(work / "pipe.pdf")
        return "pipe.pdf"
    raise AssertionError(f"unknown source {source}")


def sign(case: Case, good: Good, monkeypatch: pytest.MonkeyPatch) -> None:
    """Refusals before anything is written; an existing OUTPUT keeps its bytes.

    `source` (default built) is the INPUT, `signer` whose key signs, `signatory` (default
    prefete) the field; OUTPUT (default signed.pdf, which already exists) is `output`.
    """
    work = case.work
    issued = _certificates(work / "pki")
    keys = {who: one.pkcs12.relative_to(work) for who, one in issued.items()}
    source = _sign_source(case, good, keys)
    signer = case.config["signer"]
    args = ["--signatory", case.config.get("signatory", "prefete"), "--pkcs12", str(keys.get(signer, keys["prefete"]))]
    env = {}
    if signer == "mismatched":  # the préfète's certificate, the CCSS director's key (no PKCS#12 holds both)
        key, cert = issued["ccss"].key.relative_to(work), issued["prefete"].cert.relative_to(work)
        args = [*args[:2], "--key", str(key), "--cert", str(cert)]
    holder: int | None = None
    if case.config.get("hold_lock"):  # another `sign` is writing OUTPUT, and does not finish
        monkeypatch.setattr("paraphe.sign.signing.LOCK_WAIT", 0.3)
        holder = os.open(work / ".signed.pdf.paraphe-lock", os.O_RDWR | os.O_CREAT)
        fcntl.flock(holder, fcntl.LOCK_EX)
    if case.config.get("fault") == "corrupt-signature":  # a signer (a token, a service) returns a bad signature

        def corrupted(*args: Any, **kwargs: Any) -> bytes:
            data = bytearray(real_sign(*args, **kwargs))
            data[data.rindex(b"/Reason (Signature") + len(b"/Reason (")] ^= 0x01  # inside what it signed
            return bytes(data)

        from paraphe.sign import signing

        real_sign = signing._sign
        monkeypatch.setattr(signing, "_sign", corrupted)
    if signer == "prefete":
        args += ["--password-env", "PIN"]
        env = {"PIN": "s3cret"}
    elif signer == "wrong-password":
        args += ["--password-env", "PIN"]
        env = {"PIN": "wrong"}
    elif signer == "password-env-unset":
        args += ["--password-env", "PARAPHE_HOSTILE_UNSET_PIN"]
    earlier = work / "signed.pdf"
    earlier.write_bytes(good.pdf)
    output = case.config.get("output", "signed.pdf")
    try:
        result = invoke(case, good, "sign", source, output, *args, env=env)
    finally:
        if holder is not None:
            os.close(holder)
    check(result.stderr, result.output, result.exit_code, case)
    assert earlier.read_bytes() == good.pdf
    assert output == earlier.name or not (work / output).exists()
    assert not list(work.rglob("*.part"))


def locked(case: Case, good: Good, monkeypatch: pytest.MonkeyPatch) -> None:
    """Another build holds the output's lock for longer than this one waits ([patch] shortens the wait)."""
    lock = case.work / "out" / ".paraphe" / case.name / "manifest.lock"
    lock.parent.mkdir(parents=True, exist_ok=True)
    with lock.open("wb") as holder:
        fcntl.flock(holder, fcntl.LOCK_EX)
        result = invoke(case, good, "build", "manifest.yaml", "--out", "out")
    check(result.stderr, result.output, result.exit_code, case)
    assert_untouched(case, good)


SCENARIOS = {"concurrent": concurrent, "no-space": no_space, "interrupt": interrupt, "sign": sign, "locked": locked}
