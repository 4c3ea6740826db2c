"""E-mail alerts for saved searches and the per-document matches that Atom feeds share.

- ``search_spec``: a saved search (the search page's filters) <-> query string and ``SearchRequest``.
- ``matches``: the documents a search matches, newest first by indexing time (feeds and digests).
- ``store``: subscriptions, seen documents, the outbox and rate counters in ``DATA_DIR/admin.sqlite``.
- ``tokens``: signed confirm/unsubscribe tokens. ``mailer``: SMTP settings, addresses, sending.
- ``compose``: the Czech e-mails (plain text + HTML from ``templates/``).
- ``runner``: ``scsearch alerts run`` (also after every ingest). ``cli``: ``scsearch alerts …``.

This package uses the search (``scsearch.index``) and never the web UI. See docs/alerts.md.
"""
