// InfluxDB line protocol: the real clients (Debian's python3-influxdb, npm's
// @influxdata/influxdb-client), the three write endpoints, /ping, the escapes, partial writes,
// precision, `u`/`p` credentials, and SIGKILL under load: every acknowledged line is in Parquet
// exactly once. Every field is read back with DuckDB.
import assert from 'node:assert/strict';
import {execFileSync} from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import {test} from 'node:test';
import {setTimeout as sleep} from 'node:timers/promises';
import {fileURLToPath} from 'node:url';

import {InfluxDB, Point} from '@influxdata/influxdb-client';

import {authFileWithUser, ingotBinary, killUnderLoad, missingAndDuplicated, post, query, startServer,
        streamSource, tempDir} from './helpers.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));

const metrics = (dataDir, db, measurement) => streamSource(dataDir, db, measurement, 'metrics');

test('/ping answers 204 with X-Influxdb-Version', async () => {
  const server = await startServer();
  try {
    for (const method of ['GET', 'HEAD']) {
      const r = await fetch(`${server.url}/ping`, {method});
      assert.equal(r.status, 204, method);
      assert.match(r.headers.get('x-influxdb-version') ?? '', /^1\./);
    }
  } finally {
    assert.equal(await server.stop(), 0, server.log());
  }
});

test('InfluxDB\'s Python and JavaScript clients: every field, escape and type', async () => {
  const server = await startServer();
  const {hostname, port} = new URL(server.url);
  // Python, InfluxDB 1.x: POST /write?db=pydb&precision=ms with Basic credentials.
  const out = execFileSync('/usr/bin/python3', [path.join(here, 'clients', 'influx_write.py'),
                                                 hostname, port, 'pydb', 'root', 'root'],
                           {encoding: 'utf8'});
  const summary = JSON.parse(out);
  assert.equal(summary.points, 50);
  assert.match(summary.version, /^1\./);

  // JavaScript, InfluxDB 2.x: POST /api/v2/write?org=o&bucket=jsdb&precision=ns; bodies over
  // 1000 bytes are gzipped by the client.
  const writeApi = new InfluxDB({url: server.url, token: ''}).getWriteApi('o', 'jsdb', 'ns');
  for (let i = 0; i < 40; ++i) {
    writeApi.writePoint(new Point('js cpu,x')
                            .tag('ho st', 'a,b=c d')
                            .tag('n', String(i))
                            .floatField('f', 1.5 + i)
                            .intField('i', -3 - i)
                            .uintField('u', '18446744073709551615')
                            .booleanField('b', i % 2 === 1)
                            .stringField('s', `line1\nline2 "q" \\ end ${i}`)
                            .timestamp(`1700000000123456${String(789 + i).padStart(3, '0')}`));
  }
  await writeApi.close();
  assert.equal(await server.stop(), 0, server.log());

  const py = await query(`SELECT *, epoch_us(_timestamp)::BIGINT AS us
                          FROM ${metrics(server.dataDir, 'pydb', 'py_weather_x_1')}
                          ORDER BY _timestamp`);
  assert.equal(py.length, 50);
  py.forEach((row, i) => {
    assert.equal(row.us, 1700000000000000n + BigInt(i) * 1000n);
    assert.equal(row.loc_ation, 'a,b=c d');
    assert.equal(row.path, 'C:\\dir\\');
    assert.equal(row.seq, String(i));
    assert.equal(row.temp, 21.5 + i);
    assert.equal(row.count, BigInt(i));
    assert.equal(row.ok, i % 2 === 0);
    // python3-influxdb writes a newline in a string as `\n`, which line protocol keeps as is.
    assert.equal(row.note, 'say "hi" \\ bye\\nnext');
  });
  const js = await query(`SELECT * FROM ${metrics(server.dataDir, 'jsdb', 'js_cpu_x')}
                          ORDER BY n::INT`);
  assert.equal(js.length, 40);
  js.forEach((row, i) => {
    assert.equal(row.ho_st, 'a,b=c d');
    assert.equal(row.f, 1.5 + i);
    assert.equal(row.i, BigInt(-3 - i));
    assert.equal(row.u, 18446744073709551615);  // beyond int64: float64
    assert.equal(row.b, i % 2 === 1);
    assert.equal(row.s, `line1\nline2 "q" \\ end ${i}`);
  });
  // Nanoseconds are floored to the microseconds ingot stores.
  const [ts] = await query(`SELECT epoch_us(min(_timestamp))::BIGINT AS us
                            FROM ${metrics(server.dataDir, 'jsdb', 'js_cpu_x')}`);
  assert.equal(ts.us, 1700000000123456n);
  // Files land in files/<database>/metrics/<measurement>/date=…/hour=…/.
  const dir = path.join(server.dataDir, 'files', 'jsdb', 'metrics', 'js_cpu_x', 'date=2023-11-14',
                        'hour=22');
  assert.ok(fs.readdirSync(dir).some((f) => f.endsWith('.parquet')), dir);
});

