"""Enrolling this PC with the province hub: its device id registered, its token kept.

Used by `cdsxa enrol` (and, later, the Sync page). The code names its commune, so a
code for another commune is refused here, before anything is sent.
"""

import platform
from dataclasses import dataclass
from pathlib import Path

from cdsxa.common.admin_units import commune_label
from cdsxa.common.errors import UserError
from cdsxa.db.engine import Database
from cdsxa.security import device_token
from cdsxa.sync import bundle_files, wire
from cdsxa.sync.hub_client import HubClient, checked_url, fingerprint


@dataclass(frozen=True)
class Enrolled:
    hub_url: str
    commune_code: int
    commune_name: str
    device_id: str
    in_keyring: bool


def enrol(db: Database, data_dir: Path, hub_url: str, code: str,
          verify: bool | str = True, pin: str | None = None) -> Enrolled:
    """Enrol this PC with a one-time code. `pin`: the province certificate's SHA-256
    fingerprint (from the province, by another channel): this and every later call
    then trusts that certificate only."""
    url = checked_url(hub_url)  # before anything: never send a code over plain HTTP
    pin = fingerprint(pin) if pin else None
    if db.commune_code is None or db.key is None:
        raise UserError("Hồ sơ xã chưa được thiết lập; chưa đăng ký được với tỉnh.")
    parsed = wire.parse_code(code)
    if parsed is None:
        raise UserError("Mã đăng ký không đúng dạng (ví dụ: 12345-ABCD-EFGH-JKMN-PQRS). Hãy "
                        "kiểm tra lại từng ký tự.")
    if parsed[0] != db.commune_code:
        raise UserError(f"Mã đăng ký này dành cho {commune_label(parsed[0])}, không phải "
                        f"{commune_label(db.commune_code)} của máy này. Chưa gửi gì.")
    device_id = str(db.load_device())
    # This device's signing key, made now: the hub registers its public half, and the
    # PC can send bundles too when the network is down (cdsxa.sync.bundle).
    private, public = bundle_files.new_signing_key()
    device_key = bundle_files.encode_key(public)
    request = wire.EnrolRequest(code=wire.normalise_code(code), device_id=device_id,
                                commune_code=db.commune_code, protocol=wire.PROTOCOL_VERSION,
                                label=platform.node()[:wire.MAX_LABEL_LENGTH] or None,
                                device_key=device_key)
    with HubClient(url, verify=verify, pin=pin) as client:
        answer = client.enrol(request)
    if answer.device_id != device_id or answer.commune_code != db.commune_code:
        raise UserError("Máy chủ tỉnh trả lời cho một máy hoặc xã khác; không lưu gì.")
    signing = device_token.SigningKeys(bundle_files.encode_key(private), device_key,
                                       answer.hub_box_key, answer.hub_sign_key)
    kept = device_token.store(data_dir, db.key, answer.device_token, url, answer.commune_code,
                              device_id, signing=signing, pin=pin)
    return Enrolled(url, answer.commune_code, answer.commune_name, device_id, kept.in_keyring)


def whoami(db: Database, data_dir: Path, verify: bool | str = True) -> wire.WhoAmI:
    """Who the hub takes this PC for (checks the stored token)."""
    known = device_token.enrolment(data_dir)
    if known is None or db.key is None:
        raise device_token.NotEnrolledError("Máy này chưa đăng ký với tỉnh.")
    token = device_token.token(data_dir, db.key)
    with HubClient(known.hub_url, token=token, verify=verify, pin=known.pin) as client:
        return client.whoami()
