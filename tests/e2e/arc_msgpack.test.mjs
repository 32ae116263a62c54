// Arc MessagePack (POST /api/v1/write/msgpack) through the real server, bodies encoded with npm's
// msgpackr (as Arc's JavaScript clients do, without msgpackr's record extension): row, columnar,
// batch and mixed bodies, gzip and zstd by Content-Encoding and by their magic bytes, malformed
// bodies, Arc's credential headers, and SIGKILL under load. Every field is read back with DuckDB.
import assert from 'node:assert/strict';
import {execFileSync} from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import {test} from 'node:test';
import zlib from 'node:zlib';

import {Packr} from 'msgpackr';

import {ingotBinary, killUnderLoad, missingAndDuplicated, post, query, sendNumberedBatches,
        startServer, streamSource, tempDir} from './helpers.mjs';

const packr = new Packr({useRecords: false});
const pack = (value) => packr.pack(value);
const zstd = (buffer) => execFileSync('zstd', ['-q', '-c'], {input: buffer});

const T0 = 1_700_000_000;  // seconds; each body below names its records' times in another unit
const send = (server, body, headers = {}) =>
  post(`${server.url}/api/v1/write/msgpack`, body, {'Content-Type': 'application/msgpack', ...headers});

// Every row of a stream with `_timestamp` as epoch microseconds, in time order.
async function rowsOf(dataDir, org, stream) {
  return query(`SELECT * EXCLUDE (_timestamp, date, hour), epoch_us(_timestamp) AS us
                FROM ${streamSource(dataDir, org, stream, 'metrics')} ORDER BY us`);
}

