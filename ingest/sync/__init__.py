"""``scsearch sync``: the group's web page as a source (crawl.py walks it, fetch.py is the polite HTTP client,
pagectx.py reads the meeting context around links, files.py names and checks downloads, state.py keeps what
sync remembers, run.py ties them together, command.py is the CLI)."""
