from cdsxa.cli import main

raise SystemExit(main())
