// Hostile input, as a property (docs/operations.md, "Quarantine"; docs/normalization.md): whatever
// a client sends -- org and stream names of every length and alphabet, field names that cannot be
// columns, thousands of distinct fields, deep nesting, impossible timestamps -- through every
// endpoint (_json, _multi, _bulk `_index`, HEC `index`, OTLP/HTTP headers, OTLP/gRPC metadata,
// Prometheus remote_write paths, headers and label names),
// each request either gets a 4xx and stores nothing, or is acknowledged and every record it
// acknowledged is then readable in DuckDB with hive_partitioning=true, exactly once. Meanwhile
// the server stays within its memory budget plus the documented overhead, nothing lands in the
// quarantine (names are checked at the door), SIGTERM stops it in bounded time, and a restart on
// the same data is ready within seconds.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import zlib from 'node:zlib';

import { post, query, startServer } from './helpers.mjs';
import { exportOnce, exporterFor, fakeLogRecord } from './otlp_clients.mjs';
import { labels, remoteWrite, remoteWriteBody, WriteRequest } from './remote_write_client.mjs';

const MiB = 1024 * 1024;
const BUDGET = 256 * MiB;
// docs/operations.md: fixed overhead beyond the budget (process, per-thread parsers, key trees,
// allocator slack).
const OVERHEAD = 128 * MiB;

function vmHwm(pid) {
  const m = /^VmHWM:\s+(\d+) kB/m.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
  return Number(m[1]) * 1024;
}

// Every request sent, with the marker its records carry and how many the answer acknowledged.
class Ledger {
  constructor() {
    this.requests = [];
    this.next = 0;
  }
  marker() {
    return `h${this.next++}`;
  }
  // `stored`: records the answer acknowledged (0 for a 4xx). A 5xx is never acceptable here:
  // these requests are hostile, not too many.
  record(what, marker, status, stored, detail = '') {
    assert.ok(status < 500, `${what}: ${status} ${detail}`);
    if (status >= 400) stored = 0;
    this.requests.push({ what, marker, status, stored, detail });
  }
}

// Names a client might put where ingot makes a directory: [raw, as it goes in a URL path].
const enc = (s) => [s, encodeURIComponent(s)];
const NAMES = [
  enc('a'), enc('App-Logs'), enc('app.logs'), enc('APP_LOGS'), enc('k8s:prod'),
  enc('.'), enc('..'), enc('...'), enc('a/b'), enc('\0'), enc('date=2024-01-01'), enc('hour=7'),
  enc('x'.repeat(127)), enc('x'.repeat(128)), enc('x'.repeat(129)), enc('x'.repeat(255)),
  enc('x'.repeat(256)), enc('x'.repeat(300)), enc('é'.repeat(128)), enc('é'.repeat(129)),
  enc('😀'.repeat(64)), enc(' space '), enc('tab\there'),
  ['%FF%FE-invalid-utf8', '%FF%FE-invalid-utf8'], ['%2F', '%252F'], ['%00', '%2500'],
];

// _json, _multi: the org and the stream from the path.
async function sendJsonFamily(server, ledger) {
  for (const [raw, url] of NAMES) {
    for (const [where, org, stream] of [['org', url, 'app'], ['stream', 'default', url]]) {
      for (const endpoint of ['_json', '_multi']) {
        const m = ledger.marker();
        const records = [{ m, msg: `${where} ${raw}` }, { m, n: 1 }];
        const body = endpoint === '_json' ? JSON.stringify(records)
                                          : records.map((r) => JSON.stringify(r)).join('\n');
        const r = await post(`${server.url}/api/${org}/${stream}/${endpoint}`, body);
        const stored = r.status === 200 ? r.json.status.reduce((n, s) => n + s.successful, 0) : 0;
        ledger.record(`${endpoint} ${where}=${JSON.stringify(raw)}`, m, r.status, stored, r.text);
      }
    }
  }
}

