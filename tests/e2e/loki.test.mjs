// Loki push: bodies as promtail and Grafana Alloy send them (logproto.PushRequest encoded with
// protobufjs from our loki_push.proto, snappy block format via snappyjs; Content-Type
// application/x-protobuf) and the JSON form (gzip too), both paths, X-Scope-OrgID, structured
// metadata, label escapes, malformed label strings, credentials scoped to the tenant, and SIGKILL
// under load: every acknowledged entry is in Parquet exactly once. Every field is read back with
// DuckDB.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import {test} from 'node:test';
import {gzipSync} from 'node:zlib';

import protobuf from 'protobufjs';
import SnappyJS from 'snappyjs';

import {authFileWithUser, killUnderLoad, missingAndDuplicated, post, query, repoRoot,
        sendNumberedBatches, startServer, streamSource, tempDir} from './helpers.mjs';

const root = protobuf.loadSync(path.join(repoRoot, 'src', 'protocols', 'loki', 'proto',
                                         'loki_push.proto'));
const PushRequest = root.lookupType('logproto.PushRequest');

// What promtail sends: the PushRequest, snappy-compressed (block format).
function snappyPush(streams) {
  const message = PushRequest.encode(PushRequest.fromObject({streams})).finish();
  return Buffer.from(SnappyJS.compress(message));
}

// Loki's protobuf entry at `ns` nanoseconds (a BigInt): a google.protobuf.Timestamp.
function entry(ns, line, metadata = {}) {
  return {
    timestamp: {seconds: (ns / 1000000000n).toString(), nanos: Number(ns % 1000000000n)},
    line,
    structuredMetadata: Object.entries(metadata).map(([name, value]) => ({name, value})),
  };
}

const protobufHeaders = {'Content-Type': 'application/x-protobuf', 'User-Agent': 'promtail/3.0.0'};
const logs = (dataDir, org, stream) => streamSource(dataDir, org, stream, 'logs');

