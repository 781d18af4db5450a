from . import property_meter_replace
from . import property_meter_batch_entry
from . import property_meter_reading_import
from . import property_arrears_export
from . import property_counter_payment
from . import property_payment_match
from . import property_payment_ignore
from . import property_collection_report_wizard
