"""`python -m cdsxa.hub` is `cdsxa-hub`."""

from cdsxa.hub.cli import main

raise SystemExit(main())
