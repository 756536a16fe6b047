"""Errors raised by the lrledger client."""

from __future__ import annotations

from typing import Optional


class LedgerError(Exception):
    """The ledger refused a request, or the ``lrledger attach`` process failed.

    ``code`` is the protocol's error code (``run_busy``, ``schedule_mismatch``,
    ``checkpoint_mismatch``, ``steps_out_of_order``, ...) or ``process`` when the
    ``lrledger`` binary could not be started or died; ``message`` is one sentence that
    names the problem.
    """

    def __init__(self, code: str, message: str, op: Optional[str] = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.op = op

    def __str__(self) -> str:
        return self.message
