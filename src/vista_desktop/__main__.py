from vista_desktop.cli import main

raise SystemExit(main())
