#!/usr/bin/env python3
"""Generates the operation tables rules/operations/<code>.tsv, one per RAM service code, from
Alibaba Cloud's OpenAPI metadata.

Input, all offline:
  * a local git clone of github.com/dew-serverless/acs-metadata (the weekly mirror of the
    metadata: one en_us/<product>/<version>/api-docs.json per product API version), given as
    the first argument; its HEAD commit and date are the tables' snapshot;
  * rules/operations/product-codes.tsv: product -> RAM service code where the code is not the
    lower-case product code (sourced; see the file);
  * rules/operations/sdk/<code>.tsv: the SDK tables of scripts/generate-operation-tables.py,
    whose operations the metadata lacks are kept with source `sdk`;
  * the `docs` rows of rules/operations/renames.tsv (API names RAM authorizes under another name).

For every API the row's action is `<code>:<ApiName>` and its access level the API's
`systemTags.operationType` (source `openapi-systemtags`). Where a product version has a `ram`
block, its actions override: the real action name (32 differ from the API name), level,
resource types with ARN templates (`authLevel: operate`, or only the `*` ARN, is All
Resources), condition keys and dependent actions (`additionalActions`), source `ram-block`.
A level no source gives is guessed from the operation's verb and marked `inferred`. No
generated table is complete: a `ram` block lists the RAM actions of the product's APIs, not the
console-only actions the service also authorizes (MaxCompute's `odps:GetJobCount`, documented
on its "RAM permissions" page, is in no `ram` block), so an action a table lacks may exist.

ENS is not generated: rules/operations/ens.tsv is hand-checked and authoritative; its rows are
cross-checked against the metadata instead (every ENS API in the table, the same levels).

Only derived facts are written (names, levels, resource types, ARN templates, condition-key
names, types and values), never Alibaba's descriptions: the mirror states no licence.

Also written: rules/operations/renames.tsv (its `ram-block` rows), rules/operations/condition-keys.tsv
(service condition keys of the `ram` blocks) and testdata/operations/metadata-sample.tsv (a
sample of the snapshot's facts that tests check the tables against without the clone).

Usage (see docs/operation-tables.md):
    git clone https://github.com/dew-serverless/acs-metadata /tmp/acs-metadata
    python3 scripts/generate-catalog.py /tmp/acs-metadata          # rewrite the tables
    python3 scripts/generate-catalog.py /tmp/acs-metadata --check  # exit 1 if they differ
The output depends only on the clone's files and the inputs above: running it twice, or on
another machine, writes the same bytes.
"""

import argparse
import importlib.util
import json
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TABLES = ROOT / "rules" / "operations"
SAMPLE = ROOT / "testdata" / "operations" / "metadata-sample.tsv"
HEADER = "action\taccess_level\tresource_type\tcondition_keys\tdependent_actions\tsource"
NAME = re.compile(r"[A-Za-z][A-Za-z0-9]*\Z")
LEVELS = ("create", "update", "delete", "get", "list", "none")
# When several APIs share one action (`pvtz:update`), the row takes the most privileged of
# their levels, so an access-level ceiling never underrates the action.
PRIVILEGE = {"delete": 5, "create": 4, "update": 3, "list": 2, "get": 1, "none": 0}
# The sample keeps every SAMPLE_STEP-th API of the snapshot (in path order), so it spans products.
SAMPLE_STEP = 97


