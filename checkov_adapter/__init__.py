"""auditgate's rules as checkov custom checks: pass this directory to ``checkov --external-checks-dir``.

checkov loads every ``.py`` file of a directory that has an ``__init__.py`` as checks; this file only
marks the directory.  The checks are in ``auditgate_checks.py``; ``auditgate_bridge/`` (no
``__init__.py``, so checkov does not load it as checks) holds the checkov-independent logic.
"""
