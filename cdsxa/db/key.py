"""The data key as the database takes it: 32 random bytes, never printed."""

from dataclasses import dataclass


@dataclass(frozen=True)
class DataKey:
    raw: bytes

    def sqlcipher_pragma(self) -> str:
        # x'...' hands SQLCipher the key itself, skipping its PBKDF2 (the key is random).
        return f"PRAGMA key = \"x'{self.raw.hex()}'\""

    def __repr__(self) -> str:  # never print the key by accident
        return "DataKey(…)"
