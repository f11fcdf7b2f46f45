"""Where the service runs, and where its settings may be left loose."""

from typing import Literal

Environment = Literal["local", "test", "staging", "production"]
# A developer's machine and the test suite.
DEVELOPMENT = frozenset({"local", "test"})
