// Server behaviour around ingestion: health endpoints, files written by age while running,
// graceful shutdown persisting everything buffered, requests in flight during shutdown.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { startServer, post, query, streamSource, parquetFiles } from './helpers.mjs';

test('health, readiness and metrics answer', async () => {
  const server = await startServer();
  try {
    assert.equal((await fetch(`${server.url}/healthz`)).status, 200);
    assert.equal((await fetch(`${server.url}/readyz`)).status, 200);
    await post(`${server.url}/api/o/s/_json`, '[{"a":1},{"a":2}]');
    const metrics = await (await fetch(`${server.url}/metrics`)).text();
    assert.match(metrics, /^ingot_records_ingested_total 2$/m);
    assert.match(metrics, /ingot_http_requests_total\{method="POST",route="\/api\/\{org\}\/\{stream\}\/_json",status="200"\} 1/);
    const missing = await fetch(`${server.url}/nope`);
    assert.equal(missing.status, 404);
  } finally {
    assert.equal(await server.stop(), 0);
  }
});

test('files are written when their records reach --max-file-age, while the server runs', async () => {
  const server = await startServer(['--max-file-age', '500ms']);
  try {
    await post(`${server.url}/api/o/aged/_json`, '[{"a":1}]');
    let files = [];
    for (let i = 0; i < 50 && files.length === 0; ++i) {
      await sleep(100);
      files = parquetFiles(`${server.dataDir}/files`);
    }
    assert.equal(files.length, 1, 'file written without shutdown');
    const rows = await query(`SELECT a::INT AS a FROM ${streamSource(server.dataDir, 'o', 'aged')}`);
    assert.deepEqual(rows, [{ a: 1 }]);
  } finally {
    assert.equal(await server.stop(), 0);
  }
});

test('SIGTERM answers requests in flight and persists every acknowledged record', async () => {
  const server = await startServer(['--max-file-age', '1h', '--max-file-rows', '100000000']);
  const batch = Array.from({ length: 1000 }, (_, i) => JSON.stringify({ i, pad: 'x'.repeat(50) })).join('\n');
  let acknowledged = 0;
  const clients = Array.from({ length: 4 }, async () => {
    for (;;) {
      let r;
      try {
        r = await post(`${server.url}/api/o/flood/_multi`, batch);
      } catch {
        return; // connection refused or closed: the server is stopping
      }
      if (r.status !== 200) return;
      acknowledged += r.json.status[0].successful;
    }
  });
  await sleep(1500);
  const code = await server.stop();
  await Promise.all(clients);
  assert.equal(code, 0, server.log());
  assert.ok(acknowledged > 0);
  const rows = await query(`SELECT count(*)::INT AS n FROM ${streamSource(server.dataDir, 'o', 'flood')}`);
  assert.equal(rows[0].n, acknowledged, 'every acknowledged record is in Parquet');
});

// A stop ends within --stop-timeout (+ 5 s) whatever the persist stage is doing (here: each file
// takes 60 s); what it could not write stays in the WAL, and the next start writes it.
test('a stop that cannot write everything ends in time and loses nothing', async () => {
  const server = await startServer(['--stop-timeout', '1s', '--test-persist-delay', '60s',
                                    '--max-file-age', '100ms']);
  const r = await post(`${server.url}/api/o/slow/_json`, '[{"a":1},{"a":2}]');
  assert.equal(r.status, 200, r.text);
  await sleep(500);  // the file is being "written" (the persist thread sleeps)
  const started = Date.now();
  const code = await server.stop();
  const seconds = (Date.now() - started) / 1000;
  assert.ok(seconds < 1 + 5 + 2, `stopped after ${seconds}s`);
  assert.equal(code, 1, server.log());
  assert.match(server.log(), /did not finish within --stop-timeout/);
  assert.equal(parquetFiles(`${server.dataDir}/files`).length, 0);

  const again = await startServer([], { dataDir: server.dataDir });
  assert.equal(await again.stop(), 0, again.log());
  const rows = await query(`SELECT a::INT AS a FROM ${streamSource(server.dataDir, 'o', 'slow')} ORDER BY a`);
  assert.deepEqual(rows, [{ a: 1 }, { a: 2 }]);
});

// A second SIGTERM ends a stop at once.
test('a second signal ends the stop at once', async () => {
  const server = await startServer(['--test-persist-delay', '60s', '--max-file-age', '100ms']);
  assert.equal((await post(`${server.url}/api/o/slow/_json`, '[{"a":1}]')).status, 200);
  await sleep(500);
  const started = Date.now();
  process.kill(server.pid, 'SIGTERM');
  await sleep(300);
  const code = await server.stop();  // the second SIGTERM
  assert.ok((Date.now() - started) / 1000 < 5);
  assert.equal(code, 1, server.log());
  assert.match(server.log(), /Terminated again: stopping now/);
});

test('a stop that is paused and continued (SIGSTOP, SIGCONT, a debugger attaching) still finishes', async () => {
  // Each Parquet file takes 3 s, so the stop is still writing when the process is paused. The stop
  // watchdog's wait for --stop-timeout returned early then (EINTR) and ended the process at once.
  const server = await startServer(['--grpc-addr', '', '--max-file-age', '1h', '--test-persist-delay', '3s',
                                    '--stop-timeout', '20s']);
  assert.equal((await post(`${server.url}/api/o/paused/_json`, '[{"a":1}]')).status, 200);
  const stopped = server.stop();
  await sleep(500);
  process.kill(server.pid, 'SIGSTOP');
  await sleep(200);
  process.kill(server.pid, 'SIGCONT');
  assert.equal(await stopped, 0, server.log());
  assert.doesNotMatch(server.log(), /ending the process/);
  const rows = await query(`SELECT a::INT AS a FROM ${streamSource(server.dataDir, 'o', 'paused')}`);
  assert.deepEqual(rows, [{ a: 1 }]);
});