test('promtail-like snappy protobuf and JSON: labels, escapes, metadata, times', async () => {
  const server = await startServer();
  const t0 = 1700000000123456789n;
  // Label values with a quote, a backslash, a newline and non-ASCII, in the label string form.
  const labels = '{job="varlogs", path="C:\\\\logs\\\\\\"x\\"", note="a\\nb é", host="node-1"}';
  let r = await post(`${server.url}/loki/api/v1/push`, snappyPush([
    {labels, entries: [entry(t0, 'GET /health 200', {trace_id: 'abc', 'User.Agent': 'curl'}),
                       entry(t0 + 1000n, 'second line')]},
    {labels: '{job="other"}', entries: [entry(t0 + 999n, 'other stream')]},
  ]), {...protobufHeaders, 'X-Scope-OrgID': 'tenant1', 'stream-name': 'applogs'});
  assert.equal(r.status, 204, r.text);
  assert.equal(r.text, '');

  // JSON to the path with an org (the header is ignored there), gzip.
  const json = JSON.stringify({streams: [
    {stream: {job: 'json', quote: 'say "hi"\\'}, values: [
      [String(t0), 'json line', {trace_id: 'def'}],
      [String(t0 + 1n), 'json line 2'],
    ]},
  ]});
  r = await post(`${server.url}/api/acme/loki/api/v1/push`, gzipSync(json),
                 {'Content-Type': 'application/json', 'Content-Encoding': 'gzip',
                  'X-Scope-OrgID': 'ignored'});
  assert.equal(r.status, 204, r.text);
  // Neither an org nor a stream named: "default" and "default".
  r = await post(`${server.url}/loki/api/v1/push`, JSON.stringify({streams: [
    {stream: {job: 'defaults'}, values: [[String(t0), 'to the default org']]}]}),
  {'Content-Type': 'application/json'});
  assert.equal(r.status, 204, r.text);
  assert.equal(await server.stop(), 0, server.log());

  const rows = await query(`SELECT *, epoch_us(_timestamp)::BIGINT AS us
                            FROM ${logs(server.dataDir, 'tenant1', 'applogs')}
                            ORDER BY time_unix_nano`);
  assert.equal(rows.length, 3);
  assert.deepEqual(rows.map((row) => row.body), ['GET /health 200', 'other stream', 'second line']);
  assert.deepEqual(rows.map((row) => row.time_unix_nano), [t0, t0 + 999n, t0 + 1000n]);
  assert.deepEqual(rows.map((row) => row.us), [t0 / 1000n, (t0 + 999n) / 1000n,
                                                (t0 + 1000n) / 1000n]);
  assert.deepEqual(rows.map((row) => row.job), ['varlogs', 'other', 'varlogs']);
  assert.equal(rows[0].path, 'C:\\logs\\"x"');
  assert.equal(rows[0].note, 'a\nb é');
  assert.equal(rows[0].host, 'node-1');
  assert.equal(rows[1].path, null);
  assert.equal(rows[0].trace_id, 'abc');
  assert.equal(rows[0].user_agent, 'curl');  // key formatting as for every endpoint
  assert.equal(rows[2].trace_id, null);

  const acme = await query(`SELECT * FROM ${logs(server.dataDir, 'acme', 'default')}
                            ORDER BY time_unix_nano`);
  assert.deepEqual(acme.map((row) => [row.body, row.job, row.quote, row.trace_id,
                                      row.time_unix_nano]),
                   [['json line', 'json', 'say "hi"\\', 'def', t0],
                    ['json line 2', 'json', 'say "hi"\\', null, t0 + 1n]]);
  const [def] = await query(`SELECT body FROM ${logs(server.dataDir, 'default', 'default')}`);
  assert.equal(def.body, 'to the default org');
  assert.ok(!fs.existsSync(path.join(server.dataDir, 'files', 'ignored')));
  // Files land in files/<org>/logs/<stream>/date=…/hour=…/.
  const dir = path.join(server.dataDir, 'files', 'tenant1', 'logs', 'applogs', 'date=2023-11-14',
                        'hour=22');
  assert.ok(fs.readdirSync(dir).some((f) => f.endsWith('.parquet')), dir);
});

test('malformed label strings and bodies are 400 naming them; nothing stored', async () => {
  const server = await startServer();
  const t0 = 1700000000000000000n;
  try {
    let r = await post(`${server.url}/loki/api/v1/push`, snappyPush([
      {labels: '{job="ok"}', entries: [entry(t0, 'fine')]},
      {labels: '{job="x", env=prod}', entries: [entry(t0, 'never')]},
    ]), {...protobufHeaders, 'X-Scope-OrgID': 'bad'});
    assert.equal(r.status, 400);
    assert.equal(r.json.message,
                 'streams[1]: malformed labels "{job="x", env=prod}": expected a quoted value ' +
                 'at byte 14');
    for (const [body, headers, why] of [
      ['{"streams":[]}', protobufHeaders, /snappy/],
      [snappyPush([{labels: '{}', entries: [entry(t0, 'x')]}]), protobufHeaders,
       /at least one label is required/],
      ['{"streams":[{"stream":{"a.b":"c"},"values":[]}]}', {'Content-Type': 'application/json'},
       /invalid label name "a.b"/],
      ['{"streams":[{"stream":{"a":"b"},"values":[[1,"x"]]}]}',
       {'Content-Type': 'application/json'}, /string of Unix nanoseconds/],
    ]) {
      r = await post(`${server.url}/loki/api/v1/push`, body, {...headers, 'X-Scope-OrgID': 'bad'});
      assert.equal(r.status, 400, r.text);
      assert.match(r.json.message, why);
    }
  } finally {
    assert.equal(await server.stop(), 0, server.log());
  }
  assert.ok(!fs.existsSync(path.join(server.dataDir, 'files', 'bad')));
});

