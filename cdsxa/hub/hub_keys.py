"""The hub's long-term keys, a pair per commune, kept in the hub's database.

For each commune the hub has an X25519 key (the PCs encrypt their bundles to it) and
an Ed25519 key (it signs enrol files and receipts). They are made the first time the
commune needs them (its first enrolment code or file, or its first enrolment of a PC
after the hub was upgraded) under the commune row's lock, so two hub processes never
make two pairs. In the database rather than a file of the data folder: every process
that serves or administers the hub (`serve` under a service account, the province's
commands on another machine with the same `--database`) must use the same keys, and
they belong with what they protect; docs/hub.md, "Sync by file".
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from cdsxa.hub.models import Commune, CommuneKey
from cdsxa.sync import bundle_files


@dataclass(frozen=True)
class CommuneKeys:
    commune_code: int
    box_private: bytes
    sign_private: bytes
    public: bundle_files.HubKeys  # what a PC is given at enrolment

    @property
    def fingerprint(self) -> str:
        return bundle_files.fingerprint(bundle_files.decode_key(self.public.sign_key))


def _keys(row: CommuneKey) -> CommuneKeys:
    return CommuneKeys(row.commune_code, bundle_files.decode_key(row.box_private),
                       bundle_files.decode_key(row.sign_private),
                       bundle_files.HubKeys(box_key=row.box_public, sign_key=row.sign_public))


def existing(session: Session, commune_code: int) -> CommuneKeys | None:
    row = session.get(CommuneKey, commune_code)
    return _keys(row) if row is not None else None


def of_commune(session: Session, commune_code: int) -> CommuneKeys:
    """The commune's keys, made on first use (the commune is registered)."""
    found = existing(session, commune_code)
    if found is not None:
        return found
    # The commune row's lock: one maker at a time (SQLite's BEGIN IMMEDIATE already is).
    commune = session.get(Commune, commune_code, with_for_update=True)
    assert commune is not None, "keys of a registered commune"
    # Read again after the lock (nothing of a missing row is cached): another maker may
    # have committed meanwhile.
    row = session.get(CommuneKey, commune_code)
    if row is None:
        box_private, box_public = bundle_files.new_box_key()
        sign_private, sign_public = bundle_files.new_signing_key()
        row = CommuneKey(commune_code=commune_code,
                         box_private=bundle_files.encode_key(box_private),
                         box_public=bundle_files.encode_key(box_public),
                         sign_private=bundle_files.encode_key(sign_private),
                         sign_public=bundle_files.encode_key(sign_public))
        session.add(row)
        session.flush()
    return _keys(row)