test('the three write endpoints, hand-made escapes, precision, partial writes', async () => {
  const server = await startServer();
  const body = [
    '# a comment',
    '',
    'm\\ 1,t\\,k=v\\ a\\=l,t2=x f\\=1=1.5,s="a\\"b\\\\c",i=7i,u=8u,b=TRUE 1700000000',
    'm\\ 1,t2=y f\\=1=2,b=f\r',
  ].join('\n');
  let r = await post(`${server.url}/write?db=v1db&rp=ignored&precision=s`, body);
  assert.equal(r.status, 204, r.text);
  assert.ok(r.headers.get('x-influxdb-version'));
  r = await post(`${server.url}/api/v2/write?org=any&bucket=v2db&precision=s`, body);
  assert.equal(r.status, 204, r.text);
  r = await post(`${server.url}/api/v1/write/line-protocol?precision=s`, body,
                 {'x-arc-database': 'arcdb'});
  assert.equal(r.status, 204, r.text);
  r = await post(`${server.url}/api/v1/write/line-protocol`, 'arcm v=1i');  // database "default"
  assert.equal(r.status, 204, r.text);
  // Partial write: the valid lines are stored (once), 400 names the first bad line and why.
  r = await post(`${server.url}/write?db=partial`,
                 'p v=1i 1700000000000000000\np v=oops\np v=3i 1700000000000000000\np\n');
  assert.equal(r.status, 400);
  assert.match(r.json.error, /^partial write: line 2: unable to parse 'p v=oops': invalid/);
  r = await post(`${server.url}/api/v2/write?bucket=partial`, 'p v=\n');
  assert.equal(r.status, 400);
  assert.equal(r.json.code, 'invalid');
  assert.match(r.json.message, /^line 1: unable to parse 'p v=': missing field value/);
  // Unknown precision, missing or bad database: 400, nothing stored.
  for (const target of ['/write?db=x&precision=sec', '/write', '/api/v2/write?org=o',
                        `/write?db=${'d'.repeat(200)}`]) {
    r = await post(`${server.url}${target}`, 'never v=1i');
    assert.equal(r.status, 400, target);
  }
  // gzip, as for every endpoint.
  const {gzipSync} = await import('node:zlib');
  r = await post(`${server.url}/write?db=gz`, gzipSync('g v=1i\ng v=2i\n'),
                 {'Content-Encoding': 'gzip'});
  assert.equal(r.status, 204, r.text);
  assert.equal(await server.stop(), 0, server.log());

  for (const db of ['v1db', 'v2db', 'arcdb']) {
    const rows = await query(`SELECT *, epoch_us(_timestamp)::BIGINT AS us
                              FROM ${metrics(server.dataDir, db, 'm_1')} ORDER BY t2`);
    assert.equal(rows.length, 2, db);
    assert.equal(rows[0].us, 1700000000000000n);
    assert.equal(rows[0].t_k, 'v a=l');
    assert.equal(rows[0].f_1, 1.5);
    assert.equal(rows[0].s, 'a"b\\c');
    assert.equal(rows[0].i, 7n);
    assert.equal(rows[0].u, 8n);
    assert.equal(rows[0].b, true);
    assert.equal(rows[1].t_k, null);
    assert.equal(rows[1].f_1, 2);
    assert.equal(rows[1].b, false);
  }
  const [arc] = await query(`SELECT count(*)::INT AS n FROM ${metrics(server.dataDir, 'default',
                                                                      'arcm')}`);
  assert.equal(arc.n, 1);
  const partial = await query(`SELECT v FROM ${metrics(server.dataDir, 'partial', 'p')}
                               ORDER BY v`);
  assert.deepEqual(partial.map((row) => row.v), [1n, 3n]);
  const [gz] = await query(`SELECT sum(v)::INT AS v FROM ${metrics(server.dataDir, 'gz', 'g')}`);
  assert.equal(gz.v, 3);
  assert.ok(!fs.existsSync(path.join(server.dataDir, 'files', 'x')));
  assert.ok(!fs.existsSync(path.join(server.dataDir, 'files', 'never')));
});

test('a body over --max-body-size is 413, nothing stored', async () => {
  const server = await startServer(['--max-body-size', '1KiB']);
  try {
    const r = await post(`${server.url}/write?db=big`, 'm v=1i\n'.repeat(500));
    assert.equal(r.status, 413, r.text);
  } finally {
    assert.equal(await server.stop(), 0, server.log());
  }
  assert.ok(!fs.existsSync(path.join(server.dataDir, 'files', 'big')));
});

