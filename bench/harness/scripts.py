"""Writes, from the call catalog (the bench tool's `catalog` JSON), the two baselines the tool is compared with: a shell
script of AWS CLI commands and a boto3 script, each writing the same snapshot files the tool writes for one scope.

They make every call the catalog makes in every scope, plus the calls a posture asks for by plan key (given on the
command line). Calls whose items come from the tool's own reasoning (policy simulations, ECS services) are not
scripted: a script cannot derive them without the tool, so the scripts make fewer calls than the tool, never more.
They are written as people write them: one call after another, each paginated to the end.

Usage: scripts.py CATALOG_JSON OUT_DIR PLAN_KEY...
"""
import json
import os
import re
import sys


def kebab_to_pascal(flag):
    return "".join(part.capitalize() for part in flag.split("-"))


def scripted(calls, plans):
    return [c for c in calls if (c["requires"] is None or c["requires"] in plans) and c["fanout"]["kind"] in ("once", "perItem", "batched")]


def cli_base(call):
    """The CLI command without its item and batch arguments: 'aws ecr get-repository-policy'."""
    words = call["cli"].split(" --")[0].split()
    region = re.search(r"--region (\S+)", call["cli"])
    return " ".join(words) + (f" --region {region.group(1)}" if region else "")


def item_flag(call):
    """The CLI flag that carries the item ('--repository-name') or the batch ('--names')."""
    found = re.search(r"(--[a-z-]+) (\{item\}|NAME\.\.\.|ARN\.\.\.)", call["cli"])
    return found.group(1) if found else None


def items_expression(fanout):
    where = fanout.get("where")
    condition = f' if x.get({where["member"]!r}, x.get({where["or"]!r})) in {where["in"]!r}' if where else ""
    member = f'[x[{fanout["member"]!r}] for x in d.get({fanout["list"]!r}, []){condition}]' if fanout["member"] else f'd.get({fanout["list"]!r}, [])'
    return f"sorted(set({member}))"


def cli_script(calls, plans):
    lines = ["#!/usr/bin/env bash", "# Generated from the call catalog by bench/harness/scripts.py: one AWS CLI command per call, as a person scripts it.",
             "set -uo pipefail", 'out="${1:?output folder}"', 'mkdir -p "$out"', 'cd "$out"', "",
             "items() { python3 -c \"import json,sys; d=json.load(open(sys.argv[1])); print('\\n'.join($2))\" \"$1\"; }", ""]
    by_name = {f'{c["iamPrefix"]}:{c["operation"]}': c for c in calls}
    for call in scripted(calls, plans):
        base = cli_base(call)
        fanout = call["fanout"]
        if fanout["kind"] == "once":
            lines.append(f'mkdir -p "$(dirname {call["file"]})"; {base} --output json > {call["file"]}')
            continue
        parent = by_name[fanout["of"]]
        expr = items_expression(fanout)
        if fanout["kind"] == "perItem":
            absent = "|".join(call["absentCodes"])
            # The catalog's command as written when it names the item in place (it may carry more options: filters).
            command = call["cli"].replace("{item}", '"$item"') if "{item}" in call["cli"] else f'{base} {item_flag(call)} "$item"'
            lines += [f'items {parent["file"]} "{expr}" | while IFS= read -r item; do',
                      f'  file="{call["file"].replace("{item}", "$item")}"; mkdir -p "$(dirname "$file")"',
                      f'  if ! {command} --output json > "$file" 2> "$file.err"; then',
                      f'    code=$(grep -oE "{absent or "NO_ABSENT_CODE"}" "$file.err" | head -1)',
                      '    if [ -n "$code" ]; then printf \'{"Error":{"Code":"%s"}}\\n\' "$code" > "$file"; else rm -f "$file"; fi',
                      "  fi", '  rm -f "$file.err"', "done"]
        elif fanout["kind"] == "batched":
            members = ",".join(f'"{m}":[]' for m in fanout["members"])
            lines += [f'mapfile -t names < <(items {parent["file"]} "{expr}")',
                      f'mkdir -p "$(dirname {call["file"]})"',
                      'if [ ${#names[@]} -eq 0 ]; then',
                      f"  echo '{{{members}}}' > {call['file']}",
                      "else",
                      f'  parts=(); for ((i = 0; i < ${{#names[@]}}; i += {fanout["size"]})); do',
                      f'    {base} {item_flag(call)} "${{names[@]:i:{fanout["size"]}}}" --output json > "{call["file"]}.$i"; parts+=("{call["file"]}.$i")',
                      "  done",
                      f'  python3 -c "import json,sys; m={fanout["members"]!r}; docs=[json.load(open(p)) for p in sys.argv[1:]]; '
                      f'print(json.dumps({{k: [x for d in docs for x in d.get(k, [])] for k in m}}, indent=4))" "${{parts[@]}}" > {call["file"]}',
                      '  rm -f "${parts[@]}"',
                      "fi"]
    return "\n".join(lines) + "\n"


