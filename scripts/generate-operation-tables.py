#!/usr/bin/env python3
"""Generates rules/operations/sdk/<service>.tsv from Alibaba Cloud's Python SDK packages.

Each SDK client module names every API operation it calls (`action='CreateInstance'`),
and for the services listed in SERVICES a RAM action is `<service>:<operation>`. The
generator reads the packages (wheels or source archives) offline, writes one table per
service in the format rules/operations/README.md describes, with the access level
inferred from the operation's verb and marked `inferred`, and marks every generated
table incomplete: an SDK is not a RAM catalogue (RAM-only actions such as ram:PassRole
are no API; see rules/operations/ram-only.tsv).

ENS is not generated: rules/operations/ens.tsv is hand-checked and authoritative. The
generator cross-checks it instead (every ENS SDK operation must be in it), writes the
ENS SDK's operation list to testdata/operations/, where a test repeats the check, and
fills in only the ENS levels the documentation does not give, marked `inferred`.

Usage (see docs/operation-tables.md):
    # offline, from packages already downloaded into DIR
    python3 scripts/generate-operation-tables.py --packages DIR
    # from the registry: downloads the newest packages into DIR first
    python3 scripts/generate-operation-tables.py --packages DIR --download
Options: --as-of YYYY-MM-DD (default today), --check (write nothing; exit 1 if a
committed table differs from what the packages give).
"""

import argparse
import datetime
import io
import re
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TABLES = ROOT / "rules" / "operations"
# The SDK tables are an input of scripts/generate-catalog.py, which merges them with the
# OpenAPI metadata into the tables the binary embeds; they are not embedded themselves.
SDK_TABLES = TABLES / "sdk"
ENS_LIST = ROOT / "testdata" / "operations"

# RAM service code -> (description, SDK packages). Several packages are merged (their
# operations united; a row's source names every package that has the operation).
SERVICES = {
    "cms": ("CloudMonitor (APIs 2019-01-01, 2018-03-08, 2017-08-24)",
            ["alibabacloud-cms20190101", "alibabacloud-cms20180308", "alibabacloud-cms20170824"]),
    "cr": ("Container Registry", ["alibabacloud-cr20181201"]),
    "cs": ("Container Service for Kubernetes (ACK)", ["alibabacloud-cs20151215"]),
    "eci": ("Elastic Container Instance", ["alibabacloud-eci20180808"]),
    "ecs": ("Elastic Compute Service", ["alibabacloud-ecs20140526"]),
    "ess": ("Auto Scaling", ["alibabacloud-ess20220222"]),
    "fc": ("Function Compute 3.0 and 2.0", ["alibabacloud-fc20230330", "alibabacloud-fc-open20210406"]),
    "kms": ("Key Management Service", ["alibabacloud-kms20160120"]),
    "log": ("Simple Log Service (SLS)", ["alibabacloud-sls20201230"]),
    "nas": ("File Storage NAS", ["alibabacloud-nas20170626"]),
    "oss": ("Object Storage Service", ["alibabacloud-oss20190517"]),
    "ram": ("Resource Access Management (RAM and IMS APIs)", ["alibabacloud-ram20150501", "alibabacloud-ims20190815"]),
    "rds": ("ApsaraDB RDS", ["alibabacloud-rds20140815"]),
    "resourcemanager": ("Resource Management", ["alibabacloud-resourcemanager20200331"]),
    "ros": ("Resource Orchestration Service", ["alibabacloud-ros20190910"]),
    "slb": ("Server Load Balancer (CLB)", ["alibabacloud-slb20140515"]),
    "sts": ("Security Token Service", ["alibabacloud-sts20150401"]),
    "vpc": ("Virtual Private Cloud", ["alibabacloud-vpc20160428"]),
}
ENS_PACKAGE = "alibabacloud-ens20171110"

HEADER = "action\taccess_level\tresource_type\tcondition_keys\tdependent_actions\tsource"
ACTION = re.compile(r"""\baction\s*=\s*['"]([A-Za-z][A-Za-z0-9]*)['"]""")