def load_sdk_generator():
    """scripts/generate-operation-tables.py, for its verb -> level guess (one rule for both)."""
    path = ROOT / "scripts" / "generate-operation-tables.py"
    spec = importlib.util.spec_from_file_location("sdk_tables", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


INFER = load_sdk_generator().infer_level


def read_tsv(path, columns):
    """Rows of a tab-separated file after its `#` comments and header, as tuples."""
    rows = []
    for line in path.read_text().splitlines():
        if not line or line.startswith("#"):
            continue
        cells = tuple(line.split("\t"))
        if len(cells) != columns:
            sys.exit(f"{path}: expected {columns} cells: {line!r}")
        rows.append(cells)
    return rows[1:]


def snapshot(clone):
    """(short commit, commit date) of the clone's HEAD."""
    out = subprocess.run(["git", "-C", str(clone), "log", "-1", "--format=%h %cs"],
                         check=True, capture_output=True, text=True).stdout.split()
    return out[0][:8], out[1]


def api_files(clone):
    """[(product, version, path or None)] for every en_us api-docs.json HEAD lists; None when
    the file is listed but absent from the clone (a partial checkout)."""
    listed = subprocess.run(["git", "-C", str(clone), "ls-tree", "-r", "--name-only", "HEAD", "en_us"],
                            check=True, capture_output=True, text=True).stdout.splitlines()
    out = []
    for name in sorted(listed):
        parts = name.split("/")
        if len(parts) == 4 and parts[3] == "api-docs.json":
            path = clone / name
            out.append((parts[1], parts[2], path if path.is_file() else None))
    return out


class Row:
    def __init__(self, action, source):
        self.action = action
        self.level = ""
        self.inferred = False
        self.resource = ""
        self.keys = ""
        self.dependent = ""
        self.source = source

    def line(self):
        level = f"{self.level} inferred" if self.inferred and self.level else self.level
        return "\t".join([self.action, level, self.resource, self.keys, self.dependent, self.source])


def resource_cell(ram_action):
    """`All Resources`, `*Type arn, Type arn` (a leading `*`: validationType always), or ''.

    All Resources only for `authLevel: operate` with nothing but the `*` ARN. A resource-level
    action (`authLevel: resource`) that lists only `*` (145 in the 2025-12-19 snapshot, such as
    log:CreateDashboard, which Alibaba's own landing-zone policies grant on dashboard ARNs) has
    an unknown type, and so has an `operate` one that also lists typed ARNs (18): the two
    fields disagree, and neither may turn into a false `resource-not-supported` error."""
    typed = []
    for res in ram_action.get("resources") or []:
        arn = (res.get("arn") or "").strip()
        name = re.sub(r"[^A-Za-z0-9]", "", res.get("resourceType") or "")
        if not arn or arn == "*" or not name or " " in arn or "," in arn:
            continue
        mark = "*" if res.get("validationType") == "always" else ""
        entry = f"{mark}{name} {arn}"
        if entry not in typed:
            typed.append(entry)
    operate = ram_action.get("authLevel") == "operate"
    if operate:
        return "" if typed else "All Resources"
    return ", ".join(typed)


def level_of(value):
    value = (value or "").strip().lower()
    return value if value in LEVELS else ""


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("clone", type=Path, help="local clone of dew-serverless/acs-metadata")
    parser.add_argument("--check", action="store_true", help="write nothing; exit 1 if a file differs")
    args = parser.parse_args()
    commit, date = snapshot(args.clone)
    mapping = {p: (code, src) for p, code, src in read_tsv(TABLES / "product-codes.tsv", 3)}
    docs_renames = [r for r in read_tsv(TABLES / "renames.tsv", 3) if r[2].startswith("docs")]

    tables = {}        # code -> {lower action: Row}
    files_of = {}      # code -> [product/version]
    apis_of = {}       # code -> {api name}: every API the metadata lists for the code
    covered = {}       # code -> {api name}: APIs a ram block authorizes
    has_ram = set()
    renames = {}       # api action -> (ram action, source)
    conditions = {}    # key -> (type, enums, file)
    sample = []
    absent = []
    ens_levels = {}
    seen = 0

    def table(code):
        return tables.setdefault(code, {})

    def add(code, row):
        """Adds `row` unless its action is already there (earlier rows win)."""
        rows = table(code)
        key = row.action.lower()
        if key not in rows:
            rows[key] = row
        return rows[key]

    def code_of(product, version):
        where = f"{product}/{version}"
        return (mapping.get(where) or mapping.get(product) or (product.lower(), ""))[0]

    # The product named like its code first (ram before ims for `ram:`), then newest version
    # first within a product, so their levels win.
    files = api_files(args.clone)
    files.sort(key=lambda f: (code_of(f[0], f[1]), f[0] != code_of(f[0], f[1]), f[0],
                              tuple(-ord(c) for c in f[1])))
    docs = []
    for product, version, path in files:
        if path is None:
            absent.append(f"{product}/{version}")
            continue
        docs.append((product, version, json.loads(path.read_text())))

    # Pass 1: ram blocks (they override everything the APIs say).
    for product, version, doc in docs:
        ram = doc.get("ram")
        if not ram:
            continue
        where = f"{product}/{version}"
        for entry in ram.get("ramActions") or []:
            spec = entry.get("ramAction") or {}
            action = spec.get("action") or ""
            code, _, name = action.partition(":")
            api = entry.get("apiName") or ""
            if not code or not NAME.match(name) or not NAME.match(api):
                print(f"note: {where}: skipped ram action {action!r} of {api!r}", file=sys.stderr)
                continue
            has_ram.add(code)
            covered.setdefault(code, set()).add(api)
            files_of.setdefault(code, [])
            if where not in files_of[code]:
                files_of[code].append(where)
            api_tags = ((doc.get("apis") or {}).get(api) or {}).get("systemTags") or {}
            level = level_of(entry.get("operationType")) or level_of(api_tags.get("operationType"))
            row = add(code, Row(action, "ram-block"))
            if row.source != "ram-block":
                continue
            if level and (not row.level or row.inferred or PRIVILEGE[level] > PRIVILEGE[row.level]):
                row.level, row.inferred = level, False
            elif not row.level:
                guess = INFER(name)
                row.level, row.inferred = guess, bool(guess)
            cell = resource_cell(spec)
            if row.source == "ram-block" and row.keys and row.resource != cell:
                # Two APIs behind one action with different resources: the union of the
                # typed ones; an unknown or All Resources part leaves the whole unknown.
                parts = (row.resource + ", " + cell).split(", ")
                known = all(p and p != "All Resources" for p in parts)
                cell = ", ".join(dict.fromkeys(parts)) if known else ""
            row.resource = cell
            keys = sorted({c.get("conditionKey") for c in spec.get("actionConditions") or [] if c.get("conditionKey")}
                          | set(filter(None, row.keys.split(", "))) - {"none"})
            row.keys = ", ".join(keys) or "none"
            deps = sorted({d for d in entry.get("additionalActions") or [] if isinstance(d, str)}
                          | set(filter(None, row.dependent.split(", "))) - {"none"})
            row.dependent = ", ".join(deps) or "none"
            api_action = f"{code}:{api}"
            if api_action.lower() != action.lower():
                renames[api_action] = (action, f"ram-block en_us/{where}")
        for cond in ram.get("ramConditions") or []:
            name = cond.get("name") or ""
            schema = cond.get("schema") or {}
            if ":" in name and not name.startswith("acs:") and name not in conditions:
                enums = ",".join(str(e) for e in schema.get("enums") or [])
                conditions[name] = ((schema.get("type") or "").lower(), enums, f"ram-block en_us/{where}")

    # Pass 2: every API, named `<code>:<ApiName>`, level from systemTags.
    for product, version, doc in docs:
        where = f"{product}/{version}"
        code = code_of(product, version)
        for api, spec in sorted((doc.get("apis") or {}).items()):
            seen += 1
            tags = (spec or {}).get("systemTags") or {}
            level = level_of(tags.get("operationType"))
            if code == "ens":
                ens_levels.setdefault(api, level)
                continue
            if not NAME.match(api):
                print(f"note: {where}: skipped API name {api!r}", file=sys.stderr)
                continue
            apis_of.setdefault(code, set()).add(api)
            files_of.setdefault(code, [])
            if where not in files_of[code]:
                files_of[code].append(where)
            if seen % SAMPLE_STEP == 0 and level:
                sample.append((where, api, level))
            if api in covered.get(code, ()):
                continue
            row = add(code, Row(f"{code}:{api}", "openapi-systemtags"))
            if row.source == "openapi-systemtags" and not row.level:
                if level:
                    row.level, row.inferred = level, False
                elif not row.inferred:
                    guess = INFER(api)
                    row.level, row.inferred = guess, bool(guess)

    # Pass 3: operations only the SDK tables know.
    sdk_packages = {}
    sdk_dates = {}
    for path in sorted((TABLES / "sdk").glob("*.tsv")):
        code = path.stem
        header = re.search(r"^# as-of: (\S+) \(packages: (.*)\)$", path.read_text(), re.M)
        sdk_dates[code] = header.group(1) if header else ""
        sdk_packages[code] = header.group(2) if header else ""
        for action, level, *_ in read_tsv(path, 6):
            if action.lower() in table(code) or action in renames:
                continue
            row = add(code, Row(action, "sdk " + sdk_packages[code]))
            row.level, _, flag = level.partition(" ")
            row.inferred = flag == "inferred"

    # Pass 4: documented renames move a row to its RAM name.
    for api_action, ram_action, source in docs_renames:
        code, _, _ = api_action.partition(":")
        old = table(code).pop(api_action.lower(), None)
        target = ram_action.partition(":")[0]
        present = table(target).get(ram_action.lower())
        if present is None or (old and old.level and not old.inferred and present.source.startswith("sdk")):
            # A RAM name only an old SDK knows takes the API's documented level.
            table(target).pop(ram_action.lower(), None)
            row = add(target, Row(ram_action, source + (f"; {old.source}" if old else "")))
            if old:
                row.level, row.inferred = old.level, old.inferred
        renames[api_action] = (ram_action, source)

    ok = True
    outputs = {}
    ram_only = {r[0].lower() for r in read_tsv(TABLES / "ram-only.tsv", 6)}
    for code in sorted(tables):
        rows = tables[code]
        if code == "ens" or not rows:
            continue
        if not re.fullmatch(r"[a-z][a-z0-9-]*", code):
            print(f"note: skipped service code {code!r}", file=sys.stderr)
            continue
        clash = sorted(a for a in rows if a in ram_only)
        if clash:
            print(f"error: {code}: ram-only.tsv repeats {', '.join(clash)}; drop them there", file=sys.stderr)
            ok = False
        sdk_rows = sum(1 for r in rows.values() if r.source.startswith("sdk"))
        sources = [f"en_us/{w}" for w in files_of.get(code, [])]
        # The date of the newest source: the snapshot's, or the SDK table's when the metadata
        # has no file for the service (rds: its api-docs.json is absent from the clone).
        newest = date if sources else sdk_dates.get(code, date)
        as_of = f"{newest} (OpenAPI metadata dew-serverless/acs-metadata@{commit}: {', '.join(sources) or 'none'}"
        if sdk_rows:
            as_of += f"; packages: {sdk_packages[code]}"
        as_of += ")"
        lines = [
            f"# {code}: RAM actions from Alibaba Cloud's OpenAPI metadata, one row per action.",
            f"# as-of: {as_of}",
            "# complete: no (API names, not RAM's own list: RAM-only actions may be missing, so an action this table lacks is a warning)",
            "# generated by scripts/generate-catalog.py from a clone of the metadata, which overwrites this file;",
            "#   only derived facts are copied (names, levels, resource types, ARN templates, condition keys).",
            "# source: ram-block (the product's RAM metadata), openapi-systemtags (the API's systemTags.operationType),",
            "#   sdk <packages> (only the SDK names it), docs (RAM documentation); `<level> inferred`: no source gives one.",
            HEADER,
        ]
        lines += [r.line() for r in sorted(rows.values(), key=lambda r: r.action.encode())]
        outputs[TABLES / f"{code}.tsv"] = "\n".join(lines) + "\n"

    lines = [l for l in (TABLES / "renames.tsv").read_text().splitlines() if l.startswith("#")]
    lines.append("api_action\tram_action\tsource")
    for api_action in sorted(renames, key=str.encode):
        ram_action, source = renames[api_action]
        lines.append(f"{api_action}\t{ram_action}\t{source}")
    outputs[TABLES / "renames.tsv"] = "\n".join(lines) + "\n"

    lines = ["# Service condition keys the OpenAPI metadata's `ram` blocks define (ramConditions), written by",
             "# scripts/generate-catalog.py: key, value type (string, boolean, number, ...), allowed values",
             "# (comma-separated; empty: any), source. Names and types only; no descriptions.",
             "key\ttype\tvalues\tsource"]
    lines += [f"{k}\t{t}\t{e}\t{s}" for k, (t, e, s) in sorted(conditions.items())]
    outputs[TABLES / "condition-keys.tsv"] = "\n".join(lines) + "\n"

    lines = [f"# Every {SAMPLE_STEP}th API of the OpenAPI metadata snapshot dew-serverless/acs-metadata@{commit}",
             f"# ({date}) with a systemTags.operationType: product/version, API, the level the metadata gives.",
             "# Written by scripts/generate-catalog.py; tests/tables.rs checks the tables agree.",
             "file\tapi\toperation_type"]
    lines += ["\t".join(s) for s in sample]
    outputs[SAMPLE] = "\n".join(lines) + "\n"

    # ENS: the hand-checked table must hold every API and agree on each metadata-sourced level.
    ens = {r[0]: r for r in read_tsv(TABLES / "ens.tsv", 6)}
    missing = sorted(a for a in ens_levels if f"ens:{a}" not in ens)
    disagree = sorted(a for a, level in ens_levels.items()
                      if f"ens:{a}" in ens and "acs-metadata" in ens[f"ens:{a}"][5]
                      and ens[f"ens:{a}"][1].split(" ")[0] != level and level)
    print(f"ens: {len(ens_levels)} APIs in the metadata, {len(ens)} rows in ens.tsv; missing: "
          f"{', '.join(missing) or 'none'}; levels differing: {', '.join(disagree) or 'none'}")
    ok = ok and not missing and not disagree

    tsvs = [p for p in outputs if p.parent == TABLES and p.name not in ("renames.tsv", "condition-keys.tsv")]
    total = sum(o.count("\n") - 8 for p, o in outputs.items() if p in tsvs)
    print(f"{len(tsvs)} tables, {total} actions from {len(docs)} API versions ({seen} APIs) at {commit} {date}; "
          f"{sum(1 for p in tsvs if '# complete: yes' in outputs[p])} complete; "
          f"{len(renames)} renames; absent from the clone: {', '.join(absent) or 'none'}")
    stale = sorted(p.name for p in TABLES.glob("*.tsv") if p not in outputs
                   and p.name not in ("ens.tsv", "ram-only.tsv", "product-codes.tsv"))
    for path, text in sorted(outputs.items()):
        if args.check:
            if not path.exists() or path.read_text() != text:
                print(f"error: {path.relative_to(ROOT)} differs from what the metadata gives", file=sys.stderr)
                ok = False
        else:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text)
    if stale:
        print(f"error: tables no longer generated: {', '.join(stale)}", file=sys.stderr)
        ok = False
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
