"""Git awareness: what a change touched, and the manifests and policies as they were at its base.

``repo`` is the only module that imports gitpython; ``changed`` works out which manifests to judge;
``base`` reads the base commit's files from git objects (never by checking out); ``pr`` runs the
pipeline in pull-request mode (``eval --diff-base REF``).
"""
