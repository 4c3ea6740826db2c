"""The whoosh index: schema, Czech analysis, writing with generations, searching."""
