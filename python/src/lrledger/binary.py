"""Finding the ``lrledger`` executable."""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Optional

from .errors import LedgerError


def find_binary(explicit: Optional[str] = None) -> str:
    """The ``lrledger`` executable to run, in this order: ``explicit``, ``$LRLEDGER_BIN``,
    ``lrledger`` on ``PATH``, then ``.build/release/lrledger`` of a repository checkout
    found above the working directory or above this package.

    Raises ``LedgerError`` (code ``process``) naming the places looked at.
    """
    for candidate in (explicit, os.environ.get("LRLEDGER_BIN")):
        if candidate:
            if not (os.path.isfile(candidate) and os.access(candidate, os.X_OK)):
                raise LedgerError("process", f"lrledger binary {candidate} is not an executable file")
            return candidate
    on_path = shutil.which("lrledger")
    if on_path:
        return on_path
    for start in (Path.cwd(), Path(__file__).resolve().parent):
        for folder in (start, *start.parents):
            built = folder / ".build" / "release" / "lrledger"
            if built.is_file() and os.access(built, os.X_OK):
                return str(built)
    raise LedgerError(
        "process",
        "cannot find the lrledger binary: set LRLEDGER_BIN, put lrledger on PATH, "
        "or build it with `swift build -c release` in the lrledger repository",
    )
