"""Git awareness: what a change touched, and the manifests and policies as they were at its base.

``repo`` resolves revisions, lists what changed and reads the base commit's blobs (git's plumbing, as
child processes); ``search`` runs ``git grep`` over the manifests and ``mentions`` decides from its
lines which files can matter; ``changed`` works out which manifests to judge; ``base`` reads the base
commit's files from git objects (never by checking out); ``pr`` runs the pipeline in pull-request mode
(``eval --diff-base REF``).
"""
