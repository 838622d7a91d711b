"""LibreOffice's launcher, run like any external tool: found, started in a session of its own with a
throw-away profile, its output checked (it exits 0 even when it writes nothing)."""

from __future__ import annotations

import contextlib
import functools
import hashlib
import logging
import mmap
import os
import re
import shutil
import socket
import subprocess
import time
from collections.abc import Callable
from pathlib import Path

from paraphe.procutil import kill_group

log = logging.getLogger(__name__)


def find_soffice() -> str | None:
    """The LibreOffice executable, from $PARAPHE_SOFFICE or the PATH."""
    configured = os.environ.get("PARAPHE_SOFFICE")
    if configured:
        return configured
    for name in ("soffice", "libreoffice"):
        found = shutil.which(name)
        if found:
            return found
    return None


def program_folder(soffice: str) -> Path | None:
    """The folder of LibreOffice's own program (soffice.bin) when `soffice` is its launcher; None for
    a wrapper script or another program."""
    found = shutil.which(soffice)
    if found is None:
        return None
    folder = Path(os.path.realpath(found)).parent
    return folder if (folder / "soffice.bin").exists() else None


def launcher(soffice: str) -> str:
    """What starts LibreOffice: where `soffice` is LibreOffice's own start script, the program it ends by
    running (`oosplash`), started directly with the two settings the script makes (`start_soffice`).

    The script only finds that program through its symbolic links and sets those: a shell and half a
    dozen helper processes, 0.04 s of CPU at each of the dozen starts a build makes (one per worker,
    one per conversion handed over). A wrapper, another program, or a development build (whose
    `ooenv` the script reads) is run as it is.
    """
    program = program_folder(soffice)
    script = shutil.which(soffice)
    if program is None or script is None or Path(os.path.realpath(script)) != program / "soffice":
        return soffice
    if (program / "ooenv").exists() or not (program / "oosplash").is_file():
        return soffice
    return str(program / "oosplash")


def installed_version(soffice: str) -> str | None:
    """LibreOffice's version as its configuration states it ("7.4"), or None where it cannot be read."""
    return _installed(
        soffice, "../share/registry/main.xcd", rb'<prop oor:name="ooSetupVersion"[^>]*>\s*<value>(\d+\.\d+)<'
    )


def installed_build(soffice: str) -> str | None:
    """LibreOffice's build as its `versionrc` states it ("40(Build:2)"), or None where it cannot be read."""
    return _installed(soffice, "versionrc", rb"^buildid=(.+?)\s*$")


@functools.cache
def _installed(soffice: str, file: str, pattern: bytes) -> str | None:
    """What `pattern` finds in one of the installation's files (relative to its program folder).

    Searched where the file is mapped, not read and decoded: the configuration is 2 MB, and its
    reading took 4 ms of each build's start (the value sought is ASCII)."""
    program = program_folder(soffice)
    if program is None:
        return None
    try:
        with (program / file).open("rb") as handle, mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ) as data:
            found = re.search(pattern, data, re.MULTILINE)
            return found.group(1).decode("ascii") if found else None
    except (OSError, ValueError, UnicodeDecodeError):  # ValueError: an empty file, which cannot be mapped
        return None


