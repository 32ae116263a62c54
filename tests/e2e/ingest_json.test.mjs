// _json and _multi through the real server: compressed and plain bodies, every value type,
// flattening, timestamps, per-record failures, malformed requests; then every Parquet file is
// read back with DuckDB.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import zlib from 'node:zlib';
import { startServer, post, query, streamSource, parquetFiles } from './helpers.mjs';

const HOUR_US = 3_600_000_000n;

test('_json and _multi land in Parquet with their values, types and _timestamp', async () => {
  const server = await startServer(['--max-past', '30d', '--max-future', '1h']);
  const now = Date.now();
  try {
    // _json: an array of objects, gzip-compressed.
    const records = [
      { '@timestamp': new Date(now - 1000).toISOString(), level: 'INFO', n: 1, f: 0.5, ok: true,
        tags: ['a', 'b'], kubernetes: { pod: { name: 'web-1', labels: { app: 'x' } } } },
      { _timestamp: now * 1000, level: 'WARN', n: 2, f: 1.25, ok: false, only_here: 'yes' },
    ];
    let r = await post(`${server.url}/api/acme/App-Logs/_json`, zlib.gzipSync(JSON.stringify(records)),
      { 'Content-Type': 'application/json', 'Content-Encoding': 'gzip' });
    assert.equal(r.status, 200, r.text);
    assert.deepEqual(r.json, { code: 200, status: [{ name: 'app_logs', successful: 2, failed: 0 }] });

    // _multi: NDJSON with a blank line, zstd-compressed, one record outside the window.
    const lines = [
      JSON.stringify({ level: 'ERROR', n: 3, msg: 'no timestamp: ingest time' }),
      '',
      JSON.stringify({ level: 'DEBUG', n: 4, _timestamp: 1000 }), // 1970: outside --max-past
      JSON.stringify({ level: 'INFO', n: 5.5, timestamp_ms: now }),
    ].join('\n');
    const zstd = execFileSync('zstd', ['-q', '-c'], { input: lines });
    r = await post(`${server.url}/api/acme/app-logs/_multi`, zstd, { 'Content-Encoding': 'zstd' });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.status[0].successful, 2);
    assert.equal(r.json.status[0].failed, 1);
    assert.match(r.json.status[0].error, /line 3: _timestamp .* outside the accepted window/);

    // Malformed requests are refused whole, with the line, and the server goes on serving.
    r = await post(`${server.url}/api/acme/app-logs/_multi`, '{"a":1}\n{"a":\n{"a":3}\n');
    assert.equal(r.status, 400);
    assert.match(r.json.message, /^line 2: /);
    r = await post(`${server.url}/api/acme/app-logs/_json`, '[{"a":1}, 7]');
    assert.equal(r.status, 400);
    assert.match(r.json.message, /element 1: expected a JSON object, got a number/);
    r = await post(`${server.url}/api/acme/app-logs/_json`, Buffer.from([0x1f, 0x8b, 8, 0, 1, 2]),
      { 'Content-Encoding': 'gzip' });
    assert.equal(r.status, 400, 'truncated gzip');
    r = await post(`${server.url}/api/acme/app-logs/_json`, '"just a string"');
    assert.equal(r.status, 400);
    r = await post(`${server.url}/api/acme/..%2F..%2Fetc/_json`, '{"a":1}');
    assert.equal(r.status, 200, 'a stream name with slashes is sanitized, not a path');
    assert.equal(r.json.status[0].name, '______etc');
    r = await post(`${server.url}/api/acme/app-logs/_json`, '{"after":"errors"}');
    assert.equal(r.status, 200);
  } finally {
    assert.equal(await server.stop(), 0, server.log());
  }

  const src = streamSource(server.dataDir, 'acme', 'app_logs');
  const rows = await query(`SELECT level, n, f, ok, tags, kubernetes_pod_name, kubernetes_pod_labels,
      only_here, msg, "after", epoch_us(_timestamp) AS ts, date, hour
      FROM ${src} ORDER BY level NULLS LAST, n`);
  assert.equal(rows.length, 5);
  const byLevel = Object.fromEntries(rows.filter((x) => x.level).map((x) => [x.level, x]));
  assert.equal(byLevel.INFO.kubernetes_pod_name ?? rows.find((x) => x.kubernetes_pod_name).kubernetes_pod_name, 'web-1');
  const first = rows.find((x) => x.kubernetes_pod_name === 'web-1');
  assert.equal(first.tags, '["a","b"]');
  assert.equal(first.kubernetes_pod_labels, '{"app":"x"}', 'depth 3: deeper objects are JSON text');
  assert.equal(first.ts, BigInt(now - 1000) * 1000n);
  assert.equal(first.ok, true);
  assert.equal(byLevel.WARN.only_here, 'yes');
  assert.equal(byLevel.WARN.ts, BigInt(now) * 1000n);
  // n had ints and 5.5: widened to DOUBLE in the file that holds both.
  const error = byLevel.ERROR;
  assert.equal(error.msg, 'no timestamp: ingest time');
  assert.ok(Math.abs(Number(error.ts) / 1000 - now) < 60_000, 'ingest time used');
  assert.ok(rows.every((x) => typeof x.date === 'string' || x.date instanceof Object));

  const types = Object.fromEntries((await query(`DESCRIBE SELECT * FROM ${src}`))
    .map((c) => [c.column_name, c.column_type]));
  assert.equal(types._timestamp, 'TIMESTAMP WITH TIME ZONE');
  assert.equal(types.level, 'VARCHAR');
  assert.equal(types.f, 'DOUBLE');
  assert.equal(types.ok, 'BOOLEAN');
  assert.equal(types.tags, 'VARCHAR');

  const files = parquetFiles(`${server.dataDir}/files`);
  assert.ok(files.length >= 1);
  for (const f of files) {
    assert.match(f, /files\/acme\/logs\/[a-z_0-9]+\/date=\d{4}-\d\d-\d\d\/hour=\d\d\/[^/]+\.parquet$/);
    const meta = await query(`SELECT DISTINCT compression FROM parquet_metadata('${f}')`);
    assert.deepEqual(meta.map((m) => m.compression), ['ZSTD']);
  }
  const dotdot = await query(`SELECT count(*)::INT AS c FROM ${streamSource(server.dataDir, 'acme', '______etc')}`);
  assert.equal(dotdot[0].c, 1);
});

