from . import test_selfcheck_override
