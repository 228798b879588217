"""The commune's calendar: what day it is in the commune, whatever the zone of the
computer (a PC set to UTC, the hub's server, CI). "Not in the future" checks,
default dates and the reporting day all use it, so they agree with one another."""

from datetime import date, datetime, timedelta, timezone, tzinfo
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from cdsxa.commune import settings


def zone(session: Session) -> tzinfo:
    """The commune's time zone, from its settings (tzdata supplies it on Windows)."""
    return ZoneInfo(settings.get(session, settings.COMMUNE_TIME_ZONE))


def today(session: Session) -> date:
    """Today in the commune."""
    return datetime.now(zone(session)).date()


def is_future(session: Session, day: date) -> bool:
    """Whether `day` is after the commune's today.

    Every zone is within 14 hours of UTC, so a day before yesterday in UTC is past
    everywhere: most saves (dated some days back) need not read the setting.
    """
    if day < datetime.now(timezone.utc).date() - timedelta(days=1):
        return False
    return day > today(session)
