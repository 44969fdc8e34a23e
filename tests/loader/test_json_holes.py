"""JSON text with unknown pieces (a heredoc policy) read as the document it decodes to."""
from __future__ import annotations

import pytest

from lint_rules.loaders.hcl.jsonholes import decode_partial_json
from lint_rules.model import Hole, PartialString

ACCOUNT = Hole(source="data.aws_caller_identity.current.account_id")
SAFE = lambda hole: True  # noqa: E731 - every piece taken as plain text
BUCKET = Hole(refs=("aws_s3_bucket.logs.arn",))


def text(*parts) -> PartialString:
    return PartialString(tuple(parts))


def test_pieces_inside_strings_become_partial_strings():
    form = text('{"Statement": [{"Resource": "', BUCKET, '/AWSLogs/', ACCOUNT, '/*", "Action": "s3:PutObject"}]}')
    doc = decode_partial_json(form, SAFE)
    assert doc == {"Statement": [{"Resource": PartialString((BUCKET, "/AWSLogs/", ACCOUNT, "/*")),
                                  "Action": "s3:PutObject"}]}


def test_a_whole_string_piece_is_one_hole_and_escapes_are_decoded():
    doc = decode_partial_json(text('{"a": "', ACCOUNT, '", "b": "say \\"hi\\"\\n"}'), SAFE)
    assert doc == {"a": PartialString((ACCOUNT,)), "b": 'say "hi"\n'}


@pytest.mark.parametrize("form", [
    text('{"Resource": ', BUCKET, '}'),                      # outside a string: could be anything
    text('{"', ACCOUNT, '": "x"}'),                           # a key
    text('[{"a": "', ACCOUNT, '"}]'),                         # not an object
    text('{"a": "', ACCOUNT, '"'),                            # not JSON
    text('{"a": "\\ue000', ACCOUNT, '"}'),                    # the marker spelled as an escape
    text('{"a": "\ue0000\ue001', ACCOUNT, '"}'),              # the marker itself in the text
    text('"', ACCOUNT, '"'),                                  # a string, not a document
])
def test_what_could_change_the_shape_is_not_read(form):
    assert decode_partial_json(form, SAFE) is None


def test_a_text_without_pieces_is_not_this_readers():
    assert decode_partial_json(text('{"a": "b"}'), SAFE) is None


def test_a_piece_that_may_hold_a_quote_is_not_read():
    # ${var.who} could be  x", "Principal": "*  -- another document altogether
    who = Hole()
    form = text('{"Statement": [{"Effect": "Allow", "Principal": {"AWS": "', who, '"}}]}')
    assert decode_partial_json(form, lambda hole: hole is not who) is None
    assert decode_partial_json(form, SAFE) is not None


def test_a_repeated_key_is_not_read():
    form = text('{"Effect": "Deny", "Effect": "Allow", "Resource": "', BUCKET, '"}')
    assert decode_partial_json(form, SAFE) is None
