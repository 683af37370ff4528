"""The parameters of a release, and the key that makes one fixed release per parameter set."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass

FORMATS = ("csv", "xlsx", "parquet", "sav")
MIN_K = 3
DEFAULT_K = 5


@dataclass(frozen=True)
class ReleaseParams:
    wave_ids: tuple[int, ...]  # normalised: sorted, unique
    format: str  # one of FORMATS
    lang: str = "en"  # one of core.config.LANGUAGES
    k: int = DEFAULT_K  # never below MIN_K
    free_text: bool = False
    link_waves: bool = False  # pseudonyms stable across the waves of this release

    def __post_init__(self):
        object.__setattr__(self, "wave_ids", tuple(sorted({int(wave) for wave in self.wave_ids})))
        object.__setattr__(self, "k", int(self.k))
        object.__setattr__(self, "free_text", bool(self.free_text))
        object.__setattr__(self, "link_waves", bool(self.link_waves))

    def as_dict(self) -> dict:
        return {
            "wave_ids": list(self.wave_ids),
            "format": self.format,
            "lang": self.lang,
            "k": self.k,
            "free_text": self.free_text,
            "link_waves": self.link_waves,
        }

    def key(self) -> str:
        """sha256 of the canonical JSON of the parameters: equal parameters, equal key."""
        canonical = json.dumps(self.as_dict(), sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(canonical.encode()).hexdigest()