test('credentials: u/p query parameters, Basic, Token, scoped to the database', async () => {
  const {file, basic} = authFileWithUser('telegraf', 'correct horse battery', 'metrics');
  // A token for the JavaScript client, which sends it as `Authorization: Token <t>`.
  const tokenOut = execFileSync(ingotBinary, ['new-token', '--name', 'js', '--orgs', 'metrics'],
                                {encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore']});
  const token = /^# token: (\S+)$/m.exec(tokenOut)[1];
  fs.appendFileSync(file, `\n${tokenOut}`);
  const server = await startServer(['--auth-file', file]);
  try {
    const cases = [
      ['/write?db=metrics', {}, 401],
      ['/write?db=metrics&u=telegraf&p=correct%20horse%20battery', {}, 204],
      ['/write?db=metrics&u=telegraf&p=wrong', {}, 401],
      ['/write?db=other&u=telegraf&p=correct+horse+battery', {}, 403],
      ['/write?db=metrics', {Authorization: basic}, 204],
      ['/api/v2/write?bucket=metrics', {Authorization: basic}, 204],
      ['/api/v2/write?bucket=metrics', {}, 401],
    ];
    for (const [target, headers, want] of cases) {
      const r = await post(`${server.url}${target}`, 'c v=1i', headers);
      assert.equal(r.status, want, `${target} ${JSON.stringify(headers)}: ${r.text}`);
    }
    // Python's client sends its user and password as Basic.
    const {hostname, port} = new URL(server.url);
    execFileSync('/usr/bin/python3', [path.join(here, 'clients', 'influx_write.py'), hostname,
                                      port, 'metrics', 'telegraf', 'correct horse battery'],
                 {encoding: 'utf8'});
    // InfluxDB 2.x's JavaScript client with the token; with a wrong one its write fails.
    const ts = `${BigInt(Date.now()) * 1_000_000n}`;
    const good = new InfluxDB({url: server.url, token}).getWriteApi('o', 'metrics', 'ns');
    good.writePoint(new Point('js_token').intField('n', 1).timestamp(ts));
    await good.close();
    const bad = new InfluxDB({url: server.url, token: `${token}x`})
                    .getWriteApi('o', 'metrics', 'ns', {maxRetries: 0});
    bad.writePoint(new Point('js_token').intField('n', 2).timestamp(ts));
    await assert.rejects(bad.close(), (e) => e.statusCode === 401);
  } finally {
    assert.equal(await server.stop(), 0, server.log());
  }
  const rows = await query(`SELECT n FROM ${metrics(server.dataDir, 'metrics', 'js_token')}`);
  assert.deepEqual(rows.map((r) => r.n), [1n]);
});

// Sends line protocol batches of uniquely numbered points on `connections` parallel loops until
// `stopped()`; returns the ids of the points whose request was answered 204.
async function load(url, state, connections, stopped) {
  const acked = [];
  await Promise.all(Array.from({length: connections}, async (_, conn) => {
    while (!stopped()) {
      const first = state.next;
      const count = 50 + Math.floor(Math.random() * 450);
      state.next += count;
      const lines = [];
      for (let id = first; id < first + count; ++id) {
        lines.push(`load,conn=${conn},host=h${id % 7} id=${id}i,v=${id / 3},` +
                   `s="p\\"${'x'.repeat(id % 50)}" ${1700000000000000000n + BigInt(id) * 1000n}`);
      }
      let r;
      try {
        r = await post(`${url}/write?db=crash&precision=ns`, lines.join('\n'));
      } catch {
        await sleep(5);  // the server is down: these points were not acknowledged
        continue;
      }
      if (r.status === 204) {
        for (let id = first; id < first + count; ++id) acked.push(id);
      } else {
        assert.equal(r.status, 503, r.text);  // the only other answer under load
      }
    }
  }));
  return acked;
}

test('every acknowledged line survives SIGKILLs exactly once', async () => {
  const dataDir = tempDir();
  const args = ['--max-file-rows', '3000', '--max-file-age', '300ms', '--wal-segment-size', '1MiB'];
  const state = {next: 0};
  const acked = await killUnderLoad(args, dataDir, 6, (url, stopped) => load(url, state, 3, stopped));

  assert.ok(acked.length > 500, `only ${acked.length} points were acknowledged`);
  const src = metrics(dataDir, 'crash', 'load');
  const {missing, duplicated} = await missingAndDuplicated(src, acked, dataDir);
  assert.ok(!duplicated, 'a point appears twice');
  assert.equal(missing, 0n, 'acknowledged points are missing');
  // Every stored point is what was sent: its timestamp and fields follow from its id.
  const [bad] = await query(`
    SELECT count(*)::BIGINT AS n FROM ${src}
    WHERE epoch_us(_timestamp) <> 1700000000000000 + id OR v <> id / 3
       OR s <> ('p"' || repeat('x', (id % 50)::INT)) OR host <> ('h' || (id % 7)::VARCHAR)`);
  assert.equal(bad.n, 0n);
});
