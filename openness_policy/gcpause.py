"""Start-up without the cyclic garbage collector.

Importing the package and building the plugin registry, the policy and the licence catalogue create
tens of thousands of objects that live as long as the process; the collector would walk them again
and again while they are being made, about a tenth of a one-file run. The console entry point pauses
it (:func:`pause`); start-up ends when the files to judge are listed, and :func:`resume` (called
there, in :func:`openness_policy.discover.listing`) freezes what start-up made, so later collections
skip it, and turns the collector back on, so memory stays bounded however many files are judged.
A program that imports the package and never pauses the collector is not affected.
"""
from __future__ import annotations

import gc

_paused = False


def pause() -> None:
    global _paused
    if gc.isenabled():
        gc.disable()
        _paused = True


def resume() -> None:
    global _paused
    if _paused:
        _paused = False
        gc.freeze()
        gc.enable()
