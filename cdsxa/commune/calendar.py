"""The commune's calendar: what day it is in the commune, whatever the zone of the
computer (a PC set to UTC, the hub's server, CI). "Not in the future" checks,
default dates and the reporting day all use it, so they agree with one another."""

from datetime import date, datetime, tzinfo
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from cdsxa.commune import settings


def zone(session: Session) -> tzinfo:
    """The commune's time zone, from its settings (tzdata supplies it on Windows)."""
    return ZoneInfo(settings.get(session, settings.COMMUNE_TIME_ZONE))


def today(session: Session) -> date:
    """Today in the commune."""
    return datetime.now(zone(session)).date()
