#!/usr/bin/python3
"""Sends documents to ingot's _bulk with Elasticsearch's own Python client (Debian's
python3-elasticsearch), the way an unmodified application would.

Usage: es_bulk.py BASE_URL INDEX COUNT
Prints a JSON summary: {"success": N, "errors": [...], "info": {...}}.
"""
import json
import sys

from elasticsearch import Elasticsearch, helpers

base, index, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
es = Elasticsearch(base)
info = es.info()  # the product check every client does before its first request
docs = (
    {
        "_index": index,
        "_id": str(i),
        "_source": {
            "@timestamp": "2024-05-06T07:08:09.%06dZ" % i,
            "message": "document %d" % i,
            "seq": i,
            "service": {"name": "checkout", "version": "1.%d" % (i % 3)},
        },
    }
    for i in range(count)
)
success, errors = helpers.bulk(es, docs, chunk_size=250, raise_on_error=False)
print(json.dumps({"success": success, "errors": errors, "info": info}))
