"""The festival calendar of the yearly community-culture plan (R-COM-1).

Pure functions over plain values: the solar date of each festival a culture
plan can be built around, and the choice of festivals that a plan proposes.

- Lunar festivals (Spring Festival, Lantern Festival, Dragon Boat, Mid-Autumn,
  Double Ninth) are converted from the Chinese lunisolar calendar with the
  ``lunardate`` library, which covers the lunar years 1900 to 2099.
- Children's Day and National Day are fixed solar dates.
- The spring and autumn sports meets fall on a weekend: the second Saturday
  of April and the third Saturday of October (after the National Day week).
"""

from datetime import date, timedelta

from lunardate import LunarDate

SPRING_FESTIVAL = "spring_festival"
LANTERN_FESTIVAL = "lantern_festival"
CHILDRENS_DAY = "childrens_day"
DRAGON_BOAT = "dragon_boat"
MID_AUTUMN = "mid_autumn"
DOUBLE_NINTH = "double_ninth"
NATIONAL_DAY = "national_day"
SPRING_SPORTS = "spring_sports"
AUTUMN_SPORTS = "autumn_sports"

# festival -> (lunar month, lunar day)
LUNAR_FESTIVALS = {
    SPRING_FESTIVAL: (1, 1),
    LANTERN_FESTIVAL: (1, 15),
    DRAGON_BOAT: (5, 5),
    MID_AUTUMN: (8, 15),
    DOUBLE_NINTH: (9, 9),
}
# festival -> (month, day)
SOLAR_FESTIVALS = {
    CHILDRENS_DAY: (6, 1),
    NATIONAL_DAY: (10, 1),
}
SATURDAY = 5
# festival -> (month, weekday, n-th such weekday of the month)
WEEKDAY_FESTIVALS = {
    SPRING_SPORTS: (4, SATURDAY, 2),
    AUTUMN_SPORTS: (10, SATURDAY, 3),
}
FESTIVALS = (
    *LUNAR_FESTIVALS,
    *SOLAR_FESTIVALS,
    *WEEKDAY_FESTIVALS,
)
# The order in which a plan picks its festivals: one for everyone at the new
# year, one for the children, one for everyone in autumn, one for the
# elderly; then the others.
PROPOSAL_PRIORITY = (
    SPRING_FESTIVAL,
    CHILDRENS_DAY,
    MID_AUTUMN,
    DOUBLE_NINTH,
    LANTERN_FESTIVAL,
    NATIONAL_DAY,
    DRAGON_BOAT,
    SPRING_SPORTS,
    AUTUMN_SPORTS,
)
FIRST_YEAR = 1901
LAST_YEAR = 2099


def lunar_to_solar(year, month, day):
    """The solar date of a day of the lunar calendar (never a leap month)."""
    return LunarDate(year, month, day).to_solar_date()


def nth_weekday(year, month, weekday, nth):
    """The ``nth`` (1-based) ``weekday`` (Monday 0 .. Sunday 6) of a month."""
    if nth < 1:
        raise ValueError("nth must be 1 or more")
    first = date(year, month, 1)
    day = first + timedelta(days=(weekday - first.weekday()) % 7 + 7 * (nth - 1))
    if day.month != month:
        raise ValueError(f"there is no weekday {weekday} number {nth} in {month}")
    return day


def festival_date(festival, year):
    """The solar date of ``festival`` in ``year``.

    Raises ValueError for an unknown festival or a year outside the
    calendar (FIRST_YEAR..LAST_YEAR).
    """
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise ValueError(f"the festival calendar covers {FIRST_YEAR}-{LAST_YEAR}")
    if festival in LUNAR_FESTIVALS:
        return lunar_to_solar(year, *LUNAR_FESTIVALS[festival])
    if festival in SOLAR_FESTIVALS:
        return date(year, *SOLAR_FESTIVALS[festival])
    if festival in WEEKDAY_FESTIVALS:
        return nth_weekday(year, *WEEKDAY_FESTIVALS[festival])
    raise ValueError(f"unknown festival {festival!r}")


def festival_calendar(year):
    """Every festival of ``year`` as (festival, date), in date order."""
    return sorted(
        ((festival, festival_date(festival, year)) for festival in FESTIVALS),
        key=lambda item: (item[1], FESTIVALS.index(item[0])),
    )


def propose_festivals(year, count, exclude=(), priority=PROPOSAL_PRIORITY):
    """The ``count`` festivals a plan of ``year`` proposes, leaving out those
    in ``exclude`` (already planned), picked by ``priority`` and returned as
    (festival, date) in date order. Fewer when the calendar runs out."""
    if count <= 0:
        return []
    chosen = [festival for festival in priority if festival not in set(exclude)]
    chosen = chosen[:count]
    return sorted(
        ((festival, festival_date(festival, year)) for festival in chosen),
        key=lambda item: (item[1], FESTIVALS.index(item[0])),
    )
