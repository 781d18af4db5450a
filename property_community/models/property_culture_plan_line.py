from datetime import datetime, time, timedelta

import pytz

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import LazyTranslate

from .. import festivals as fc

_lt = LazyTranslate(__name__)

FESTIVAL_SELECTION = [
    (fc.SPRING_FESTIVAL, "Spring Festival"),
    (fc.LANTERN_FESTIVAL, "Lantern Festival"),
    (fc.CHILDRENS_DAY, "Children's Day"),
    (fc.DRAGON_BOAT, "Dragon Boat Festival"),
    (fc.MID_AUTUMN, "Mid-Autumn Festival"),
    (fc.DOUBLE_NINTH, "Double Ninth Festival"),
    (fc.NATIONAL_DAY, "National Day"),
    (fc.SPRING_SPORTS, "Spring Sports Meet"),
    (fc.AUTUMN_SPORTS, "Autumn Sports Meet"),
    ("other", "Other Theme"),
]

AUDIENCES = [
    ("elderly", "Elderly"),
    ("children", "Children"),
    ("all", "Everyone"),
]

# What the festival calendar proposes for each festival:
# (theme, purpose, audience, expected attendance)
FESTIVAL_DEFAULTS = {
    fc.SPRING_FESTIVAL: (
        _lt("Spring Festival gathering: couplets and dumplings"),
        _lt(
            "Welcome the new year together: neighbours write couplets and make "
            "dumplings with the property team."
        ),
        "all",
        150,
    ),
    fc.LANTERN_FESTIVAL: (
        _lt("Lantern Festival riddles"),
        _lt("Lantern riddles and sweet dumplings (tangyuan) in the plaza."),
        "all",
        120,
    ),
    fc.CHILDRENS_DAY: (
        _lt("Children's Day fun fair"),
        _lt("Games, drawing and a small show for the children of the community."),
        "children",
        80,
    ),
    fc.DRAGON_BOAT: (
        _lt("Dragon Boat Festival zongzi workshop"),
        _lt("Wrap zongzi together and tell the story of the festival."),
        "all",
        60,
    ),
    fc.MID_AUTUMN: (
        _lt("Mid-Autumn moon-cake evening"),
        _lt("Moon cakes, tea and music under the full moon: a family evening."),
        "all",
        150,
    ),
    fc.DOUBLE_NINTH: (
        _lt("Double Ninth tea party for the elderly"),
        _lt("Honour the elderly residents: tea, a health check and a small gift."),
        "elderly",
        50,
    ),
    fc.NATIONAL_DAY: (
        _lt("National Day flag ceremony and talent show"),
        _lt(
            "Celebrate National Day with a flag ceremony and the residents' "
            "talent show."
        ),
        "all",
        200,
    ),
    fc.SPRING_SPORTS: (
        _lt("Spring community sports meet"),
        _lt("Relay races, tug of war and family games to keep fit together."),
        "all",
        100,
    ),
    fc.AUTUMN_SPORTS: (
        _lt("Autumn community sports meet"),
        _lt("Walking race, badminton and table tennis for all ages."),
        "all",
        100,
    ),
}

# An event created from the plan runs on the planned day from 9:00 to 12:00
# (local time of the user who creates it).
EVENT_START = time(9, 0)
EVENT_DURATION = timedelta(hours=3)


