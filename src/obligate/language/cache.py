"""The compile cache: checked libraries kept on disk, keyed by the content hash of their files.

An entry is a pickle, and unpickling runs whatever the bytes say, so nothing is unpickled
unless it is proven to be this user's own entry for these files:

- the folder must be owned by the user and writable by nobody else, and so must the key file
  (``key``: 32 random bytes, mode 0600, made on first use);
- every entry carries a keyed BLAKE2b MAC of its name and its bytes, checked before
  unpickling (a planted or edited entry is ignored and the library compiled again);
- what comes back must be the compile of exactly the files being loaded (``compiler`` checks
  the version and every source text against them).

The cache is bounded: an entry over ``MAX_ENTRY_BYTES`` is not kept, and after each write the
least recently used entries are removed until at most ``MAX_ENTRIES`` entries and
``MAX_TOTAL_BYTES`` remain. Anything wrong with the cache only costs a compile.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import os
import pickle
import secrets
import stat
import time
from pathlib import Path
from typing import Any

from obligate.memory import collector_paused

MAGIC = b"obligate-cache-3\n"
KEY_BYTES = 32
MAC_BYTES = 32
MAX_ENTRY_BYTES = 256 * 2**20
MAX_TOTAL_BYTES = 512 * 2**20
MAX_ENTRIES = 32
STALE_TEMPORARY_SECONDS = 3600
ENTRY_PATTERN = "rules-*"


def cache_dir() -> Path:
    """OBLIGATE_CACHE_DIR if set, else the platform's user cache folder (on Linux
    $XDG_CACHE_HOME/obligate, by default ~/.cache/obligate)."""
    configured = os.environ.get("OBLIGATE_CACHE_DIR")
    if configured:
        return Path(configured)
    import platformdirs

    return Path(platformdirs.user_cache_dir("obligate", appauthor=False))


def _private(info: os.stat_result, others: int) -> bool:
    """Owned by this user, and no ``others`` permission bits set."""
    return info.st_uid == os.getuid() and not info.st_mode & others


def _folder(create: bool) -> Path | None:
    """The cache folder, if it is safe to use (created 0700 when ``create``)."""
    folder = cache_dir()
    try:
        if create:
            folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        info = folder.lstat()
    except OSError:
        return None
    if not stat.S_ISDIR(info.st_mode) or not _private(info, stat.S_IWGRP | stat.S_IWOTH):
        return None
    return folder


def _key(folder: Path, create: bool) -> bytes | None:
    """This user's MAC key, made on first use; None if the key file is not private."""
    path = folder / "key"
    if create:
        with contextlib.suppress(FileExistsError, OSError):
            descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            try:
                os.write(descriptor, secrets.token_bytes(KEY_BYTES))
            finally:
                os.close(descriptor)
    try:
        descriptor = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
    except OSError:
        return None
    try:
        info = os.fstat(descriptor)
        if not stat.S_ISREG(info.st_mode) or not _private(info, 0o077):
            return None
        key = os.read(descriptor, KEY_BYTES + 1)
    finally:
        os.close(descriptor)
    return key if len(key) == KEY_BYTES else None


def _mac(key: bytes, name: str, payload: bytes | memoryview) -> bytes:
    digest = hashlib.blake2b(key=key, digest_size=MAC_BYTES)
    digest.update(name.encode() + b"\0")
    digest.update(payload)
    return digest.digest()


def read(name: str) -> Any | None:
    """The object stored under ``name``, if there is an authentic entry; else None."""
    folder = _folder(create=False)
    key = _key(folder, create=False) if folder is not None else None
    if folder is None or key is None:
        return None
    path = folder / name
    try:
        descriptor = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
    except OSError:
        return None
    try:
        info = os.fstat(descriptor)
        if not stat.S_ISREG(info.st_mode) or not _private(info, stat.S_IWGRP | stat.S_IWOTH):
            return None
        if info.st_size > MAX_ENTRY_BYTES + len(MAGIC) + MAC_BYTES:
            return None
        with os.fdopen(os.dup(descriptor), "rb") as handle:
            data = handle.read()
    except OSError:
        return None
    finally:
        os.close(descriptor)
    head = len(MAGIC) + MAC_BYTES
    if len(data) < head or not data.startswith(MAGIC):
        return None
    payload = memoryview(data)[head:]
    if not hmac.compare_digest(data[len(MAGIC) : head], _mac(key, name, payload)):
        return None
    try:
        with collector_paused():
            value = pickle.loads(payload)
    except Exception:  # noqa: BLE001 - an authentic entry of an older build: compile again
        return None
    with contextlib.suppress(OSError):
        os.utime(path)  # recently used: kept longest
    return value


def write(name: str, value: Any) -> None:
    """Store ``value`` under ``name`` (atomically), then trim the cache to its bounds."""
    folder = _folder(create=True)
    key = _key(folder, create=True) if folder is not None else None
    if folder is None or key is None:
        return
    try:
        payload = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
    except (pickle.PicklingError, TypeError, AttributeError, RecursionError):
        return
    if len(payload) > MAX_ENTRY_BYTES:
        return
    path = folder / name
    temporary = folder / f".{name}.{os.getpid()}.{secrets.token_hex(4)}.tmp"
    try:
        descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(MAGIC + _mac(key, name, payload))
            handle.write(payload)
        temporary.replace(path)
    except OSError:
        with contextlib.suppress(OSError):
            temporary.unlink()
        return
    trim(folder)


def trim(folder: Path, max_entries: int | None = None, max_bytes: int | None = None) -> None:
    """Remove the least recently used entries beyond the bounds, and stale temporaries."""
    max_entries = MAX_ENTRIES if max_entries is None else max_entries
    max_bytes = MAX_TOTAL_BYTES if max_bytes is None else max_bytes
    entries: list[tuple[float, int, Path]] = []
    now = time.time()
    for path in folder.iterdir():
        try:
            info = path.lstat()
        except OSError:
            continue
        if path.name.endswith(".tmp") and now - info.st_mtime > STALE_TEMPORARY_SECONDS:
            with contextlib.suppress(OSError):
                path.unlink()
        elif path.match(ENTRY_PATTERN) and stat.S_ISREG(info.st_mode):
            entries.append((info.st_mtime, info.st_size, path))
    entries.sort(reverse=True)  # newest first
    kept_bytes = 0
    for index, (_mtime, size, path) in enumerate(entries):
        kept_bytes += size
        if index >= max_entries or kept_bytes > max_bytes:
            with contextlib.suppress(OSError):
                path.unlink()
