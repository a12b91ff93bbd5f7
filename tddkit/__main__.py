"""`python -m tddkit` is the same as the `tddkit` command."""

from tddkit.cli import main

raise SystemExit(main())
