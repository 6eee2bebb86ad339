"""`python -m errorops`: Ctrl-C is handled before the (slow) imports, so it never prints a traceback."""

import signal
import sys

from .interrupt import interrupted

signal.signal(signal.SIGINT, interrupted)

from .cli import main  # noqa: E402  (after the handler, on purpose)

sys.exit(main())
