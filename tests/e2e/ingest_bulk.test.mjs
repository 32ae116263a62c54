// Elasticsearch _bulk with Elasticsearch's own Python client, then DuckDB reads the documents.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startServer, post, query, streamSource, parquetFiles } from './helpers.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));

test('elasticsearch helpers.bulk ingests every document', async () => {
  const server = await startServer();
  let summary;
  try {
    const out = execFileSync('/usr/bin/python3', [path.join(here, 'clients', 'es_bulk.py'),
      `${server.url}/api/acme`, 'Checkout-Logs', '1000'], { encoding: 'utf8' });
    summary = JSON.parse(out);
  } finally {
    assert.equal(await server.stop(), 0, server.log());
  }
  assert.equal(summary.success, 1000);
  assert.deepEqual(summary.errors, []);
  assert.equal(summary.info.tagline, 'You Know, for Search');

  const rows = await query(`SELECT count(*)::INT AS n, count(DISTINCT seq)::INT AS seqs,
      min(epoch_us(_timestamp)) AS first_ts, max(service_name) AS service
    FROM ${streamSource(server.dataDir, 'acme', 'checkout_logs')}`);
  assert.equal(rows[0].n, 1000);
  assert.equal(rows[0].seqs, 1000);
  assert.equal(rows[0].first_ts, BigInt(Date.UTC(2024, 4, 6, 7, 8, 9)) * 1000n);
  assert.equal(rows[0].service, 'checkout');
  const one = await query(`SELECT message, service_version FROM
    ${streamSource(server.dataDir, 'acme', 'checkout_logs')} WHERE seq = 7`);
  assert.deepEqual(one, [{ message: 'document 7', service_version: '1.1' }]);
});

test('_bulk answers delete and update per item and rejects unknown actions', async () => {
  const server = await startServer();
  try {
    const body = [
      '{"index":{"_index":"x","_id":"1"}}', '{"a":1}',
      '{"delete":{"_index":"x","_id":"1"}}',
      '{"update":{"_index":"x","_id":"1"}}', '{"doc":{"a":2}}',
      '{"create":{"_index":"x"}}', '{"a":3}',
    ].join('\n') + '\n';
    let r = await post(`${server.url}/api/acme/_bulk`, body, { 'Content-Type': 'application/x-ndjson' });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.headers.get('x-elastic-product'), 'Elasticsearch');
    assert.equal(r.json.errors, true);
    assert.deepEqual(r.json.items.map((i) => [Object.keys(i)[0], Object.values(i)[0].status]),
      [['index', 201], ['delete', 400], ['update', 400], ['create', 201]]);

    r = await post(`${server.url}/api/acme/_bulk`, '{"upsert":{"_index":"x"}}\n{"a":1}\n');
    assert.equal(r.status, 400);
    assert.match(r.json.message, /line 1: unknown bulk action "upsert"/);
  } finally {
    assert.equal(await server.stop(), 0);
  }
  const rows = await query(`SELECT a::INT AS a FROM ${streamSource(server.dataDir, 'acme', 'x')} ORDER BY a`);
  assert.deepEqual(rows, [{ a: 1 }, { a: 3 }]);
});

// Issue 10: `_index` values that are not names.
test('_bulk: a null _index is absent, an object fails the request, a name over 128 bytes fails its item', async () => {
  const server = await startServer();
  try {
    const long = 'i'.repeat(300);
    const body = [
      '{"index":{"_index":"ok"}}', '{"a":1,"date":"mine"}',
      `{"index":{"_index":"${long}"}}`, '{"a":2}',
      '{"index":{"_index":null}}', '{"a":3}',
      '{"create":{"_index":"ok"}}', '{"a":4,"":5}',
    ].join('\n') + '\n';
    let r = await post(`${server.url}/api/acme/_bulk`, body, { 'Content-Type': 'application/x-ndjson' });
    assert.equal(r.status, 200, r.text);
    assert.deepEqual(r.json.items.map((i) => Object.values(i)[0].status), [201, 400, 400, 201]);
    const bad = r.json.items[1].index.error;
    assert.equal(bad.type, 'invalid_index_name_exception');
    assert.match(bad.reason, /^_index name "i{32}\.\.\." is 300 bytes, over the limit of 128$/);
    assert.equal(r.json.items[2].index.error.type, 'action_request_validation_exception',
      'null is as if there were no _index, and this URL names no stream');

    r = await post(`${server.url}/api/acme/_bulk`, '{"index":{"_index":"ok"}}\n{"a":6}\n{"index":{"_index":{"x":1}}}\n{"a":7}\n');
    assert.equal(r.status, 400, r.text);
    assert.match(r.json.message, /^line 3: malformed action line: _index must be a string, got an object$/);
  } finally {
    assert.equal(await server.stop(), 0);
  }
  const files = parquetFiles(`${server.dataDir}/files`);
  assert.ok(files.every((f) => f.includes('/acme/logs/ok/')), files.join('\n'));
  const rows = await query(`SELECT a::INT AS a, date_, _extra FROM ${streamSource(server.dataDir, 'acme', 'ok')} ORDER BY a`);
  assert.deepEqual(rows, [{ a: 1, date_: 'mine', _extra: null }, { a: 4, date_: null, _extra: '{"":5}' }]);
});
