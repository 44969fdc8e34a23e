"""tfplugin6.Provider: the RPCs terraform calls to validate, plan and test with hashicorp/aws.

Validation returns no diagnostics (terraform core itself checks types, required and unknown
arguments and block counts against the schema).  Planning is ``planning.plan_create``; reading data
sources is ``datasources.read``.  Apply and import are out of scope: they return an error saying so.
"""
from __future__ import annotations

import sys
import traceback
from typing import Any

from . import cty
from .datasources import read as read_data_source
from .planning import ProviderConfig, plan_create
from .schema import Schemas

DEFAULT_ACCOUNT_ID = "123456789012"


class Provider:
    def __init__(self, schemas: Schemas, environ: dict | None = None):
        import os

        self.schemas = schemas
        self.environ = dict(os.environ if environ is None else environ)
        self.config = ProviderConfig(region=self._env_region(), account_id=DEFAULT_ACCOUNT_ID)

    def _env_region(self) -> str | None:
        return self.environ.get("AWS_REGION") or self.environ.get("AWS_DEFAULT_REGION") or None

    # --- gRPC plumbing ---------------------------------------------------------------------------

    def grpc_handler(self):
        import grpc

        from tf.gen import tfplugin_pb2 as pb

        handlers = {}
        for method in pb.DESCRIPTOR.services_by_name["Provider"].methods:
            impl = getattr(self, method.name, None)
            if impl is None:
                continue  # unimplemented: gRPC answers UNIMPLEMENTED
            messages = getattr(pb, method.name)
            serializer = messages.Response.SerializeToString
            if method.name == "GetProviderSchema":  # served pre-serialized
                serializer = bytes
            handlers[method.name] = grpc.unary_unary_rpc_method_handler(
                self._guard(impl, messages.Response), request_deserializer=messages.Request.FromString,
                response_serializer=serializer)
        return grpc.method_handlers_generic_handler("tfplugin6.Provider", handlers)

    def _guard(self, impl, response_cls):
        """A bug in the stand-in becomes an error diagnostic naming it, not a hung terraform."""
        def call(request, context):
            try:
                return impl(request)
            except Exception as exc:  # noqa: BLE001 - reported to terraform
                traceback.print_exc(file=sys.stderr)
                response = response_cls()
                if hasattr(response, "diagnostics"):
                    response.diagnostics.append(_error(f"offline aws provider: {type(exc).__name__}: {exc}",
                                                       traceback.format_exc()))
                return response
        return call

    # --- schema and configuration ------------------------------------------------------------------

    def GetProviderSchema(self, request):
        return self.schemas.response_bytes

    def GetMetadata(self, request):
        from tf.gen import tfplugin_pb2 as pb

        return pb.GetMetadata.Response(server_capabilities=pb.ServerCapabilities())

    def GetFunctions(self, request):
        from tf.gen import tfplugin_pb2 as pb

        return pb.GetFunctions.Response()

    def ValidateProviderConfig(self, request):
        from tf.gen import tfplugin_pb2 as pb

        return pb.ValidateProviderConfig.Response()

    def ValidateResourceConfig(self, request):
        from tf.gen import tfplugin_pb2 as pb

        return pb.ValidateResourceConfig.Response()

    def ValidateDataResourceConfig(self, request):
        from tf.gen import tfplugin_pb2 as pb

        return pb.ValidateDataResourceConfig.Response()

    def ConfigureProvider(self, request):
        from tf.gen import tfplugin_pb2 as pb

        response = pb.ConfigureProvider.Response()
        config = cty.decode(request.config) or {}
        self.config = configure(config, self.environ)
        if self.config.region is None:
            response.diagnostics.append(_error(
                "Missing region value",
                'The "region" attribute or the "AWS_REGION" or "AWS_DEFAULT_REGION" environment variables must be set.'))
        return response

    def StopProvider(self, request):
        from tf.gen import tfplugin_pb2 as pb

        return pb.StopProvider.Response()

    # --- resources --------------------------------------------------------------------------------

    def UpgradeResourceState(self, request):
        from tf.gen import tfplugin_pb2 as pb

        # states written by this stand-in are already current: pass the JSON through
        return pb.UpgradeResourceState.Response(upgraded_state=pb.DynamicValue(json=request.raw_state.json))

    def ReadResource(self, request):
        from tf.gen import tfplugin_pb2 as pb

        return pb.ReadResource.Response(new_state=request.current_state, private=request.private)

    def PlanResourceChange(self, request):
        from tf.gen import tfplugin_pb2 as pb

        response = pb.PlanResourceChange.Response(legacy_type_system=True)
        if not self.schemas.has("resource", request.type_name):
            response.diagnostics.append(_error(f"unsupported resource type {request.type_name}"))
            return response
        prior = cty.decode(request.prior_state)
        proposed = cty.decode(request.proposed_new_state)
        if proposed is None or prior is not None:  # destroy, or an update: terraform's proposal stands
            response.planned_state.CopyFrom(request.proposed_new_state)
            response.planned_private = request.prior_private
            return response
        config = cty.decode(request.config) or {}
        planned = plan_create(request.type_name, self.schemas.block("resource", request.type_name), proposed,
                              config, self.config, self.schemas.static_defaults("resource", request.type_name))
        response.planned_state.msgpack = cty.encode(planned)
        return response

    def ApplyResourceChange(self, request):
        from tf.gen import tfplugin_pb2 as pb

        response = pb.ApplyResourceChange.Response(legacy_type_system=True)
        response.diagnostics.append(_error("the offline aws provider cannot apply",
                                           "It plans only: use command = plan in terraform test files."))
        return response

    def ImportResourceState(self, request):
        from tf.gen import tfplugin_pb2 as pb

        response = pb.ImportResourceState.Response()
        response.diagnostics.append(_error("the offline aws provider cannot import"))
        return response

    # --- data sources -----------------------------------------------------------------------------

    def ReadDataSource(self, request):
        from tf.gen import tfplugin_pb2 as pb

        response = pb.ReadDataSource.Response()
        if not self.schemas.has("data", request.type_name):
            response.diagnostics.append(_error(f"unsupported data source {request.type_name}"))
            return response
        config = cty.decode(request.config) or {}
        state = read_data_source(request.type_name, self.schemas.block("data", request.type_name), config,
                                 self.config, self.schemas.static_defaults("data", request.type_name))
        response.state.msgpack = cty.encode(state)
        return response


