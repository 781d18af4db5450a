from . import test_utils
from . import test_decoration
from . import test_fees
from . import test_works
from . import test_archive
from . import test_flow_graph
from . import test_portal
