"""What terraform's ``data "aws_iam_policy_document"`` does with the documents it combines: shared by
the HCL loader (which builds a document's JSON text) and the IAM rules (which read its statements)."""
from __future__ import annotations


def merge_statements(base: list[dict], extra: list[dict]) -> list[dict]:
    """Statements of ``extra`` replace those of ``base`` with the same Sid, else are appended
    (``source_policy_documents``, then the document's own statements, then
    ``override_policy_documents``)."""
    out = list(base)
    for s in extra:
        sid = s.get("Sid")
        if sid:
            for i, b in enumerate(out):
                if b.get("Sid") == sid:
                    out[i] = s
                    break
            else:
                out.append(s)
        else:
            out.append(s)
    return out
