"""Atomic writes: a reader sees the old file or the new one, never half of one.

And locks: two builds of the same output take turns, never interleave.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import hashlib
import os
import stat
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path

from paraphe.diagnostics import Location
from paraphe.errors import OutputError
from paraphe.i18n import _


@contextlib.contextmanager
def atomic_path(target: Path) -> Iterator[Path]:
    """A temporary path beside `target`, moved over it only if the block succeeds.

    An OSError on the way (no space left, read-only disk) becomes an OutputError naming `target`;
    `target` keeps its earlier content and no temporary file is left.
    """
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=target.parent)
    except OSError as exc:
        raise write_error(target, exc) from None
    os.close(fd)
    temporary = Path(name)
    # mkstemp creates 0600; give outputs the permissions an ordinary file would get.
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(temporary, 0o666 & ~umask)
    try:
        yield temporary
        with open(temporary, "rb+") as handle:
            os.fsync(handle.fileno())
        os.replace(temporary, target)
    except OSError as exc:
        raise write_error(target, exc) from None
    finally:
        temporary.unlink(missing_ok=True)


def write_error(target: Path, exc: OSError) -> OutputError:
    """`exc`, met writing `target`, as the located error a user reads (io.write)."""
    reason = exc.strerror or str(exc)
    message = _("cannot write {name}: {reason}", name=target.name, reason=reason)
    if target.exists():
        message = _("cannot write {name}: {reason}; the earlier file is unchanged", name=target.name, reason=reason)
    return OutputError.at(Location(str(target)), message, "io.write")


def sha256_file(path: Path) -> str:
    """Digest of a regular file; anything else (a FIFO would block) is an OSError."""
    digest = hashlib.sha256()
    with open(os.open(path, os.O_RDONLY | os.O_NONBLOCK), "rb") as handle:
        if not stat.S_ISREG(os.fstat(handle.fileno()).st_mode):
            raise OSError(errno.EINVAL, "not a regular file", str(path))
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


@contextlib.contextmanager
def exclusive_lock(
    lock_file: Path,
    what: str,
    *,
    wait: float,
    on_wait: Callable[[], None] | None = None,
    busy: str = "another build has been writing this output",
    rule: str = "io.locked",
) -> Iterator[None]:
    """Hold an exclusive lock on `lock_file` for the block, waiting up to `wait` seconds for another holder.

    An flock: the system releases it when its holder ends, however it ends (crash, kill, Ctrl-C),
    so a lock is never stale. `on_wait` is called once if the lock is busy; OutputError after `wait`.
    """
    try:
        lock_file.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(lock_file, os.O_RDWR | os.O_CREAT | getattr(os, "O_CLOEXEC", 0), 0o666)
    except OSError as exc:
        if exc.errno in (errno.EROFS, errno.EACCES, errno.EPERM):
            # Nobody can write there, this build included: nothing to protect (a write would fail, located).
            yield
            return
        raise OutputError.at(
            Location(str(lock_file)), _("cannot create the lock file: {reason}", reason=exc.strerror), "io.lock"
        ) from None
    try:
        deadline = time.monotonic() + wait
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise OutputError.at(Location(what), f"{busy} for over {wait:g} s", rule) from None
                if on_wait is not None:
                    on_wait()
                    on_wait = None
                time.sleep(0.1)
        yield
    finally:
        os.close(fd)


def atomic_write_bytes(target: Path, data: bytes) -> None:
    with atomic_path(target) as temporary:
        temporary.write_bytes(data)


def read_regular_file(path: Path) -> bytes:
    """The bytes of a regular file; anything else is an OSError (a FIFO would block the read forever)."""
    with open(os.open(path, os.O_RDONLY | os.O_NONBLOCK), "rb") as handle:
        if not stat.S_ISREG(os.fstat(handle.fileno()).st_mode):
            raise OSError(errno.EINVAL, "not a regular file", str(path))
        return handle.read()
