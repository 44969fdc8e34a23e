"""An offline stand-in for the hashicorp/aws 6.19.0 terraform provider (test infrastructure).

It speaks terraform's plugin protocol 6 and serves the real provider schema from
``shared/aws-provider-schema/``, so the real terraform binary can ``init``, ``validate``, ``plan``,
``show -json`` and ``test`` (``command = plan``) with no network and no credentials.  ``tools/tfoffline.py``
installs it (a ``filesystem_mirror`` in a generated CLI configuration) and runs terraform with it.

Modules: ``cty`` (values on the wire), ``schema`` (the served schema), ``planning`` (PlanResourceChange),
``datasources`` (ReadDataSource), ``provider`` (the RPCs), ``server`` (the go-plugin process).
"""