class PropertyCulturePlanLine(models.Model):
    _name = "property.culture.plan.line"
    _description = "Planned Community Event"
    _order = "plan_id, planned_date, sequence, id"
    _check_company_auto = True

    plan_id = fields.Many2one(
        "property.culture.plan",
        required=True,
        index=True,
        ondelete="cascade",
        check_company=True,
    )
    company_id = fields.Many2one(
        related="plan_id.company_id", store=True, index=True, precompute=True
    )
    site_id = fields.Many2one(related="plan_id.site_id", store=True, index=True)
    year = fields.Integer(related="plan_id.year", store=True)
    sequence = fields.Integer(default=10)
    festival = fields.Selection(
        FESTIVAL_SELECTION,
        string="Festival / Theme",
        required=True,
        default="other",
    )
    name = fields.Char(string="Theme", required=True)
    planned_date = fields.Date()
    purpose = fields.Text()
    audience = fields.Selection(AUDIENCES, required=True, default="all")
    expected_attendance = fields.Integer(
        string="Expected Scale", help="How many people the event expects."
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    budget = fields.Monetary()
    organizer_ids = fields.Many2many(
        "res.users",
        "property_culture_plan_line_organizer_rel",
        "line_id",
        "user_id",
        string="Organisers",
        domain="[('share', '=', False)]",
        help="Staff members who organise the event.",
    )
    organizing_departments = fields.Char(
        string="Organising Departments",
        help="Departments that take part, e.g. service desk, security, cleaning.",
    )
    event_ids = fields.One2many("event.event", "property_plan_line_id", string="Events")
    event_id = fields.Many2one("event.event", compute="_compute_event_id")
    state = fields.Selection(
        [
            ("planned", "Planned"),
            ("scheduled", "Scheduled"),
            ("held", "Held"),
            ("cancelled", "Cancelled"),
        ],
        compute="_compute_event_id",
        help="Planned: no event yet. Scheduled: the event is in the calendar. "
        "Held: the event has taken place. Cancelled: its event was cancelled.",
    )

    _sql_constraints = [
        (
            "budget_positive",
            "CHECK(budget >= 0)",
            "The budget of a planned event cannot be negative.",
        ),
        (
            "expected_attendance_positive",
            "CHECK(expected_attendance >= 0)",
            "The expected scale of an event cannot be negative.",
        ),
    ]

    @api.depends("event_ids.date_end", "event_ids.stage_id")
    def _compute_event_id(self):
        cancelled = self.env["event.event"]._property_cancelled_stage()
        now = fields.Datetime.now()
        for line in self:
            events = line.event_ids.sorted("date_begin")
            live = events.filtered(lambda e: e.stage_id != cancelled)
            line.event_id = (live or events)[:1]
            if not events:
                line.state = "planned"
            elif not live:
                line.state = "cancelled"
            elif any(event.date_end < now for event in live):
                line.state = "held"
            else:
                line.state = "scheduled"

    @api.constrains("planned_date", "plan_id")
    def _check_planned_date_year(self):
        for line in self:
            if line.planned_date and line.planned_date.year != line.plan_id.year:
                raise ValidationError(
                    self.env._(
                        "The planned date of %(event)s (%(date)s) is not in "
                        "%(year)s, the year of the plan.",
                        event=line.name,
                        date=line.planned_date,
                        year=line.plan_id.year,
                    )
                )

    @api.onchange("festival")
    def _onchange_festival(self):
        if self.festival in FESTIVAL_DEFAULTS:
            values = self._festival_defaults(self.festival)
            if self.plan_id.year:
                values["planned_date"] = fc.festival_date(
                    self.festival, self.plan_id.year
                )
            if self.name:
                values.pop("name")
            self.update(values)

    @api.model
    def _festival_defaults(self, festival):
        """Theme, purpose, audience and scale the calendar proposes."""
        theme, purpose, audience, scale = FESTIVAL_DEFAULTS[festival]
        return {
            "festival": festival,
            "name": self.env._(theme),
            "purpose": self.env._(purpose),
            "audience": audience,
            "expected_attendance": scale,
        }

    @api.ondelete(at_uninstall=False)
    def _unlink_except_scheduled(self):
        for line in self:
            if line.event_ids:
                raise UserError(
                    self.env._(
                        "%(event)s already has an event in the calendar: "
                        "cancel the event instead of deleting the plan line.",
                        event=line.name,
                    )
                )

    def _event_datetimes(self):
        """Start and end (naive UTC) of an event on the planned day."""
        self.ensure_one()
        tz = pytz.timezone(self.env.context.get("tz") or self.env.user.tz or "UTC")
        start = tz.localize(datetime.combine(self.planned_date, EVENT_START))
        start = start.astimezone(pytz.utc).replace(tzinfo=None)
        return start, start + EVENT_DURATION

    def _prepare_event_values(self):
        self.ensure_one()
        date_begin, date_end = self._event_datetimes()
        values = {
            "name": self.name,
            "property_site_id": self.site_id.id,
            "company_id": self.company_id.id,
            "property_plan_line_id": self.id,
            "property_festival": self.festival,
            "property_purpose": self.purpose,
            "property_audience": self.audience,
            "property_organizer_ids": [fields.Command.set(self.organizer_ids.ids)],
            "property_organizing_departments": self.organizing_departments,
            "date_begin": date_begin,
            "date_end": date_end,
            "user_id": self.organizer_ids[:1].id or self.env.user.id,
        }
        if self.expected_attendance:
            values.update(
                {"seats_limited": True, "seats_max": self.expected_attendance}
            )
        if self.budget:
            values["property_budget_line_ids"] = [
                fields.Command.create(
                    {
                        "name": self.env._("Budget of the culture plan"),
                        "planned_amount": self.budget,
                    }
                )
            ]
        return values

    def action_create_event(self):
        """Put the planned event in the calendar, with its budget."""
        events = self.env["event.event"]
        for line in self:
            if line.plan_id.state != "approved":
                raise UserError(
                    self.env._(
                        "Approve %(plan)s before putting its events in the calendar.",
                        plan=line.plan_id.display_name,
                    )
                )
            if line.event_ids.filtered(
                lambda e: e.stage_id != e._property_cancelled_stage()
            ):
                raise UserError(
                    self.env._("%(event)s is already in the calendar.", event=line.name)
                )
            if not line.planned_date:
                raise UserError(
                    self.env._(
                        "Enter the planned date of %(event)s first.", event=line.name
                    )
                )
            events |= (
                self.env["event.event"]
                .with_company(line.company_id)
                .create(line._prepare_event_values())
            )
        if len(events) == 1:
            return events._get_records_action()
        return True

    def action_open_event(self):
        self.ensure_one()
        return self.event_id._get_records_action()
