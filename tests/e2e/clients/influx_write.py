#!/usr/bin/python3
"""Writes points to ingot with InfluxDB's own Python client (Debian's python3-influxdb,
InfluxDBClient.write_points), the way an unmodified application would: names and values that need
every escape of line protocol, each field type, millisecond precision.

Usage: influx_write.py HOST PORT DATABASE USER PASSWORD
Prints a JSON summary: {"version": <ping's X-Influxdb-Version>, "points": N}.
"""
import json
import sys

from influxdb import InfluxDBClient

host, port, database, user, password = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4], sys.argv[5]
client = InfluxDBClient(host=host, port=port, username=user, password=password, database=database)
version = client.ping()
points = [
    {
        "measurement": "py weather,x=1",
        "tags": {"loc ation": "a,b=c d", "path": "C:\\dir\\", "seq": str(i)},
        "fields": {
            "temp": 21.5 + i,
            "count": i,
            "ok": i % 2 == 0,
            "note": 'say "hi" \\ bye\nnext',
        },
        "time": 1700000000000 + i,
    }
    for i in range(50)
]
assert client.write_points(points, time_precision="ms")
print(json.dumps({"version": version, "points": len(points)}))
