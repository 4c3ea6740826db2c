"""The Czech language layer shared by ingest and search.

Folding and tokenising (:mod:`.tokenize`), the light stemmer (:mod:`.stemmer`), ministries, programmes
and bodies (:mod:`.entities`), Czech dates (:mod:`.dates`) and the lemmatiser registry
(:mod:`.lemmatize`: stanza, or simplemma when its models are absent). It imports only the ground
layer (``scsearch.models``, ``scsearch.errors``, ``scsearch.settings``).
"""
