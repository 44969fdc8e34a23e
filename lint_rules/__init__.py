"""auditgate: prove a Terraform AWS logging baseline meets the HIPAA §164.312(b)
audit-logging policy before apply.

Pipeline: ``loaders`` (plan JSON or HCL) → ``model.Model`` → ``engine.evaluate``
with the ``rules`` and the ``policy`` → ``report``.
"""
__version__ = "0.1.0"