# The one setting a new profile starts with (see seed_profile).
_SEED = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry" xmlns:xs="http://www.w3.org/2001/XMLSchema" \
xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Setup/Product"><prop oor:name="ooSetupLastVersion" oor:op="fuse">\
<value>{version}</value></prop></item>
</oor:items>
"""


def seed_profile(soffice: str, profile: Path) -> None:
    """Give a new profile what this very LibreOffice would have written at a first start it had
    already made: the version it was last used by, and the build its extensions were set up by.

    - A profile without the version counts as an upgrade, and LibreOffice then runs its graphics
      self-tests (vcl's GraphicsRenderTests: about a hundred drawings into off-screen bitmaps). That
      is 0.65 s of CPU, two thirds of a headless start, for a result a conversion never uses; and
      since a headless start never records the version, every start would run them again.
    - A profile without the build (`user/extensions/buildid`) has its extension folder cleared and
      set up again, after which LibreOffice restarts itself (exit code 81, desktop/app.cxx): a second
      start, 0.15 s of CPU and of waiting. Written, the folder is left as it is (empty), which is what
      the clearing would make of it; extensions that come with the installation are still taken in,
      by LibreOffice's own comparison of their folder with the profile's.

    Nothing else is written: the rest of the profile is LibreOffice's own first start, as before. A
    profile that exists is left alone.
    """
    version = installed_version(soffice)
    settings = profile / "user" / "registrymodifications.xcu"
    if version is None or settings.exists():
        return
    settings.parent.mkdir(parents=True, exist_ok=True)
    settings.write_text(_SEED.format(version=version), encoding="utf-8")
    build = installed_build(soffice)
    if build is not None:
        (profile / "user" / "extensions").mkdir()
        (profile / "user" / "extensions" / "buildid").write_text(build, encoding="utf-8")


def soffice_command(soffice: str, folder: Path) -> list[str]:
    """soffice without a screen, with a throw-away profile in `folder` (so runs never collide), seeded
    (seed_profile) so that its start does no needless work."""
    profile = folder / "profile"
    seed_profile(soffice, profile)
    return [
        launcher(soffice),
        f"-env:UserInstallation={profile.as_uri()}",
        "--headless",
        "--invisible",
        "--nologo",
        "--norestore",
        "--nolockcheck",
    ]


def start_soffice(command: list[str], folder: Path, *, quiet: bool = False) -> subprocess.Popen[bytes]:
    """Start soffice in a session of its own, HOME and TMPDIR inside `folder`; `quiet`: its output discarded.

    Its own session lets `kill_group` end it with every child; its own HOME and TMPDIR mean
    whatever a killed soffice leaves behind goes away with `folder`.
    """
    log.debug("running %s", command)
    output = subprocess.DEVNULL if quiet else subprocess.PIPE
    environment = {**os.environ, "HOME": str(folder), "TMPDIR": str(folder)}
    # What LibreOffice's start script sets, for a launcher started without it (`launcher`): the same
    # with the script.
    environment["SAL_ENABLE_FILE_LOCKING"] = "1"
    if not environment.get("LC_ALL"):
        environment.pop("LC_ALL", None)
    return subprocess.Popen(
        command, stdin=subprocess.DEVNULL, stdout=output, stderr=output, start_new_session=True, env=environment
    )


def office_pipe(folder: Path) -> Path:
    """The socket on which the LibreOffice of `folder`'s profile takes the documents that another
    soffice run on the same profile hands it. LibreOffice names it after the MD5 of the profile's URL
    (in UTF-16, each byte in hexadecimal without leading zero) and puts it in /tmp, or /var/tmp where
    /tmp is not writable, whatever TMPDIR says (sal's osl/unx/pipe.cxx)."""
    digest = hashlib.md5((folder / "profile").as_uri().encode("utf-16-le"), usedforsecurity=False).digest()
    place = Path("/tmp") if os.access("/tmp", os.W_OK) else Path("/var/tmp")
    return place / f"OSL_PIPE_{os.getuid()}_SingleOfficeIPC_{''.join(f'{byte:x}' for byte in digest)}"


# LibreOffice's greeting on that socket once its main loop runs (desktop/source/app/officeipcthread.cxx).
_SEND_ARGUMENTS = b"InternalIPC::SendArguments"
# LibreOffice makes its socket early in its start; none by then, it is elsewhere (another version, a
# sandboxed LibreOffice that talks over D-Bus): not waited for longer.
SOCKET_APPEARS_WITHIN = 5.0


def office_ready(folder: Path, within: float, alive: Callable[[], bool]) -> bool:
    """Whether the LibreOffice of `folder`'s profile takes documents, waiting up to `within` seconds
    while `alive()`.

    A second soffice run on the profile before then can end up converting alone, and leave it waiting
    for ever: in 19 of 30 tries when the second came at once. It greets a caller only from its main
    loop (its socket exists before); an empty message then is a mere lookup, which it ignores.
    """
    pipe = office_pipe(folder)
    started = time.monotonic()
    deadline = started + within
    while True:
        with contextlib.suppress(OSError), socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as caller:
            caller.settimeout(max(0.05, deadline - time.monotonic()))
            caller.connect(str(pipe))
            greeting = b""
            while not greeting.endswith(b"\0") and len(greeting) < 64:
                received = caller.recv(64)
                if not received:
                    break
                greeting += received
            if greeting == _SEND_ARGUMENTS + b"\0":
                caller.sendall(b"\0")
                return True
        now = time.monotonic()
        if now >= deadline or not alive() or (now - started >= SOCKET_APPEARS_WITHIN and not pipe.exists()):
            return False
        time.sleep(0.02)


def remove_pipe(folder: Path) -> None:
    """The socket of a LibreOffice that was killed (one that ends removes its own)."""
    pipe = office_pipe(folder)
    with contextlib.suppress(OSError):
        if pipe.is_socket():
            pipe.unlink()


def end_soffice(process: subprocess.Popen[bytes], folder: Path) -> None:
    """A soffice run in `folder` killed with every process it started, and its socket removed."""
    kill_group(process)
    remove_pipe(folder)


def is_complete_pdf(output: Path) -> bool:
    """A file that starts like a PDF and ends with its end-of-file marker (soffice may stop half-way)."""
    if not output.is_file():
        return False
    with output.open("rb") as handle:
        head = handle.read(5)
        handle.seek(max(0, output.stat().st_size - 1024))
        return head == b"%PDF-" and b"%%EOF" in handle.read()
