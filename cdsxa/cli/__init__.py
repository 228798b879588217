"""The `cdsxa` command line: one module per group of subcommands."""
