"""Sync in words, for the status bar and the Sync page: times in the commune's zone
(dd/mm/yyyy HH:MM), counts the Vietnamese way (1.250), what an attempt did."""

from datetime import datetime, tzinfo

from cdsxa.common.formatting import thousands
from cdsxa.sync import status
from cdsxa.ui.i18n import tr


def local_time(value: datetime, zone: tzinfo) -> str:
    return value.astimezone(zone).strftime("%d/%m/%Y %H:%M")


def clock_time(value: datetime, zone: tzinfo, now: datetime) -> str:
    """14:30 today; 14:30 dd/mm on another day."""
    local = value.astimezone(zone)
    if local.date() == now.astimezone(zone).date():
        return local.strftime("%H:%M")
    return local.strftime("%H:%M %d/%m")


def status_text(state: status.SyncState, syncing: bool) -> str:
    """The status bar's: not enrolled; syncing; or the last success and what waits."""
    if syncing:
        return tr("Syncing…")
    if not state.enrolled:
        return tr("Sync: not enrolled with the province")
    if state.by_file:
        return tr("Sync by file: {count} changes waiting").format(
            count=thousands(state.pending))
    when = (tr("never synced") if state.last_success is None
            else tr("last synced {when}").format(when=local_time(state.last_success,
                                                                  state.zone)))
    parts = [tr("Sync: {when} · {count} changes waiting").format(
        when=when, count=thousands(state.pending))]
    if state.conflicts:
        parts.append(tr("{count} conflicts").format(count=thousands(state.conflicts)))
    if state.last_attempt is not None and not state.last_attempt.ok:
        parts.append(tr("last attempt failed"))
    return " · ".join(parts)


def progress_text(stage: str, done: int, total: int) -> str:
    if stage == "push":
        return tr("Sending {done}/{total} changes").format(done=thousands(done),
                                                             total=thousands(total))
    if done:
        return tr("Receiving… ({count} changes so far)").format(count=thousands(done))
    return tr("Receiving…")


def result_text(attempt: status.Attempt) -> str:
    if not attempt.ok:
        return tr("Failed")
    if attempt.refused:
        return tr("Done, {count} changes refused").format(count=thousands(attempt.refused))
    return tr("Done")
