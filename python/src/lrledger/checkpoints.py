"""Writing checkpoint files so that a kill at any instant leaves a usable folder."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path
from typing import BinaryIO, Callable, Tuple, Union

PathLike = Union[str, "os.PathLike[str]"]


def write_atomically(path: PathLike, write: Callable[[BinaryIO], None]) -> Tuple[int, str]:
    """Writes a file under a temporary name, syncs it, renames it into place and syncs
    its folder, so the name only ever holds complete bytes.

    ``write`` gets a binary file object. Returns the file's size and lowercase hex
    SHA-256, computed from the bytes on disk after the sync.
    """
    target = Path(path)
    temporary = target.with_name(f".{target.name}.tmp-{os.getpid()}")
    try:
        with open(temporary, "wb") as handle:
            write(handle)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, target)
    finally:
        if temporary.exists():
            temporary.unlink()
    directory = os.open(target.parent, os.O_RDONLY)
    try:
        os.fsync(directory)
    finally:
        os.close(directory)
    return digest(target)


def digest(path: PathLike) -> Tuple[int, str]:
    """Size and lowercase hex SHA-256 of a file."""
    hasher = hashlib.sha256()
    size = 0
    with open(path, "rb") as handle:
        while True:
            block = handle.read(1 << 20)
            if not block:
                break
            size += len(block)
            hasher.update(block)
    return size, hasher.hexdigest()


def remove_leftovers(folder: PathLike) -> None:
    """Removes temporary files a killed writer left in ``folder``."""
    for leftover in Path(folder).glob(".*.tmp-*"):
        try:
            leftover.unlink()
        except OSError:
            pass


def checkpoint_name(step: int, suffix: str) -> str:
    """The file name of the checkpoint at ``step``: ``ckpt-000000001500.npz``."""
    return f"ckpt-{step:012d}{suffix}"
