"""Every rule module in this package is imported here, which registers its rules.

Modules whose names start with ``_`` are shared helpers, not rules.
"""
import importlib
import pkgutil

for _info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
    if not _info.name.startswith("_"):
        importlib.import_module(f"{__name__}.{_info.name}")
