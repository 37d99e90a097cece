"""`python -m portal_spider.demo_portal`."""

import sys

from .cli import main

sys.exit(main())