test('credentials are checked for the org: X-Scope-OrgID, or the path', async () => {
  const {file, basic} = authFileWithUser('promtail', 'correct horse battery', 'team_a');
  const server = await startServer(['--auth-file', file]);
  const body = snappyPush([{labels: '{job="a"}', entries: [entry(1700000000000000000n, 'x')]}]);
  try {
    const cases = [
      ['/loki/api/v1/push', {'X-Scope-OrgID': 'team-a'}, 401],
      ['/loki/api/v1/push', {'X-Scope-OrgID': 'Team-A', Authorization: basic}, 204],
      ['/loki/api/v1/push', {'X-Scope-OrgID': 'team-b', Authorization: basic}, 403],
      ['/loki/api/v1/push', {Authorization: basic}, 403],  // the default org
      ['/api/team_a/loki/api/v1/push', {'X-Scope-OrgID': 'team-b', Authorization: basic}, 204],
    ];
    for (const [target, headers, want] of cases) {
      const r = await post(`${server.url}${target}`, body, {...protobufHeaders, ...headers});
      assert.equal(r.status, want, `${target} ${JSON.stringify(headers)}: ${r.text}`);
    }
  } finally {
    assert.equal(await server.stop(), 0, server.log());
  }
  const [n] = await query(`SELECT count(*)::INT AS n FROM ${logs(server.dataDir, 'team_a',
                                                               'default')}`);
  assert.equal(n.n, 2);
});

// Sends snappy protobuf pushes of uniquely numbered entries (the id in structured metadata and in
// the line) on `connections` parallel loops until `stopped()`; returns the ids of the entries whose
// request was answered 204 (503 is the only other answer under load).
function load(url, state, connections, stopped) {
  return sendNumberedBatches(state, connections, stopped, async (first, count) => {
    const streams = [0, 1].map((s) => ({labels: `{job="load", s="${s}"}`, entries: []}));
    for (let id = first; id < first + count; ++id) {
      streams[id % 2].entries.push(entry(1700000000000000000n + BigInt(id) * 1000n,
                                         `line ${id} ${'x'.repeat(id % 50)}`, {id: String(id)}));
    }
    const r = await post(`${url}/loki/api/v1/push`, snappyPush(streams),
                         {...protobufHeaders, 'X-Scope-OrgID': 'crash'});
    if (r.status !== 204) assert.equal(r.status, 503, r.text);
    return r.status === 204;
  });
}

test('every acknowledged entry survives SIGKILLs exactly once', async () => {
  const dataDir = tempDir();
  const args = ['--max-file-rows', '3000', '--max-file-age', '300ms', '--wal-segment-size', '1MiB'];
  const state = {next: 0};
  const acked = await killUnderLoad(args, dataDir, 6, (url, stopped) => load(url, state, 3, stopped));

  assert.ok(acked.length > 500, `only ${acked.length} entries were acknowledged`);
  // Structured metadata is text: the id column read as a number.
  const src = `(SELECT * REPLACE (id::BIGINT AS id) FROM ${logs(dataDir, 'crash', 'default')})`;
  const {missing, duplicated} = await missingAndDuplicated(src, acked, dataDir);
  assert.ok(!duplicated, 'an entry appears twice');
  assert.equal(missing, 0n, 'acknowledged entries are missing');
  // Every stored entry is what was sent: its time, line and labels follow from its id.
  const [bad] = await query(`
    SELECT count(*)::BIGINT AS n FROM ${src}
    WHERE epoch_us(_timestamp) <> 1700000000000000 + id
       OR time_unix_nano <> 1700000000000000000 + id * 1000
       OR body <> ('line ' || id::VARCHAR || ' ' || repeat('x', (id % 50)::INT))
       OR s <> (id % 2)::VARCHAR OR job <> 'load'`);
  assert.equal(bad.n, 0n);
});
