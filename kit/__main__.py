"""``python -m kit`` is the ``lxkit`` command."""

from kit.cli import main

raise SystemExit(main())
