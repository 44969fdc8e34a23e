"""The plugin process: terraform's provider protocol 6 over gRPC on a unix socket (go-plugin).

go-plugin's contract, as terraform 1.x uses it:

- terraform starts the executable with ``TF_PLUGIN_MAGIC_COOKIE`` (a plugin refuses to run without it)
  and ``PLUGIN_CLIENT_CERT``, its own client certificate (AutoMTLS);
- the plugin listens, then prints one handshake line on stdout:
  ``1|6|unix|SOCKET|grpc|CERT`` (core protocol 1, provider protocol 6, network, address, gRPC, and its
  own server certificate as unpadded base64 DER, which terraform pins; it verifies the name
  ``localhost``);
- besides ``tfplugin6.Provider`` it serves ``plugin.GRPCController/Shutdown`` (terraform's way of
  ending it) and ``plugin.GRPCStdio`` (stdout/stderr forwarding; an empty stream here).

The socket lives in its own temporary directory, removed on Shutdown, on SIGTERM and when terraform
itself dies (the plugin's parent changes); a plugin killed outright (SIGKILL) cannot, so callers create
sockets under a directory they own (``TFOFFLINE_SOCKET_DIR``) and remove that.
"""
from __future__ import annotations

import base64
import datetime
import os
import shutil
import signal
import sys
import tempfile
import threading
from concurrent import futures
from pathlib import Path

MAGIC_COOKIE_KEY = "TF_PLUGIN_MAGIC_COOKIE"
MAGIC_COOKIE_VALUE = "d602bf8f470bc67ca7faa0386276bbdd4330efaf76d1a219cb4d6991ca9872b2"
SOCKET_PATH_MAX = 100  # sun_path is 108 bytes on Linux


def self_signed_certificate() -> tuple[bytes, bytes, bytes]:
    """(key PEM, certificate PEM, certificate DER) for ``localhost``, as go-plugin's AutoMTLS expects."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost"),
                      x509.NameAttribute(NameOID.ORGANIZATION_NAME, "HashiCorp")])
    now = datetime.datetime.now(datetime.timezone.utc)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(seconds=30)).not_valid_after(now + datetime.timedelta(days=3650))
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .add_extension(x509.SubjectAlternativeName([x509.DNSName("localhost")]), critical=False)
            .add_extension(x509.KeyUsage(digital_signature=True, content_commitment=False, key_encipherment=True,
                                         data_encipherment=False, key_agreement=True, key_cert_sign=True,
                                         crl_sign=False, encipher_only=False, decipher_only=False), critical=True)
            .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH, ExtendedKeyUsageOID.CLIENT_AUTH]),
                           critical=False)
            .sign(key, hashes.SHA256()))
    key_pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                serialization.NoEncryption())
    return key_pem, cert.public_bytes(serialization.Encoding.PEM), cert.public_bytes(serialization.Encoding.DER)


def load_or_make_certificate(cert_dir: Path | None) -> tuple[bytes, bytes, bytes]:
    """The certificate of ``cert_dir`` (``key.pem``, ``cert.pem``, ``cert.der``, made by
    ``write_certificate`` at install time, which saves each plugin start the key generation), else a
    new one."""
    if cert_dir is not None:
        try:
            return tuple((Path(cert_dir) / name).read_bytes() for name in ("key.pem", "cert.pem", "cert.der"))
        except OSError:
            pass
    return self_signed_certificate()


def write_certificate(cert_dir: Path) -> None:
    cert_dir = Path(cert_dir)
    cert_dir.mkdir(parents=True, exist_ok=True)
    for name, data in zip(("key.pem", "cert.pem", "cert.der"), self_signed_certificate()):
        path = cert_dir / name
        path.touch(mode=0o600)
        path.write_bytes(data)


def _socket_dir() -> Path:
    base = os.environ.get("TFOFFLINE_SOCKET_DIR") or None
    if base:
        Path(base).mkdir(parents=True, exist_ok=True)
    path = Path(tempfile.mkdtemp(prefix="plugin", dir=base))
    if len(str(path)) + len("/provider.sock") > SOCKET_PATH_MAX:  # too long for a unix socket
        shutil.rmtree(path, ignore_errors=True)
        path = Path(tempfile.mkdtemp(prefix="tfoffline-plugin"))
    return path


def serve(provider, out=None, cert_dir: Path | None = None) -> int:
    """Run ``provider`` (a ``tfprovider.provider.Provider``) as a plugin until terraform ends it."""
    import grpc

    from tf.gen import grpc_controller_pb2 as controller_pb
    from tf.gen import grpc_stdio_pb2 as stdio_pb

    out = out or sys.stdout
    if os.environ.get(MAGIC_COOKIE_KEY) != MAGIC_COOKIE_VALUE:
        print("This binary is a plugin (the offline stand-in for hashicorp/aws). It is not meant to be executed "
              "directly: terraform runs it (see tools/tfoffline.py).", file=sys.stderr)
        return 1

    stop = threading.Event()

    def shutdown(request, context):
        stop.set()
        return controller_pb.Empty()

    def stream_stdio(request, context):
        return iter(())

    server = grpc.server(futures.ThreadPoolExecutor(max_workers=4))
    server.add_generic_rpc_handlers((
        provider.grpc_handler(),
        grpc.method_handlers_generic_handler("plugin.GRPCController", {
            "Shutdown": grpc.unary_unary_rpc_method_handler(
                shutdown, request_deserializer=controller_pb.Empty.FromString,
                response_serializer=controller_pb.Empty.SerializeToString)}),
        grpc.method_handlers_generic_handler("plugin.GRPCStdio", {
            "StreamStdio": grpc.unary_stream_rpc_method_handler(
                stream_stdio, request_deserializer=lambda b: b,
                response_serializer=stdio_pb.StdioData.SerializeToString)}),
    ))

    sock_dir = _socket_dir()
    socket_path = sock_dir / "provider.sock"

    try:
        client_cert = os.environ.get("PLUGIN_CLIENT_CERT")
        if client_cert:
            key_pem, cert_pem, cert_der = load_or_make_certificate(cert_dir)
            # terraform's client certificate is ECDSA P-521, which gRPC's BoringSSL does not accept for
            # client authentication (terraform then sends none): TLS with the server side pinned by
            # terraform, and the socket in a directory only this user can enter (mkdtemp: 0700).
            credentials = grpc.ssl_server_credentials([(key_pem, cert_pem)], require_client_auth=False)
            server.add_secure_port(f"unix:{socket_path}", credentials)
            cert_field = base64.b64encode(cert_der).decode().rstrip("=")
        else:
            server.add_insecure_port(f"unix:{socket_path}")
            cert_field = ""
        server.start()
        signal.signal(signal.SIGTERM, lambda *_: stop.set())
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # terraform ends its plugins itself, after a Ctrl-C too
        out.write(f"1|6|unix|{socket_path}|grpc|{cert_field}\n")
        out.flush()
        parent = os.getppid()
        while not stop.wait(0.5):
            if os.getppid() != parent:  # terraform died without ending its plugins: do not linger
                break
        server.stop(grace=0.5).wait()
    finally:
        shutil.rmtree(sock_dir, ignore_errors=True)
    return 0
