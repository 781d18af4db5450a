from . import property_helpdesk_kpi_report
from . import property_morning_meeting
from . import property_staff_scorecard
from . import property_complaint_export
from . import property_holiday_schedule_import