// _bulk: each action's `_index`, and non-string ones.
async function sendBulk(server, ledger) {
  const indexes = [...NAMES.map(([raw]) => raw), null, 7, true, {}, [], ''];
  for (const index of indexes) {
    const m = ledger.marker();
    const body = `${JSON.stringify({ index: { _index: index } })}\n${JSON.stringify({ m, i: 1 })}\n` +
                 `${JSON.stringify({ create: { _index: 'bulk_ok' } })}\n${JSON.stringify({ m, i: 2 })}\n`;
    const r = await post(`${server.url}/api/default/_bulk`, body,
                         { 'Content-Type': 'application/x-ndjson' });
    let stored = 0;
    if (r.status === 200) {
      for (const item of r.json.items) {
        const outcome = item.index ?? item.create;
        if (outcome.status >= 200 && outcome.status < 300) ++stored;
      }
    }
    ledger.record(`_bulk _index=${JSON.stringify(index)}`, m, r.status, stored, r.text);
  }
}

// Splunk HEC: the event's `index`.
async function sendHec(server, ledger) {
  for (const [raw] of NAMES) {
    const m = ledger.marker();
    const body = JSON.stringify({ index: raw, event: { m, msg: 'hec' } }) +
                 JSON.stringify({ event: { m, msg: 'second' } });
    const r = await post(`${server.url}/services/collector/event`, body);
    ledger.record(`hec index=${JSON.stringify(raw)}`, m, r.status, r.status === 200 ? 2 : 0,
                  r.text);
  }
}

// OTLP/HTTP JSON: the org in the path, the stream in the `stream-name` header.
function otlpLogsJson(m, count) {
  const logRecords = Array.from({ length: count }, (_, i) => ({
    timeUnixNano: String(BigInt(Date.now()) * 1000000n + BigInt(i)),
    body: { stringValue: `otlp ${i}` },
    attributes: [{ key: 'm', value: { stringValue: m } }],
  }));
  return JSON.stringify({ resourceLogs: [{ scopeLogs: [{ logRecords }] }] });
}

async function sendOtlpHttp(server, ledger) {
  for (const [raw, url] of NAMES) {
    for (const where of ['org', 'stream']) {
      // Header values cannot carry control characters or bytes outside Latin-1.
      if (where === 'stream' && /[\0\t\u0100-\uffff]/.test(raw)) continue;
      const m = ledger.marker();
      const headers = { 'Content-Type': 'application/json' };
      if (where === 'stream') headers['stream-name'] = raw;
      const target = where === 'org' ? `${server.url}/api/${url}/v1/logs` : `${server.url}/v1/logs`;
      const r = await post(target, otlpLogsJson(m, 2), headers);
      const rejected = Number(r.json?.partialSuccess?.rejectedLogRecords ?? 0);
      ledger.record(`otlp/http ${where}=${JSON.stringify(raw)}`, m, r.status,
                    r.status === 200 ? 2 - rejected : 0, r.text);
    }
  }
}

// Prometheus remote_write 1.0: the org in OpenObserve's path, the stream in the `stream-name`
// header, and every name as a label name (a column, or `_extra`).
async function sendRemoteWrite(server, ledger) {
  const series = (m, extra = {}) => remoteWriteBody(WriteRequest, {
    timeseries: [{ labels: labels({ __name__: 'hostile', m, ...extra }),
                   samples: [{ value: 1, timestamp: Date.now() }, { value: 2, timestamp: Date.now() + 1 }] }],
  });
  for (const [raw, url] of NAMES) {
    for (const where of ['org', 'stream', 'label']) {
      if (where === 'stream' && /[\0\t\u0100-\uffff]/.test(raw)) continue;
      const m = ledger.marker();
      const headers = where === 'stream' ? { 'stream-name': raw } : {};
      const target = where === 'org' ? `${server.url}/api/${url}/prometheus/api/v1/write`
                                     : `${server.url}/api/v1/write`;
      const r = await remoteWrite(target, series(m, where === 'label' ? { [raw]: 'v' } : {}),
                                  undefined, headers);
      ledger.record(`remote_write ${where}=${JSON.stringify(raw)}`, m, r.status,
                    r.status === 204 ? 2 : 0, r.text);
    }
  }
  // Every label name is storable (a column or `_extra`): each of those requests is stored.
  const byLabel = ledger.requests.filter((q) => q.what.startsWith('remote_write label='));
  assert.ok(byLabel.length === NAMES.length && byLabel.every((q) => q.status === 204),
            JSON.stringify(byLabel.filter((q) => q.status !== 204)));
}