test('records are partitioned by the hour of their _timestamp', async () => {
  const server = await startServer();
  const base = BigInt(Date.UTC(2024, 0, 2, 3, 59, 59)) * 1000n; // µs
  try {
    const body = [0n, 2_000_000n, HOUR_US + 2_000_000n]
      .map((d, i) => JSON.stringify({ i, _timestamp: Number((base + d) / 1000n) }))
      .join('\n');
    const r = await post(`${server.url}/api/o/s/_multi`, body);
    assert.equal(r.status, 200, r.text);
  } finally {
    assert.equal(await server.stop(), 0);
  }
  const rows = await query(`SELECT i::INT AS i, date::VARCHAR AS date, hour::INT AS hour
    FROM ${streamSource(server.dataDir, 'o', 's')} ORDER BY i`);
  assert.deepEqual(rows, [
    { i: 0, date: '2024-01-02', hour: 3 },
    { i: 1, date: '2024-01-02', hour: 4 },
    { i: 2, date: '2024-01-02', hour: 5 },
  ]);
});

// Issue 10: inputs that used to crash the server or store what readers cannot read.
test('hostile records: deep nesting is refused, impossible timestamps fail alone, date/hour and unnamable keys are kept readable', async () => {
  // --flatten-depth 0 (unlimited) used to let a deep body overflow an I/O thread's stack;
  // --max-future 0 accepts any future, so only the storable range (years 0001-9999) applies.
  const server = await startServer(['--flatten-depth', '0', '--max-future', '0']);
  const big = 'k'.repeat(10_000);
  try {
    const deep = '['.concat('{"a":'.repeat(70_000), '1', '}'.repeat(70_000), ']'); // ~420 KB
    let r = await post(`${server.url}/api/acme/deep/_json`, deep);
    assert.equal(r.status, 400, r.text);
    assert.match(r.json.message, /element 0: objects and arrays nested more than 1024 levels deep/);
    r = await post(`${server.url}/api/acme/deep/_json`, '[{"still":"alive"}]');
    assert.equal(r.status, 200, 'the server is still up');

    const lines = [
      { n: 1, date: 'x', hour: 7, _timestamp: '2024-05-06T07:08:09Z' },
      { n: 2, _timestamp: '9999999999999999999' }, // 1e19 ns = 2286-11-20 (used to wrap to 1702)
      { n: 3, _timestamp: -9.1e21 }, // year -286398: used to make date=-286398-06/hour=24
      { n: 4, _timestamp: '2024-02-31' }, // used to be stored as 2 March
      { n: 5, '@timestamp': '2024-05-06T07:00:00Z', _timestamp: '2024-01-01T00:00:00Z' },
      { n: 6, '': 1, [big]: 2, a: { '': 3 }, _timestamp: '2024-05-06T07:00:00Z' },
      { n: 7, _timestamp: '0001-01-01T00:00:00Z' },
      { n: 8, _timestamp: '9999-12-31T23:59:59.999999Z' },
      { n: 9, _timestamp: '9999-12-31T23:30:00-01:00' }, // 10000-01-01 in UTC
    ].map((x) => JSON.stringify(x)).join('\n');
    r = await post(`${server.url}/api/acme/hostile/_multi`, lines);
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.status[0].successful, 6, r.text);
    assert.equal(r.json.status[0].failed, 3, r.text);
    assert.match(r.json.status[0].error,
      /^line 3: _timestamp -286398-.* is outside the range ingot stores \[0001-01-01T00:00:00.000000Z, 9999-12-31T23:59:59.999999Z\]$/);
  } finally {
    assert.equal(await server.stop(), 0, server.log());
  }

  for (const f of parquetFiles(`${server.dataDir}/files`)) {
    assert.match(f, /\/date=\d{4}-\d\d-\d\d\/hour=\d\d\/[^/]+\.parquet$/, f);
  }
  const src = streamSource(server.dataDir, 'acme', 'hostile');
  const types = Object.fromEntries((await query(`DESCRIBE SELECT * FROM ${src}`))
    .map((c) => [c.column_name, c.column_type]));
  assert.equal(types.date, 'DATE', 'the partition column');
  assert.equal(types.date_, 'VARCHAR', "the record's own date");
  assert.equal(types.hour_, 'BIGINT', "the record's own hour");
  const rows = await query(`SELECT n::INT AS n, date::VARCHAR AS date, hour::INT AS hour, date_,
      hour_::INT AS hour_, a_::INT AS a_, _extra, epoch_us(_timestamp) AS ts
    FROM ${src} ORDER BY n`);
  assert.deepEqual(rows.map((x) => x.n), [1, 2, 5, 6, 7, 8]);
  const byN = Object.fromEntries(rows.map((x) => [x.n, x]));
  assert.deepEqual([byN[1].date, byN[1].hour, byN[1].date_, byN[1].hour_], ['2024-05-06', 7, 'x', 7]);
  assert.equal(byN[2].date, '2286-11-20');
  assert.equal(byN[5].ts, BigInt(Date.UTC(2024, 4, 6, 7)) * 1000n, 'the first _timestamp wins');
  assert.equal(byN[5]._extra, '{"_timestamp":"2024-01-01T00:00:00Z"}');
  assert.equal(byN[6].a_, 3);
  assert.equal(byN[6]._extra, `{"":1,"${big}":2}`);
  assert.deepEqual([byN[7].date, byN[7].hour], ['0001-01-01', 0]);
  assert.deepEqual([byN[8].date, byN[8].hour], ['9999-12-31', 23]);
  for (const [name, type] of Object.entries(types)) {
    assert.ok(name.length > 0 && name.length <= 256, `column name of ${name.length} bytes (${type})`);
  }
});
