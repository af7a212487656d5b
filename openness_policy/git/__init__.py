"""Git awareness: what a change touched, and the manifests and policies as they were at its base.

``repo`` runs every git command (git's plumbing, as child processes); ``changed`` works out which manifests to judge;
``base`` reads the base commit's files from git objects (never by checking out); ``pr`` runs the
pipeline in pull-request mode (``eval --diff-base REF``).
"""
