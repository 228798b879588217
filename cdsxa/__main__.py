from cdsxa.cli.main import main

raise SystemExit(main())
