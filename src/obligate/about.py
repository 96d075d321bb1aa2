"""What this build of obligate is: the engine's version and the JSON contract's version.

The engine version is the package's (pyproject.toml reads it from here, so the two never
drift). The contract version names the shape of the JSON answer: its minor number grows when
keys are added; its major number would grow only if a key were renamed or removed, which the
contract forbids.
"""

from __future__ import annotations

__version__ = "0.2.0"
ENGINE_VERSION = __version__
CONTRACT_VERSION = "1.1"
