"""Built-in reporters, one plugin module each."""
