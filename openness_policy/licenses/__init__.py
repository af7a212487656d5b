"""Licence knowledge: the catalogue of licence versions (``catalog``) and SPDX expression evaluation
(``expression``). Import the submodules directly; nothing is loaded until first use."""