def boto3_script(calls, plans):
    plan = [{k: c[k] for k in ("service", "iamPrefix", "operation", "file", "fanout", "request", "absentCodes", "cli")} for c in scripted(calls, plans)]
    return f'''#!/usr/bin/env python3
"""Generated from the call catalog by bench/harness/scripts.py: one boto3 call after another, each paginated to the end,
writing the snapshot files the tool writes for one scope. Usage: collect_boto3.py OUT_DIR"""
import json
import os
import re
import sys

import boto3
from botocore import xform_name
from botocore.exceptions import ClientError

PLAN = json.loads({json.dumps(json.dumps(plan))})
out = sys.argv[1]
clients = {{}}


def client(service, cli):
    region = re.search(r"--region (\\S+)", cli)
    key = (service, region.group(1) if region else None)
    if key not in clients:
        clients[key] = boto3.client(service, **({{"region_name": key[1]}} if key[1] else {{}}))
    return clients[key]


def write(file, document):
    path = os.path.join(out, file)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        json.dump(document, f, indent=4, default=str)


def call(c, operation, request):
    name = xform_name(operation)
    if c.can_paginate(name):
        merged = {{}}
        for page in c.get_paginator(name).paginate(**request):
            for key, value in page.items():
                if key == "ResponseMetadata":
                    continue
                if isinstance(value, list):
                    merged.setdefault(key, []).extend(value)
                else:
                    merged[key] = value
        for token in ("NextToken", "nextToken", "Marker", "NextMarker", "IsTruncated"):
            merged.pop(token, None)
        return merged
    response = getattr(c, name)(**request)
    response.pop("ResponseMetadata", None)
    return response


def fill(template, item=None, batch=None):
    if template is None:
        return {{}}
    text = json.dumps(template)
    if item is not None and "{{cluster}}" in text:
        cluster, service = item.split("/", 1)
        text = text.replace("{{cluster}}", cluster).replace("{{service}}", service)
    text = text.replace("{{item}}", item or "")
    document = json.loads(text)
    for key, value in list(document.items()):
        if value == ["{{batch}}"]:
            document[key] = batch or []
    return document


def ec2_request(cli, item):
    """The request the catalog's CLI command makes: the item's flag and any filters (--filters Name=N,Values=A,B)."""
    flag = re.search(r"--([a-z-]+) \\{{item\\}}", cli)
    request = {{"".join(p.capitalize() for p in flag.group(1).split("-")): item}} if flag else {{}}
    filters = re.findall(r"Name=([^,\\s]+),Values=(\\S+)", cli.split("--filters", 1)[1]) if "--filters" in cli else []
    if filters:
        request["Filters"] = [{{"Name": name, "Values": values.split(",")}} for name, values in filters]
    return request


outputs = {{}}
for entry in PLAN:
    c = client(entry["service"], entry["cli"])
    fanout = entry["fanout"]
    key = f"{{entry['iamPrefix']}}:{{entry['operation']}}"
    if fanout["kind"] == "once":
        try:
            outputs[key] = call(c, entry["operation"], fill(entry["request"]))
            write(entry["file"], outputs[key])
        except ClientError as e:
            print(f"{{key}}: {{e}}", file=sys.stderr)
        continue
    parent = outputs.get(fanout["of"])
    if parent is None:
        continue
    values = [v for v in parent.get(fanout["list"], []) if not fanout.get("where") or v.get(fanout["where"]["member"], v.get(fanout["where"]["or"])) in fanout["where"]["in"]]
    items = sorted(set(v[fanout["member"]] for v in values) if fanout["member"] else set(values))
    if fanout["kind"] == "perItem":
        for item in items:
            request = fill(entry["request"], item) if entry["request"] is not None else ec2_request(entry["cli"], item)
            try:
                write(entry["file"].replace("{{item}}", item), call(c, entry["operation"], request))
            except ClientError as e:
                code = e.response["Error"]["Code"]
                if code in entry["absentCodes"]:
                    write(entry["file"].replace("{{item}}", item), {{"Error": {{"Code": code}}}})
    elif fanout["kind"] == "batched":
        merged = {{m: [] for m in fanout["members"]}}
        for i in range(0, len(items), fanout["size"]):
            response = call(c, entry["operation"], fill(entry["request"], batch=items[i:i + fanout["size"]]))
            for m in fanout["members"]:
                merged[m].extend(response.get(m, []))
        write(entry["file"], merged)
'''


def main():
    catalog, out, plans = sys.argv[1], sys.argv[2], set(sys.argv[3:])
    with open(catalog) as f:
        calls = json.load(f)["calls"]
    os.makedirs(out, exist_ok=True)
    for name, text in (("collect_awscli.sh", cli_script(calls, plans)), ("collect_boto3.py", boto3_script(calls, plans))):
        path = os.path.join(out, name)
        with open(path, "w") as f:
            f.write(text)
        os.chmod(path, 0o755)


if __name__ == "__main__":
    main()
