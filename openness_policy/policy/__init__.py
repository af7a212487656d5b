"""The policy language: loading, requirement kinds, evaluation, exceptions."""
