#!/usr/bin/env python3
"""Check a `referat export --dump` folder with independent tools.

- rdflib parses every RDF file (Turtle, N-Triples, N-Quads, TriG, RDF/XML, both JSON-LD);
- pyshacl validates catalog.ttl against ontology/dcat-ap-shapes.ttl;
- Python's csv reads every table of tables/datapackage.json: the header matches the schema,
  every cell casts to its Frictionless type, primary keys are unique and every foreign key
  joins.

Usage: export_check.py DUMP_DIR SHAPES.ttl
Prints one JSON object with the counts (the Rust test compares them with Oxigraph's) and
exits 1 with the problems listed when anything fails.
"""
import csv
import datetime
import decimal
import json
import os
import sys

import pyshacl
import rdflib

RDF_FILES = {
    "referat.ttl": ("turtle", False),
    "referat.nt": ("nt", False),
    "referat.rdf": ("xml", False),
    "referat.jsonld": ("json-ld", False),
    "referat.nq": ("nquads", True),
    "referat.trig": ("trig", True),
    "referat-flat.jsonld": ("json-ld", True),
}


def parse_rdf(path, fmt, quads):
    if quads:
        ds = rdflib.Dataset()
        ds.parse(path, format=fmt)
        return sum(1 for _ in ds.quads((None, None, None, None)))
    g = rdflib.Graph()
    g.parse(path, format=fmt)
    return len(g)


def cast(value, kind):
    if kind == "integer":
        int(value)
    elif kind == "number":
        decimal.Decimal(value)
        float(value)
    elif kind == "date":
        datetime.date.fromisoformat(value)
    elif kind == "time":
        datetime.time.fromisoformat(value)
    elif kind == "year":
        if not (len(value) == 4 and value.isdigit()):
            raise ValueError(f"not a year: {value!r}")
    elif kind == "boolean":
        if value not in ("true", "false"):
            raise ValueError(f"not a boolean: {value!r}")
    elif kind != "string":
        raise ValueError(f"unknown type {kind}")


def check_tables(folder, problems):
    with open(os.path.join(folder, "datapackage.json"), encoding="utf-8") as f:
        pkg = json.load(f)
    data = {}
    counts = {}
    for res in pkg["resources"]:
        schema = res["schema"]
        names = [fd["name"] for fd in schema["fields"]]
        with open(os.path.join(folder, res["path"]), encoding="utf-8", newline="") as f:
            rows = list(csv.reader(f))
        if not rows or rows[0] != names:
            problems.append(f"{res['path']}: header {rows[0] if rows else None} != {names}")
            continue
        records = []
        for n, row in enumerate(rows[1:], start=2):
            if len(row) != len(names):
                problems.append(f"{res['path']} line {n}: {len(row)} cells, expected {len(names)}")
                continue
            rec = dict(zip(names, row))
            for fd in schema["fields"]:
                v = rec[fd["name"]]
                if v in schema.get("missingValues", [""]):
                    if fd.get("constraints", {}).get("required"):
                        problems.append(f"{res['path']} line {n}: {fd['name']} is required")
                    continue
                try:
                    cast(v, fd["type"])
                except (ValueError, decimal.InvalidOperation) as e:
                    problems.append(f"{res['path']} line {n}: {fd['name']}={v!r} is not {fd['type']}: {e}")
            records.append(rec)
        pk = schema["primaryKey"]
        keys = [r[pk] for r in records]
        if len(keys) != len(set(keys)):
            problems.append(f"{res['path']}: duplicate {pk}")
        data[res["name"]] = records
        counts[res["name"]] = len(records)
    joins = 0
    for res in pkg["resources"]:
        for fk in res["schema"].get("foreignKeys", []):
            target = fk["reference"]["resource"] or res["name"]
            tf = fk["reference"]["fields"]
            known = {r[tf] for r in data.get(target, [])}
            for r in data.get(res["name"], []):
                v = r[fk["fields"]]
                if v == "":
                    continue
                joins += 1
                if v not in known:
                    problems.append(f"{res['name']}.{fk['fields']}={v!r} does not join {target}.{tf}")
    counts["joins"] = joins
    return counts


def main():
    folder, shapes = sys.argv[1], sys.argv[2]
    problems = []
    out = {"rdf": {}}
    for name, (fmt, quads) in RDF_FILES.items():
        try:
            out["rdf"][name] = parse_rdf(os.path.join(folder, name), fmt, quads)
        except Exception as e:  # noqa: BLE001 - report any parser failure
            problems.append(f"{name}: rdflib cannot parse it as {fmt}: {e}")
    catalog = rdflib.Graph().parse(os.path.join(folder, "catalog.ttl"), format="turtle")
    sg = rdflib.Graph().parse(shapes, format="turtle")
    conforms, _g, report = pyshacl.validate(catalog, shacl_graph=sg, inference="none")
    out["catalog_conforms"] = bool(conforms)
    out["catalog_triples"] = len(catalog)
    if not conforms:
        problems.append("catalog does not conform:\n" + report[:3000])
    out["tables"] = check_tables(os.path.join(folder, "tables"), problems)
    out["problems"] = problems
    print(json.dumps(out, indent=1, sort_keys=True))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
