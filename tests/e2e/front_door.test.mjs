// The front door under hostile clients (issue 10): clients without credentials cannot make the
// server read or hold memory for their bodies, and file descriptors are sized from the limits the
// server starts with.
import assert from 'node:assert/strict';
import {execFileSync} from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import {test} from 'node:test';

import {ingotBinary, parquetFiles, post, tempDir, startServer} from './helpers.mjs';

// Opens a connection, sends `head` (a request head, no body) and resolves with the socket and the
// status of the first answer, or a status of 0 if none came within `ms`.
function sendHead(url, head, ms = 5000) {
  const {hostname, port} = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = net.connect(Number(port), hostname, () => socket.write(head));
    let data = '';
    const timer = setTimeout(() => resolve({socket, status: 0, data}), ms);
    socket.on('data', (chunk) => {
      data += chunk;
      const m = /^HTTP\/1\.1 (\d{3})/.exec(data);
      if (m && data.includes('\r\n\r\n')) {
        clearTimeout(timer);
        resolve({socket, status: Number(m[1]), data});
      }
    });
    socket.on('error', reject);
  });
}

test('clients without credentials get 401 from their headers and cannot hold the memory budget', async () => {
  const dir = tempDir();
  const tokenOut = execFileSync(ingotBinary, ['new-token', '--name', 'shipper', '--orgs', '*'],
                                {encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore']});
  const token = /^# token: (\S+)$/m.exec(tokenOut)[1];
  const file = path.join(dir, 'auth.toml');
  fs.writeFileSync(file, tokenOut);
  const server = await startServer(['--auth-file', file, '--memory-limit', '64MiB']);
  const sockets = [];
  try {
    // 40 announced bodies of 16 MiB each, 640 MiB against a 64 MiB budget, never sent. Every one
    // is answered at once, in its endpoint's shape, without waiting for (or reserving) the body.
    const paths = ['/api/acme/s/_json', '/api/acme/s/_multi', '/api/acme/_bulk',
                   '/services/collector/event', '/v1/logs', '/api/acme/v1/traces'];
    for (let i = 0; i < 40; ++i) {
      const p = paths[i % paths.length];
      const r = await sendHead(server.url, `POST ${p} HTTP/1.1\r\nHost: x\r\n` +
                                           `Content-Length: ${16 << 20}\r\n` +
                                           `Content-Type: application/json\r\n\r\n`);
      sockets.push(r.socket);
      assert.equal(r.status, 401, `${p}: ${r.data}`);
      if (p.startsWith('/services/')) assert.match(r.data, /"code":2/);  // Splunk's shape
      else if (p.includes('/v1/')) assert.match(r.data, /"code":16/);    // google.rpc.Status
      else assert.match(r.data, /"code":401/);
      assert.match(r.data, /WWW-Authenticate: Basic realm="ingot"/);
    }
    // Meanwhile an authenticated request of 185 KB is stored.
    const lines = [];
    for (let i = 0; lines.join('\n').length < 185_000; ++i) {
      lines.push(JSON.stringify({i, msg: `line ${i} of an authenticated request`}));
    }
    const r = await post(`${server.url}/api/acme/s/_multi`, lines.join('\n'),
                         {Authorization: `Bearer ${token}`});
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.status[0].successful, lines.length);
    const metrics = await (await fetch(`${server.url}/metrics`)).text();
    assert.match(metrics, /ingot_rejected_requests_total\{reason="auth"\} 40\b/);
    // An unauthenticated client cannot hold memory through the open endpoints either.
    const m = await sendHead(server.url, `GET /metrics HTTP/1.1\r\nHost: x\r\nContent-Length: ${16 << 20}\r\n\r\n`);
    sockets.push(m.socket);
    assert.equal(m.status, 413, m.data);
  } finally {
    for (const s of sockets) s.destroy();
    assert.equal(await server.stop(), 0, server.log());
  }
});

test('under a low descriptor limit the connection cap is lowered and Parquet files still get written', async () => {
  const server = await startServer(['--max-file-age', '1s'], {fdLimit: 256});
  const sockets = [];
  try {
    assert.match(server.log(), /--max-connections lowered from 10000 to \d+/);
    const cap = Number(/lowered from 10000 to (\d+)/.exec(server.log())[1]);
    assert.ok(cap < 256, server.log());
    // More keep-alive connections than descriptors, each idle after one request: those over the
    // cap are told 503 (or closed), the others stay open and hold their descriptors.
    const open = [];
    for (let i = 0; i < 300; ++i) {
      const r = await sendHead(server.url, 'GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n', 2000)
                    .catch(() => ({status: 0}));
      if (r.socket) sockets.push(r.socket);
      if (r.status === 200) open.push(r.socket);
    }
    assert.ok(open.length >= cap - 8 && open.length <= cap, `${open.length} open, cap ${cap}`);
    // Data sent over one of them is stored, and its Parquet file is written while every other
    // connection is still open (no EMFILE).
    const socket = open[0];
    const body = '[{"msg":"written despite 300 connections"}]';
    const answer = new Promise((resolve) => {
      let data = '';
      socket.removeAllListeners('data');
      socket.on('data', (chunk) => {
        data += chunk;
        if (data.includes('\r\n\r\n') && data.includes('}]}')) resolve(data);
      });
    });
    socket.write(`POST /api/default/fd/_json HTTP/1.1\r\nHost: x\r\nContent-Length: ${body.length}\r\n\r\n${body}`);
    assert.match(await answer, /^HTTP\/1\.1 200/);
    const deadline = Date.now() + 20000;
    while (parquetFiles(server.dataDir).length === 0 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 200));
    }
    assert.equal(parquetFiles(server.dataDir).length, 1, server.log());
    assert.doesNotMatch(server.log(), /Too many open files|EMFILE/);
  } finally {
    for (const s of sockets) s.destroy();
    assert.equal(await server.stop(), 0, server.log());
  }
});