// OTLP/gRPC: org and stream in the metadata, through OpenTelemetry's own exporter.
async function sendOtlpGrpc(server, ledger) {
  for (const [raw] of NAMES) {
    if (/[^\x20-\x7e]/.test(raw)) continue;  // gRPC metadata values are printable ASCII
    for (const where of ['org', 'stream']) {
      const m = ledger.marker();
      const exporter = exporterFor(server, 'grpc', 'logs', { [where]: raw });
      const record = fakeLogRecord(`grpc ${where}`);
      record.attributes = { m };
      const result = await exportOnce(exporter, [record]);
      await exporter.shutdown();
      // ExportResultCode.SUCCESS is 0; a refusal comes back as an error with the gRPC status.
      const ok = result.code === 0;
      ledger.record(`otlp/grpc ${where}=${JSON.stringify(raw)}`, m, ok ? 200 : 400, ok ? 1 : 0,
                    result.error?.message ?? '');
    }
  }
}

// Field names that cannot be columns, many distinct fields, and distinct keys in every request.
async function sendFieldNames(server, ledger) {
  const cases = [
    ['empty key', [{ '': 1, b: 2 }]],
    ['empty nested key', [{ a: { '': 1 } }]],
    ['10,000-byte key', [{ ['k'.repeat(10000)]: 1 }]],
    ['256- and 257-byte keys', [{ ['q'.repeat(256)]: 1, ['r'.repeat(257)]: 2 }]],
    ['date and hour fields', [{ date: 'mine', hour: 7, Date: 'x', HOUR: 8 }]],
    ['_timestamp and @timestamp', [{ _timestamp: '2024-05-06T07:08:09Z', '@timestamp': '2023-01-01' }]],
    ['20,000 fields in one record', [Object.fromEntries(Array.from({ length: 20000 }, (_, i) => [`f${i}`, i]))]],
    ['5,000 fields over 50 records', Array.from({ length: 50 }, (_, r) => Object.fromEntries(
      Array.from({ length: 100 }, (_, i) => [`g${r * 100 + i}`, i])))],
  ];
  for (const [what, records] of cases) {
    const m = ledger.marker();
    for (const r of records) r.m = m;
    const r = await post(`${server.url}/api/default/fields/_json`, JSON.stringify(records));
    const stored = r.status === 200 ? r.json.status.reduce((n, s) => n + s.successful, 0) : 0;
    ledger.record(what, m, r.status, stored, r.text);
  }
  // Distinct keys in every request: 30 requests of 1,000 new 4 KB keys (ids inside key names),
  // and 30 of 1,000 new 64-byte keys (short enough to be columns).
  for (const [count, keyBytes] of [[30, 4096], [30, 64]]) {
    for (let q = 0; q < count; ++q) {
      const m = ledger.marker();
      const records = Array.from({ length: 10 }, (_, r) => {
        const rec = { m };
        for (let i = 0; i < 100; ++i) {
          const id = `${m}_${r}_${i}_`;
          rec[id + 'k'.repeat(keyBytes - id.length)] = i;
        }
        return rec;
      });
      const r = await post(`${server.url}/api/default/keys${keyBytes}/_json`, JSON.stringify(records));
      const stored = r.status === 200 ? r.json.status.reduce((n, s) => n + s.successful, 0) : 0;
      ledger.record(`distinct ${keyBytes}-byte keys`, m, r.status, stored, r.text);
    }
  }
}