# Verb (the operation name's first capitalised word) -> access level. Calibrated on
# the ENS table's documented levels; verbs not listed get no level (unknown), so an
# access-level ceiling fails closed on them.
VERBS = {
    "create": ["Create", "Add", "Allocate", "Run", "Import", "Copy", "Clone", "Purchase",
               "Apply", "Upload", "Assign", "Generate", "Initialize", "Install", "Deploy",
               "Register", "Post", "Put", "Publish", "Submit", "Invoke", "Send", "Issue", "Initiate"],
    "delete": ["Delete", "Release", "Unregister", "Deregister", "Uninstall", "Purge", "Destroy", "Drop"],
    "update": ["Modify", "Update", "Set", "Attach", "Detach", "Associate", "Unassociate",
               "Dissociate", "Disassociate", "Bind", "Unbind", "Enable", "Disable", "Start",
               "Stop", "Reboot", "Restart", "Reset", "Renew", "Join", "Leave", "Tag",
               "Untag", "Authorize", "Revoke", "Grant", "Remove", "Change", "Replace",
               "Reinit", "Resize", "Rescale", "Scale", "Upgrade", "Downgrade", "Cancel",
               "Resume", "Suspend", "Move", "Convert", "Open", "Close", "Activate",
               "Deactivate", "Recover", "Restore", "Rollback", "Reactivate", "Rotate",
               "Unassign", "Switch", "Transform", "Migrate", "Lock", "Unlock", "Mount",
               "Unmount", "Encrypt", "Decrypt", "Sign", "Accept", "Reject",
               "Execute", "Exec", "Continue", "Retry", "Redeploy", "Pause", "Archive",
               "Schedule", "Terminate", "Abort", "Complete", "Assume", "Refresh", "Reencrypt",
               "Handle", "Repair", "Rebuild", "Increase", "Decrease", "Expand", "Shrink",
               "Configure", "Cut", "Flush", "Merge", "Split", "Transfer", "Append", "Sync",
               "Upsert", "Enter", "Exit", "Rebalance", "Connect"],
    "get": ["Get", "Query", "Check", "Inquire", "Preview", "Estimate", "Validate", "Verify",
            "Search", "Export", "Count", "Calculate", "Compare", "Download", "Head", "Select",
            "Pull", "Detect", "Diagnose", "Evaluate", "Precheck"],
    "list": ["List"],
}
LEVEL_OF = {}
for level, verbs in VERBS.items():
    for verb in verbs:
        LEVEL_OF.setdefault(verb, level)


def infer_level(name):
    """The access level an operation name suggests, or '' when its verb says nothing."""
    words = re.findall(r"[A-Z][a-z]*|[0-9]+", name)
    if not words:
        return ""
    verb = words[0]
    if verb in ("Batch", "Asymmetric") and len(words) > 1:
        # `Batch` and `Asymmetric` say nothing about what happens; the word after them does.
        verb = words[1]
    if verb == "Describe":
        # ENS: 24 of 31 documented plural Describe operations are list, 44 of 50
        # singular ones get.
        return "list" if name.endswith("s") else "get"
    if verb in LEVEL_OF:
        return LEVEL_OF[verb]
    # Older APIs (CloudMonitor 2018-03-08) put the verb last: `TaskConfigList`, `AccessKeyGet`.
    if words[-1] in ("List", "Get", "Create", "Delete", "Update", "Modify", "Query"):
        return LEVEL_OF[words[-1]]
    return ""


def package_files(directory, package):
    """The newest downloaded file of `package` in `directory`, and its version."""
    # Wheels spell the name with `_` only; source archives may keep a `-` after the prefix.
    stem = "[-_]".join(re.escape(part) for part in re.split(r"[-_]", package))
    found = []
    for path in directory.iterdir():
        match = re.fullmatch(stem + r"-([0-9][0-9A-Za-z.]*?)(-py3-none-any\.whl|\.tar\.gz)", path.name)
        if match:
            found.append((tuple(int(p) if p.isdigit() else 0 for p in match.group(1).split(".")), match.group(1), path))
    if not found:
        return None
    found.sort()
    return found[-1][1], found[-1][2]


def client_sources(path):
    """The text of every client.py in a wheel or source archive."""
    if path.name.endswith(".whl"):
        with zipfile.ZipFile(path) as archive:
            for name in sorted(archive.namelist()):
                if name.endswith("/client.py"):
                    yield archive.read(name).decode("utf-8")
    else:
        with tarfile.open(path) as archive:
            for member in sorted(archive.getmembers(), key=lambda m: m.name):
                if member.name.endswith("/client.py") and "/tests/" not in member.name:
                    yield archive.extractfile(member).read().decode("utf-8")


def operations(path):
    names = set()
    for text in client_sources(path):
        names.update(ACTION.findall(text))
    return names


def download(directory, packages):
    directory.mkdir(parents=True, exist_ok=True)
    subprocess.run([sys.executable, "-m", "pip", "download", "--no-deps",
                    "-d", str(directory), *packages], check=True)