test('Arc MessagePack: row, columnar, batch and mixed bodies land in files/<database>/metrics/<m>', async () => {
  const server = await startServer();
  const db = {'x-arc-database': 'acme'};
  try {
    // One row item, time in seconds.
    let r = await send(server, pack({m: 'cpu', t: T0, tags: {host: 'h1', region: 'eu'},
                                     fields: {usage: 1.5, count: 3, ok: true, name: 'first'}}), db);
    assert.equal(r.status, 204, r.text);
    assert.equal(r.text, '');
    // One columnar item, time in milliseconds, a null in a column.
    r = await send(server, pack({m: 'cpu', columns: {
      time: [(T0 + 1) * 1000, (T0 + 2) * 1000],
      host: ['h2', 'h3'], region: ['us', null], usage: [2.25, 3.75], count: [4, 5],
      ok: [false, true], name: ['second', 'third'],
    }}), db);
    assert.equal(r.status, 204, r.text);
    // A batch of rows, time in microseconds and nanoseconds; Arc's compact form (h, f).
    r = await send(server, pack({batch: [
      {m: 'cpu', t: (T0 + 3) * 1_000_000, tags: {host: 'h4', region: 'eu'},
       fields: {usage: 4.5, count: 6, ok: false, name: 'fourth'}},
      {m: 'cpu', t: BigInt(T0 + 4) * 1_000_000_000n, tags: {host: 'h5', region: 'ap'},
       fields: {usage: 5.5, count: 7, ok: true, name: 'fifth'}},
      {m: 'mem', t: new Date((T0 + 5) * 1000 + 250), h: 'h6', f: [10, 0.5]},
    ]}), db);
    assert.equal(r.status, 204, r.text);
    // A top-level array mixing both forms, no database header: org "default".
    r = await send(server, pack([
      {m: 'mem', t: T0 + 6, fields: {free: 11}},
      {m: 'mem', columns: {time: [T0 + 7, T0 + 8], free: [12, 13], used: [0.25, 0.75]}},
    ]));
    assert.equal(r.status, 204, r.text);
  } finally {
    assert.equal(await server.stop(), 0, server.log());
  }
  const files = fs.readdirSync(path.join(server.dataDir, 'files'), {recursive: true})
                    .filter((f) => f.endsWith('.parquet'));
  assert.ok(files.some((f) => /^acme\/metrics\/cpu\/date=2023-11-14\/hour=22\//.test(f)), files.join());
  assert.deepEqual(await rowsOf(server.dataDir, 'acme', 'cpu'), [
    {host: 'h1', region: 'eu', usage: 1.5, count: 3n, ok: true, name: 'first', us: BigInt(T0) * 1_000_000n},
    {host: 'h2', region: 'us', usage: 2.25, count: 4n, ok: false, name: 'second', us: BigInt(T0 + 1) * 1_000_000n},
    {host: 'h3', region: null, usage: 3.75, count: 5n, ok: true, name: 'third', us: BigInt(T0 + 2) * 1_000_000n},
    {host: 'h4', region: 'eu', usage: 4.5, count: 6n, ok: false, name: 'fourth', us: BigInt(T0 + 3) * 1_000_000n},
    {host: 'h5', region: 'ap', usage: 5.5, count: 7n, ok: true, name: 'fifth', us: BigInt(T0 + 4) * 1_000_000n},
  ]);
  assert.deepEqual(await rowsOf(server.dataDir, 'acme', 'mem'), [
    // A Date is a MessagePack timestamp: exact to the microsecond.
    {host: 'h6', field_0: 10n, field_1: 0.5, us: BigInt(T0 + 5) * 1_000_000n + 250_000n},
  ]);
  assert.deepEqual(await rowsOf(server.dataDir, 'default', 'mem'), [
    {free: 11n, used: null, us: BigInt(T0 + 6) * 1_000_000n},
    {free: 12n, used: 0.25, us: BigInt(T0 + 7) * 1_000_000n},
    {free: 13n, used: 0.75, us: BigInt(T0 + 8) * 1_000_000n},
  ]);
  const [types] = await query(`SELECT typeof(usage) AS usage, typeof(count) AS count, typeof(ok) AS ok,
                                      typeof(host) AS host, typeof(_timestamp) AS ts
                               FROM ${streamSource(server.dataDir, 'acme', 'cpu', 'metrics')} LIMIT 1`);
  assert.deepEqual(types, {usage: 'DOUBLE', count: 'BIGINT', ok: 'BOOLEAN', host: 'VARCHAR',
                           ts: 'TIMESTAMP WITH TIME ZONE'});
});

test('Arc MessagePack: gzip and zstd, by Content-Encoding and by their magic bytes', async () => {
  const server = await startServer();
  const item = (n) => pack({m: 'zipped', columns: {time: [T0 + n], n: [n]}});
  try {
    const bodies = [
      [zlib.gzipSync(item(1)), {'Content-Encoding': 'gzip'}],
      [zstd(item(2)), {'Content-Encoding': 'zstd'}],
      [zlib.gzipSync(item(3)), {}],  // no header: recognised by 1f 8b
      [zstd(item(4)), {}],           // no header: recognised by 28 b5 2f fd
    ];
    for (const [body, headers] of bodies) {
      const r = await send(server, body, headers);
      assert.equal(r.status, 204, `${JSON.stringify(headers)}: ${r.text}`);
    }
    // A body that claims gzip by its first bytes but is none.
    const r = await send(server, Buffer.from([0x1f, 0x8b, 0x00, 0x01]));
    assert.equal(r.status, 400, r.text);
  } finally {
    assert.equal(await server.stop(), 0, server.log());
  }
  const rows = await rowsOf(server.dataDir, 'default', 'zipped');
  assert.deepEqual(rows.map((row) => row.n), [1n, 2n, 3n, 4n]);
});

test('Arc MessagePack: malformed bodies are 400 saying what and where, and store nothing', async () => {
  const server = await startServer(['--max-body-size', '64KiB', '--max-decoded-size', '1MiB']);
  try {
    const good = pack({m: 'cpu', t: T0, fields: {v: 1}});
    const cases = [
      [Buffer.from('hello'), /the body must be a MessagePack map or array of maps, not integer/],
      [good.subarray(0, good.length - 1), /item 0: malformed MessagePack at byte \d+: truncated/],
      [Buffer.from([0xc1]), /malformed MessagePack at byte 1: invalid byte 0xc1/],
      [pack({m: 'cpu', columns: {time: [T0, T0 + 1], v: [1]}}),
       /item 0: columns have unequal lengths: \\"time\\" has 2 values, \\"v\\" has 1/],
      [pack([{m: 'cpu', fields: {v: 1}}, {fields: {v: 2}}]), /item 1: missing m \(the measurement\)/],
      [pack({m: '', fields: {v: 1}}), /item 0: measurement name is empty/],
      [pack({m: 'cpu', tags: {a: 'b'}}), /item 0: a row needs fields/],
      [pack({m: 'cpu', columns: {time: [T0, 'noon'], v: [1, 2]}}),
       /item 0, row 1: time must be a number, not string/],
      [Buffer.from([]), /empty body/],
    ];
    for (const [body, message] of cases) {
      const r = await send(server, body);
      assert.equal(r.status, 400, `${message}: ${r.text}`);
      assert.equal(r.json.code, 400);
      assert.match(r.text, message);
    }
    // A database name that cannot be an org.
    let r = await send(server, good, {'x-arc-database': 'd'.repeat(200)});
    assert.equal(r.status, 400);
    assert.match(r.json.message, /org name "d+\.\.\." is 200 bytes, over the limit of 128/);
    // Over the body limit: 413.
    const big = pack({m: 'cpu', columns: {time: Array(20000).fill(T0), v: Array(20000).fill(1.5)}});
    r = await send(server, big);
    assert.equal(r.status, 413, r.text);
    r = await send(server, zlib.gzipSync(pack({m: 'cpu', fields: {s: 'x'.repeat(8 << 20)}})));
    assert.equal(r.status, 413, r.text);  // decompressed, by magic bytes, over --max-decoded-size
  } finally {
    assert.equal(await server.stop(), 0, server.log());
  }
  assert.equal(fs.existsSync(path.join(server.dataDir, 'files', 'default')), false);
});

test('Arc MessagePack: Bearer, Token and x-api-key carry a token; Basic works too', async () => {
  const dir = tempDir();
  const tokenOut = execFileSync(ingotBinary, ['new-token', '--name', 'arc', '--orgs', 'telemetry'],
                                {encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore']});
  const token = /^# token: (\S+)$/m.exec(tokenOut)[1];
  const file = path.join(dir, 'auth.toml');
  fs.writeFileSync(file, tokenOut);
  const server = await startServer(['--auth-file', file]);
  const body = (n) => pack({m: 'cpu', t: T0 + n, fields: {n}});
  const basic = `Basic ${Buffer.from(`arc:${token}`).toString('base64')}`;
  try {
    const cases = [
      [{}, 'telemetry', 401],
      [{Authorization: `Bearer ${token}`}, 'telemetry', 204],
      [{Authorization: `Token ${token}`}, 'telemetry', 204],
      [{'x-api-key': token}, 'telemetry', 204],
      [{Authorization: basic}, 'telemetry', 204],
      [{'x-api-key': `${token}x`}, 'telemetry', 401],
      [{Authorization: 'Token'}, 'telemetry', 401],
      [{'x-api-key': token}, 'other', 403],
      [{Authorization: `Token ${token}`}, 'other', 403],
    ];
    let n = 0;
    for (const [headers, database, want] of cases) {
      const r = await send(server, body(n++), {...headers, 'x-arc-database': database});
      assert.equal(r.status, want, `${JSON.stringify(headers)} on ${database}: ${r.text}`);
      if (want === 401) assert.equal(r.headers.get('www-authenticate'), 'Basic realm="ingot"');
    }
    // Arc's line protocol endpoint takes the same headers.
    for (const [headers, want] of [[{'x-api-key': token}, 204], [{Authorization: `Token ${token}`}, 204],
                                   [{'x-api-key': `${token}x`}, 401]]) {
      const r = await post(`${server.url}/api/v1/write/line-protocol`, `lp n=${n++}i ${BigInt(T0 + n) * 1_000_000_000n}`,
                           {...headers, 'x-arc-database': 'telemetry'});
      assert.equal(r.status, want, `${JSON.stringify(headers)}: ${r.text}`);
    }
  } finally {
    assert.equal(await server.stop(), 0, server.log());
  }
  const rows = await rowsOf(server.dataDir, 'telemetry', 'cpu');
  assert.deepEqual(rows.map((r) => r.n), [1n, 2n, 3n, 4n]);
  const lp = await rowsOf(server.dataDir, 'telemetry', 'lp');
  assert.deepEqual(lp.map((r) => r.n), [9n, 10n]);
});

// Columnar bodies of uniquely numbered records on `connections` loops until `stopped()`; the ids
// of the records whose request was answered 204.
function load(url, state, connections, stopped) {
  return sendNumberedBatches(state, connections, stopped, async (first, count) => {
    const ids = Array.from({length: count}, (_, i) => first + i);
    const body = pack({m: 'crash', columns: {
      time: ids.map((id) => (T0 * 1000) + id), id: ids, host: ids.map((id) => `h${id % 7}`),
      v: ids.map((id) => id / 4),
    }});
    const r = await post(`${url}/api/v1/write/msgpack`, body, {'x-arc-database': 'crash'});
    return r.status === 204;
  });
}

test('Arc MessagePack: every acknowledged record survives SIGKILLs exactly once', async () => {
  const dataDir = tempDir();
  const args = ['--max-file-rows', '3000', '--max-file-age', '300ms', '--wal-segment-size', '1MiB'];
  const state = {next: 0};
  const acked = await killUnderLoad(args, dataDir, 6, (url, stopped) => load(url, state, 3, stopped));

  assert.ok(acked.length > 1000, `only ${acked.length} records were acknowledged`);
  const src = streamSource(dataDir, 'crash', 'crash', 'metrics');
  const {missing, duplicated} = await missingAndDuplicated(src, acked, dataDir);
  assert.ok(!duplicated, 'a record appears twice');
  assert.equal(missing, 0n, 'acknowledged records are missing');
  const [stats] = await query(`SELECT max(id) AS max_id,
                                      count(*) FILTER (WHERE v * 4 <> id OR host <> 'h' || (id % 7)
                                        OR epoch_ms(_timestamp) <> ${T0 * 1000} + id)::BIGINT AS wrong
                               FROM ${src}`);
  assert.equal(stats.wrong, 0n, 'a record changed on the way');
  // Records whose request died with the server may or may not be there, but nothing else may be.
  assert.ok(stats.max_id < BigInt(state.next));
});
