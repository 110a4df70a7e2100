"""The satisfaction classifier: datasets, pipeline, training, evaluation, registry and serving.

`ml` knows conversations as plain turns (role and text); it never imports `api` or `domain`. The
rest of Rapport reaches it through `ml.serving` only.
"""