def table_text(service, description, sources, rows, as_of):
    lines = [
        f"# {service}: {description}, RAM operations generated from its Python SDK, one row per API operation.",
        f"# as-of: {as_of} (packages: {', '.join(f'{p} {v}' for p, v in sources)})",
        "# complete: no (an SDK names API operations; RAM-only actions and operations newer than the",
        "#   package are missing, so an action this table lacks is a warning, never an error)",
        "# generated by scripts/generate-operation-tables.py, which overwrites this file: RAM-only actions",
        "#   belong in ram-only.tsv beside it.",
        "# access_level `<level> inferred` is guessed from the operation's verb; resource types, condition",
        "#   keys and dependent actions are unknown (empty) because the SDK does not say.",
        HEADER,
    ]
    for name in sorted(rows):
        level = infer_level(name)
        cell = f"{level} inferred" if level else ""
        lines.append(f"{service}:{name}\t{cell}\t\t\t\t{'; '.join(rows[name])}")
    return "\n".join(lines) + "\n"


def ens_fill_levels(check_only):
    """Rows of the hand-checked ENS table whose level the documentation does not give get
    the verb's level, marked `inferred`; documented cells are never touched."""
    path = TABLES / "ens.tsv"
    old = path.read_text()
    lines = []
    for line in old.splitlines():
        cells = line.split("\t")
        if not line.startswith("#") and len(cells) == 6 and cells[0] != "action" and cells[1] == "":
            level = infer_level(cells[0].split(":", 1)[1])
            if level:
                cells[1] = f"{level} inferred"
        lines.append("\t".join(cells))
    text = "\n".join(lines) + "\n"
    if check_only:
        return text == old
    path.write_text(text)
    return True


def ens_cross_check(directory, check_only):
    """Every ENS SDK operation must be in the hand-checked ens.tsv."""
    found = package_files(directory, ENS_PACKAGE)
    if found is None:
        print(f"note: {ENS_PACKAGE} not in {directory}; ENS not cross-checked", file=sys.stderr)
        return True
    version, path = found
    sdk = sorted(operations(path))
    table = {line.split("\t", 1)[0] for line in (TABLES / "ens.tsv").read_text().splitlines()
             if line and not line.startswith("#")}
    missing = [name for name in sdk if f"ens:{name}" not in table]
    print(f"ens: {len(sdk)} operations in {ENS_PACKAGE} {version}; {len(table) - 1} rows in ens.tsv; "
          f"missing from ens.tsv: {', '.join(missing) or 'none'}")
    listing = ENS_LIST / f"{ENS_PACKAGE.replace('-', '_')}.txt"
    text = (f"# Operation names in {ENS_PACKAGE} {version} (client.py `action=`), written by\n"
            f"# scripts/generate-operation-tables.py; a test in src/catalog.rs asserts each is in ens.tsv.\n"
            + "".join(f"{name}\n" for name in sdk))
    if check_only:
        return not missing and listing.exists() and listing.read_text() == text
    ENS_LIST.mkdir(parents=True, exist_ok=True)
    listing.write_text(text)
    return not missing


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--packages", type=Path, required=True, help="folder of downloaded SDK packages")
    parser.add_argument("--download", action="store_true", help="download the newest packages into --packages first")
    parser.add_argument("--as-of", default=datetime.date.today().isoformat())
    parser.add_argument("--check", action="store_true", help="compare with the committed tables, write nothing")
    parser.add_argument("--service", action="append", help="only these services (default: all)")
    args = parser.parse_args()

    chosen = args.service or sorted(SERVICES)
    if args.download:
        download(args.packages, [p for s in chosen for p in SERVICES[s][1]] + [ENS_PACKAGE])
    ok = True
    for service in chosen:
        description, packages = SERVICES[service]
        rows, sources = {}, []
        for package in packages:
            found = package_files(args.packages, package)
            if found is None:
                print(f"error: {package} is not in {args.packages}", file=sys.stderr)
                ok = False
                continue
            version, path = found
            sources.append((package, version))
            for name in operations(path):
                rows.setdefault(name, []).append(f"{package} {version}")
        if not sources:
            continue
        inferred = sum(1 for name in rows if infer_level(name))
        print(f"{service}: {len(rows)} operations ({inferred} with an inferred level) from "
              f"{', '.join(f'{p} {v}' for p, v in sources)}")
        # The as-of date of an unchanged table stays, so a regeneration that finds
        # nothing new changes no file.
        out = SDK_TABLES / f"{service}.tsv"
        text = table_text(service, description, sources, rows, args.as_of)
        if out.exists():
            old = out.read_text()
            old_date = re.search(r"^# as-of: (\S+)", old, re.M)
            if old_date and old == table_text(service, description, sources, rows, old_date.group(1)):
                text = old
        if args.check:
            if not out.exists() or out.read_text() != text:
                print(f"error: {out.relative_to(ROOT)} differs from what the packages give", file=sys.stderr)
                ok = False
        else:
            out.write_text(text)
    if not ens_fill_levels(args.check):
        print("error: rules/operations/ens.tsv has undocumented levels not yet inferred", file=sys.stderr)
        ok = False
    if not ens_cross_check(args.packages, args.check):
        ok = False
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
