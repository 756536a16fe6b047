"""lrledger for Python: Keras and PyTorch runs that resume with the exact learning rate.

The ledger itself is the ``lrledger`` binary; this package drives it over its attach
protocol (``lrledger attach``), so the same rules (resume step, rewinds, one writer per
run, audit) hold for every trainer. Standard library only; the Keras and PyTorch
integrations import their framework when used::

    import lrledger
    from lrledger.keras import LedgerCallback, StepSequence   # Keras 3
    from lrledger.torch import LedgerLR, TorchCheckpointer    # PyTorch
"""

from .checkpoints import digest, write_atomically
from .client import PROTOCOL, Checkpoint, Schedule, Segment, attach
from .errors import LedgerError

__all__ = [
    "PROTOCOL",
    "Checkpoint",
    "LedgerError",
    "Schedule",
    "Segment",
    "attach",
    "digest",
    "write_atomically",
]
__version__ = "0.1.0"