// Timestamps: out of range, overflowing, impossible dates.
async function sendTimestamps(server, ledger) {
  const values = [
    '9999999999999999999', 9999999999999999999, -9.1e21, 1e300, -1e300, '2024-02-31', '2023-02-29',
    '2024-02-29', '2024-13-01', '2024-01-01T24:00:00Z', '2024-01-01T23:60:00Z', '0000-01-01',
    '0001-01-01T00:00:00Z', '9999-12-31T23:59:59Z', '10000-01-01T00:00:00Z', -1, 0, -62135596801,
    253402300800, '-5', '1e10', 'NaN', Number.MAX_SAFE_INTEGER, '1700000000000000000000',
  ];
  for (const ts of values) {
    const m = ledger.marker();
    const r = await post(`${server.url}/api/default/times/_json`,
                         JSON.stringify([{ m, _timestamp: ts }, { m, ok: true }]));
    const stored = r.status === 200 ? r.json.status.reduce((n, s) => n + s.successful, 0) : 0;
    ledger.record(`_timestamp ${JSON.stringify(ts)}`, m, r.status, stored, r.text);
  }
  // HEC's `time` goes the same way.
  for (const time of [9999999999999999999, -9.1e21, 1e300, 1700000000.5]) {
    const m = ledger.marker();
    const r = await post(`${server.url}/services/collector/event`,
                         JSON.stringify({ time, event: { m } }));
    ledger.record(`hec time ${time}`, m, r.status, r.status === 200 ? 1 : 0, r.text);
  }
}

// Deep nesting, as one body, a line, a bulk document, a HEC event, gzip-compressed too.
async function sendNesting(server, ledger, depth) {
  const nested = (m) => `{"m":"${m}","a":${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}}`;
  const arrays = (m) => `{"m":"${m}","a":${'['.repeat(depth)}1${']'.repeat(depth)}}`;
  for (const make of [nested, arrays]) {
    for (const [what, target, body, headers] of [
      ['_json', '/api/default/deep/_json', (m) => `[${make(m)}]`, {}],
      ['_multi', '/api/default/deep/_multi', (m) => make(m), {}],
      ['_bulk', '/api/default/_bulk', (m) => `{"index":{"_index":"deep"}}\n${make(m)}\n`, {}],
      ['hec', '/services/collector/event', (m) => `{"event":${make(m)}}`, {}],
      ['_json gzip', '/api/default/deep/_json', (m) => zlib.gzipSync(`[${make(m)}]`),
       { 'Content-Encoding': 'gzip' }],
    ]) {
      const m = ledger.marker();
      const r = await post(`${server.url}${target}`, body(m), headers);
      let stored = 0;
      if (r.status === 200) {
        stored = r.json.items ? r.json.items.filter((i) => i.index.status === 201).length
               : r.json.status ? r.json.status.reduce((n, s) => n + s.successful, 0) : 1;
      }
      ledger.record(`${what} ${make.name} depth ${depth}`, m, r.status, stored, r.text.slice(0, 200));
    }
  }
}

