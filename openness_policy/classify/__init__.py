"""Classifiers: pure functions from a model record to a verdict (MOF class, openness level, OSAID).

Import the submodule you need (``openness_policy.classify.mof``); nothing is imported here.
"""
