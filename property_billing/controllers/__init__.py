from . import portal_shared_cost
from . import portal
from . import payment
from . import billing_xlsx
from . import queue_job
