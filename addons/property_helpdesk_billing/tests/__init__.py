from . import test_costing
from . import test_paid_service
from . import test_paid_service_billing
from . import test_work_order_costs
from . import test_portal_quote
from . import test_phone
