#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Validate KB Decide article files against the format's JSON Schema.

usage: check-schema.py SCHEMA FILE... [--expect-invalid FILE...]

A FILE that is a folder stands for its *.json files, less schemas and
conformance files named n_*. Every FILE before --expect-invalid must be valid; every FILE after it must
fail validation (a hand-made negative example). Prints "ok FILE" for a valid
file and each error with its JSON path for an invalid one.

Exit status: 0 when every file behaves as expected, 1 when one does not (or
the schema itself is broken), 2 on a usage or read error, 77 (meson's "skip")
when the jsonschema module cannot be imported.
"""

import json
import sys

SKIP = 77


def usage(message=None):
    if message:
        print(f"check-schema: {message}", file=sys.stderr)
    print("usage: check-schema.py SCHEMA FILE... [--expect-invalid FILE...]",
          file=sys.stderr)
    return 2


def reject_constant(token):
    raise ValueError(f"not JSON: {token}")


def reject_duplicates(pairs):
    obj = {}
    for key, value in pairs:
        if key in obj:
            raise ValueError(f"duplicate key {key!r}")
        obj[key] = value
    return obj


def load_json(path):
    """Read PATH as strict JSON (no NaN/Infinity, no duplicate keys)."""
    with open(path, "rb") as f:
        data = f.read()
    if data.startswith(b"\xef\xbb\xbf"):
        raise ValueError("byte order mark")
    return json.loads(data.decode("utf-8"),
                      parse_constant=reject_constant,
                      object_pairs_hook=reject_duplicates)


def json_path(parts):
    """Turn an error's absolute path into $.nodes.x.steps[3].text."""
    out = "$"
    for part in parts:
        if isinstance(part, int):
            out += f"[{part}]"
        elif part.isidentifier():
            out += f".{part}"
        else:
            out += "[" + json.dumps(part) + "]"
    return out


def path_key(parts):
    """A sort key for a path mixing array indexes and object keys."""
    return [(0, p, "") if isinstance(p, int) else (1, 0, p) for p in parts]


LENGTH_CHECKS = {
    "maxLength": ("characters", "at most"),
    "minLength": ("characters", "at least"),
    "maxItems": ("items", "at most"),
    "minItems": ("items", "at least"),
    "maxProperties": ("entries", "at most"),
    "minProperties": ("entries", "at least"),
}


def message(error):
    """The error's message, without a dump of a long or large value."""
    if error.validator in LENGTH_CHECKS:
        unit, bound = LENGTH_CHECKS[error.validator]
        return (f"has {len(error.instance)} {unit}; {bound} "
                f"{error.validator_value} allowed ({error.validator})")
    if error.validator == "oneOf" and isinstance(error.instance, dict):
        return ("is not a valid question, procedure or outcome node "
                f"(kind is {json.dumps(error.instance.get('kind'))})")
    if len(error.message) > 300:
        return error.message[:240] + f"... ({error.validator})"
    return error.message


def explain(error):
    """Yield (path, message) pairs for one top-level validation error.

    A node is a oneOf over question, procedure and outcome, discriminated on
    "kind". jsonschema reports a failing oneOf as a single error naming the
    whole node; the useful errors are those of the branch whose "kind"
    matched, so report those instead."""
    if error.validator == "oneOf" and error.context:
        branches = {}
        for sub in error.context:
            branches.setdefault(sub.relative_schema_path[0], []).append(sub)
        chosen = [subs for subs in branches.values()
                  if not any(list(s.relative_path) == ["kind"] for s in subs)]
        if len(chosen) == 1:
            for sub in sorted(chosen[0],
                              key=lambda e: path_key(e.absolute_path)):
                yield from explain(sub)
            return
    yield json_path(error.absolute_path), message(error)


def validate(validator, path):
    """Return (readable, error lines) for PATH; no lines when it is valid."""
    try:
        instance = load_json(path)
    except (OSError, UnicodeDecodeError, ValueError) as e:
        return False, [f"{path}: cannot read as JSON: {e}"]
    errors = sorted(validator.iter_errors(instance),
                    key=lambda e: path_key(e.absolute_path))
    lines = []
    for error in errors:
        for where, message in explain(error):
            lines.append(f"{path}: {where}: {message}")
    return True, lines


def expand(paths):
    """A folder stands for its article files: every *.json that is not a
    schema and not a conformance file that must fail (n_*)."""
    import pathlib
    out = []
    for path in paths:
        p = pathlib.Path(path)
        if p.is_dir():
            out.extend(str(f) for f in sorted(p.glob("*.json"))
                       if not f.name.endswith(".schema.json")
                       and not f.name.startswith("n_"))
        else:
            out.append(path)
    return out


def main(argv):
    try:
        import jsonschema
        from jsonschema import Draft202012Validator
    except ImportError as e:
        print(f"check-schema: SKIP: cannot import jsonschema ({e})",
              file=sys.stderr)
        return SKIP

    if len(argv) < 2:
        return usage()
    schema_path, rest = argv[0], argv[1:]
    if "--expect-invalid" in rest:
        i = rest.index("--expect-invalid")
        valid_files, invalid_files = rest[:i], rest[i + 1:]
        if not invalid_files:
            return usage("--expect-invalid needs at least one FILE")
    else:
        valid_files, invalid_files = rest, []
    valid_files = expand(valid_files)
    if not valid_files and not invalid_files:
        return usage()

    try:
        schema = load_json(schema_path)
    except (OSError, UnicodeDecodeError, ValueError) as e:
        print(f"{schema_path}: cannot read as JSON: {e}", file=sys.stderr)
        return 2
    try:
        Draft202012Validator.check_schema(schema)
    except jsonschema.exceptions.SchemaError as e:
        print(f"{schema_path}: not a valid draft 2020-12 schema: "
              f"{json_path(e.absolute_path)}: {e.message}", file=sys.stderr)
        return 1

    format_checker = getattr(Draft202012Validator, "FORMAT_CHECKER", None)
    if format_checker is None:
        format_checker = jsonschema.draft202012_format_checker
    validator = Draft202012Validator(schema, format_checker=format_checker)

    failed = False
    for path in valid_files:
        _, lines = validate(validator, path)
        if lines:
            failed = True
            for line in lines:
                print(line)
        else:
            print(f"ok {path}")
    for path in invalid_files:
        readable, lines = validate(validator, path)
        if not readable:
            # A negative example must be JSON that the schema rejects; a
            # missing or unparsable file proves nothing about the schema.
            failed = True
            for line in lines:
                print(line)
        elif lines:
            print(f"ok {path} (invalid as expected: {len(lines)} error(s))")
            for line in lines:
                print(f"  {line}")
        else:
            failed = True
            print(f"{path}: expected to be invalid, but it passes the schema")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
