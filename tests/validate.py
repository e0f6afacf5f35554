#!/usr/bin/env python3
"""Validate an N-Quads dump with an independent RDF stack: rdflib parses it, pyshacl checks
it against ontology/shapes.ttl (on the union of all graphs). Prints counts and the verdict;
exits 1 when the data does not conform."""
import sys

import pyshacl
import rdflib


def main() -> int:
    data, shapes = sys.argv[1], sys.argv[2]
    ds = rdflib.Dataset()
    ds.parse(data, format="nquads")
    union = rdflib.Graph()
    for s, p, o, _g in ds.quads((None, None, None, None)):
        union.add((s, p, o))
    graphs = {g for _s, _p, _o, g in ds.quads((None, None, None, None))}
    print(f"quads: {sum(1 for _ in ds.quads((None, None, None, None)))}  graphs: {len(graphs)}  triples in union: {len(union)}")
    sg = rdflib.Graph().parse(shapes, format="turtle")
    conforms, _report_graph, report = pyshacl.validate(union, shacl_graph=sg, inference="none")
    print(f"conforms: {conforms}")
    if not conforms:
        print(report[:4000])
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
