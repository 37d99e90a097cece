"""`python -m portal_spider` is `portal-archive`."""

from .cli import main

main()
