"""Built-in manifest formats, one plugin module each."""