def configure(config: dict, environ: dict) -> ProviderConfig:
    """The provider's facts from its configuration block (and the environment, as the real one)."""
    region = config.get("region") or environ.get("AWS_REGION") or environ.get("AWS_DEFAULT_REGION") or None
    allowed = sorted(a for a in (config.get("allowed_account_ids") or []) if isinstance(a, str))
    account = allowed[0] if allowed else None
    if account is None:
        for role in config.get("assume_role") or []:
            arn = (role or {}).get("role_arn")
            if isinstance(arn, str) and arn.count(":") >= 5 and arn.split(":")[4].isdigit():
                account = arn.split(":")[4]
                break
    default_tags: Any = {}
    for block in config.get("default_tags") or []:
        tags = (block or {}).get("tags")
        default_tags = cty.UNKNOWN if tags is cty.UNKNOWN else dict(tags or {})
    ignore: list = []
    for block in config.get("ignore_tags") or []:
        ignore.extend(k for k in ((block or {}).get("keys") or []) if isinstance(k, str))
    return ProviderConfig(region=region if isinstance(region, str) else None,
                          account_id=account or environ.get("TFOFFLINE_ACCOUNT_ID") or DEFAULT_ACCOUNT_ID,
                          default_tags=default_tags, ignore_tag_keys=tuple(ignore))


def _error(summary: str, detail: str = ""):
    from tf.gen import tfplugin_pb2 as pb

    return pb.Diagnostic(severity=pb.Diagnostic.ERROR, summary=summary, detail=detail)