// Reads every file as users are told to and checks the property for every request.
async function checkLedger(dataDir, ledger) {
  const glob = path.join(dataDir, 'files', '**', '*.parquet');
  const rows = await query(`SELECT m, count(*)::INTEGER AS n
    FROM read_parquet('${glob}', hive_partitioning=true, union_by_name=true) GROUP BY m`);
  const found = new Map(rows.map((r) => [r.m, r.n]));
  const wrong = ledger.requests.filter((q) => (found.get(q.marker) ?? 0) !== q.stored)
    .map((q) => `${q.what}: answered ${q.status} for ${q.stored} records, ${found.get(q.marker) ?? 0} in Parquet (${q.detail.slice(0, 160)})`);
  assert.deepEqual(wrong, [], wrong.join('\n'));
  // The Hive partition columns read as what they are, in every file: `date` a DATE; `hour` two
  // digits 00-23 (DuckDB reads `hour=07` as VARCHAR and `hour=17` as BIGINT, so a stream with
  // morning hours has a VARCHAR `hour`; docs/operations.md says how to fix its type).
  const types = await query(`SELECT DISTINCT typeof(date) AS d, typeof(hour) AS h, hour::VARCHAR AS v
    FROM read_parquet('${glob}', hive_partitioning=true, union_by_name=true)`);
  for (const t of types) {
    assert.equal(t.d, 'DATE');
    assert.ok(['BIGINT', 'VARCHAR'].includes(t.h), t.h);
    assert.match(t.v, /^([01]?[0-9]|2[0-3])$/);
  }
  // A stored _timestamp is in its own partition.
  const misplaced = await query(`SELECT count(*)::INTEGER AS n FROM read_parquet('${glob}',
    hive_partitioning=true, union_by_name=true)
    WHERE CAST(_timestamp AT TIME ZONE 'UTC' AS DATE) <> date
       OR hour(_timestamp AT TIME ZONE 'UTC') <> hour::INTEGER`);
  assert.equal(misplaced[0].n, 0);
}

function quarantined(dataDir) {
  const dir = path.join(dataDir, 'quarantine');
  return fs.existsSync(dir) ? fs.readdirSync(dir) : [];
}

test('hostile requests through every endpoint: a 4xx that stores nothing, or readable data', async () => {
  const server = await startServer(['--memory-limit', `${BUDGET / MiB}MiB`, '--max-file-age', '1s']);
  const ledger = new Ledger();
  let stopped = false;
  try {
    await sendJsonFamily(server, ledger);
    await sendBulk(server, ledger);
    await sendHec(server, ledger);
    await sendOtlpHttp(server, ledger);
    await sendOtlpGrpc(server, ledger);
    await sendRemoteWrite(server, ledger);
    await sendFieldNames(server, ledger);
    await sendTimestamps(server, ledger);
    for (const depth of [10, 1100, 70000]) await sendNesting(server, ledger, depth);

    const peak = vmHwm(server.pid);
    assert.ok(peak <= BUDGET + OVERHEAD,
              `peak RSS ${(peak / MiB).toFixed(0)} MiB over the budget + overhead`);
    assert.ok((await fetch(`${server.url}/readyz`)).status === 200, server.log());

    const stopStarted = Date.now();
    assert.equal(await server.stop(), 0, server.log());
    stopped = true;
    const stopSeconds = (Date.now() - stopStarted) / 1000;
    assert.ok(stopSeconds < 35, `the stop took ${stopSeconds}s`);
    assert.deepEqual(quarantined(server.dataDir), [], server.log());
    await checkLedger(server.dataDir, ledger);

    // A restart on the same data is ready within seconds, and stores again.
    const restartStarted = Date.now();
    const again = await startServer([], { dataDir: server.dataDir });
    const readySeconds = (Date.now() - restartStarted) / 1000;
    try {
      assert.ok(readySeconds < 10, `ready after ${readySeconds}s`);
      const r = await post(`${again.url}/api/default/app/_json`, '[{"after":"restart"}]');
      assert.equal(r.status, 200, r.text);
    } finally {
      assert.equal(await again.stop(), 0, again.log());
    }
  } finally {
    if (!stopped) await server.kill();
  }
});

// With unlimited flattening, nesting is still bounded by the decoder: one request nested 70,000
// deep used to overflow an I/O thread's stack and kill the server.
test('deep nesting with --flatten-depth 0 gets a 400, never a crash', async () => {
  const server = await startServer(['--flatten-depth', '0']);
  const ledger = new Ledger();
  try {
    for (const depth of [10, 500, 1100, 70000]) await sendNesting(server, ledger, depth);
    assert.equal((await fetch(`${server.url}/healthz`)).status, 200, server.log());
    assert.equal(await server.stop(), 0, server.log());
    await checkLedger(server.dataDir, ledger);
  } catch (e) {
    await server.kill();
    throw e;
  }
});
