"""Errors that end a run with exit code 2 and a message for the user (never a traceback)."""
from __future__ import annotations


class UserError(Exception):
    """Bad usage or configuration. The message names the file/line and what to do."""

    exit_code = 2


class ConfigError(UserError):
    """A policy or configuration file is invalid."""

    def __init__(self, file: str, line: int, col: int, message: str, hint: str = "", json_path: str = ""):
        self.file, self.line, self.col = file, line, col
        self.json_path, self.hint, self.detail = json_path, hint, message
        where = f"{file}:{line}:{col}"
        text = f"{where}: {message}"
        if json_path:
            text += f" (at {json_path})"
        if hint:
            text += f"\n  hint: {hint}"
        super().__init__(text)
