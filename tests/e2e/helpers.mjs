// Shared helpers for end-to-end tests: where the built binaries are, and DuckDB queries.
import { DuckDBInstance } from '@duckdb/node-api';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
export const repoRoot = path.resolve(here, '..', '..');
// Binaries come from INGOT_BUILD_DIR (default: <repo>/build).
export const buildDir = process.env.INGOT_BUILD_DIR
  ? path.resolve(process.env.INGOT_BUILD_DIR)
  : path.join(repoRoot, 'build');

// Runs `sql` in a fresh in-memory DuckDB and returns rows as objects (column name -> JS value).
export async function query(sql) {
  const instance = await DuckDBInstance.create(':memory:');
  const conn = await instance.connect();
  try {
    const reader = await conn.runAndReadAll(sql);
    return reader.getRowObjectsJS();
  } finally {
    conn.closeSync();
  }
}

import { execFileSync, spawn } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import fs from 'node:fs';
import os from 'node:os';

export const ingotBinary = path.join(buildDir, 'ingot');

// A fresh temporary directory, removed by the returned cleanup function.
export function tempDir(prefix = 'ingot-e2e-') {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

// An auth file (in a fresh directory) with one user, `email` with `password`, who may write to
// `orgs` (comma-separated, as stored); returns its path and the user's Basic Authorization value.
export function authFileWithUser(email, password, orgs) {
  const user = execFileSync(ingotBinary, ['hash-password', '--email', email, '--orgs', orgs],
                            { input: `${password}\n`, encoding: 'utf8' });
  const file = path.join(tempDir(), 'auth.toml');
  fs.writeFileSync(file, user);
  return { file, basic: `Basic ${Buffer.from(`${email}:${password}`).toString('base64')}` };
}

// Starts `ingot serve` on free ports (HTTP and OTLP/gRPC) with a fresh data directory. Resolves
// once the server says it is ready (it listens first, and answers 503 while it replays its
// write-ahead log). `grpcAddress` is "127.0.0.1:<port>" (undefined with `--grpc-addr ''`).
// `stop()` sends SIGTERM and resolves with the exit code. `fdLimit`: start under `ulimit -n`
// of that many descriptors (soft and hard).
export async function startServer(extraArgs = [], { dataDir = tempDir(), fdLimit } = {}) {
  const args = ['serve', '--data-dir', dataDir,
                ...(extraArgs.includes('--http-addr') ? [] : ['--http-addr', '127.0.0.1:0']),
                ...(extraArgs.includes('--grpc-addr') ? [] : ['--grpc-addr', '127.0.0.1:0']),
                ...extraArgs];
  const child = fdLimit === undefined
    ? spawn(ingotBinary, args, { stdio: ['ignore', 'inherit', 'pipe'] })
    : spawn('bash', ['-c', `ulimit -n ${fdLimit} && exec "$0" "$@"`, ingotBinary, ...args],
            { stdio: ['ignore', 'inherit', 'pipe'] });
  let log = '';
  const exited = new Promise((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  const url = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start:\n${log}`)), 15000);
    child.stderr.on('data', (chunk) => {
      log += chunk;
      const m = /listening on (http:\/\/[0-9.]+:\d+)/.exec(log);
      if (m && /ready: accepting data/.test(log)) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`server exited with ${code} before listening:\n${log}`));
    });
  });
  const grpc = /OTLP\/gRPC listening on ([0-9.]+:\d+)/.exec(log);
  return {
    url,
    grpcAddress: grpc ? grpc[1] : undefined,
    dataDir,
    pid: child.pid,
    log: () => log,
    async stop() {
      child.kill('SIGTERM');
      const { code } = await exited;
      return code;
    },
    async kill() {
      child.kill('SIGKILL');
      await exited;
    },
  };
}

// POSTs `body` (string or Buffer) and returns { status, headers, text, json }.
export async function post(url, body, headers = {}) {
  const res = await fetch(url, { method: 'POST', body, headers });
  const text = await res.text();
  let json;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.status, headers: res.headers, text, json };
}

// Every Parquet file under `dir`.
export function parquetFiles(dir) {
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir, { recursive: true })
    .filter((f) => f.endsWith('.parquet'))
    .map((f) => path.join(dir, f));
}

// SQL for reading all Parquet files of one stream, as users are told to read them.
export function streamSource(dataDir, org, stream, type = 'logs') {
  const glob = path.join(dataDir, 'files', org, type, stream, '**', '*.parquet');
  return `read_parquet('${glob}', hive_partitioning=true, union_by_name=true)`;
}

// Crash test under load: `kills` lives of a server on `dataDir` started with `args`, each loaded
// by `load(url, stopped)` (resolving with the ids it had acknowledged once `stopped()` is true)
// and SIGKILLed at a random moment, with no shutdown and no flush; then a last life that replays
// what the last kill left and stops cleanly. Resolves with every acknowledged id.
export async function killUnderLoad(args, dataDir, kills, load) {
  const acked = [];
  for (let kill = 0; kill < kills; ++kill) {
    const server = await startServer(args, { dataDir });
    let stop = false;
    const running = load(server.url, () => stop);
    await sleep(150 + Math.random() * 600);
    await server.kill();
    stop = true;
    for (const id of await running) acked.push(id);  // (a spread of 100k+ ids overflows the stack)
  }
  const server = await startServer(args, { dataDir });
  const code = await server.stop();
  if (code !== 0) throw new Error(`the last life exited with ${code}:\n${server.log()}`);
  return acked;
}

// Sends batches of uniquely numbered records on `connections` parallel loops until `stopped()`
// (a crash test's load): `send(first, count)` posts records first .. first + count - 1 and
// resolves to whether the server acknowledged them; it throws while the server is down. Resolves
// with the ids of the acknowledged records.
export async function sendNumberedBatches(state, connections, stopped, send) {
  const acked = [];
  await Promise.all(Array.from({length: connections}, async () => {
    while (!stopped()) {
      const first = state.next;
      const count = 50 + Math.floor(Math.random() * 450);
      state.next += count;
      let ok;
      try {
        ok = await send(first, count);
      } catch {
        await sleep(5);  // the server is down: these records were not acknowledged
        continue;
      }
      if (ok) for (let id = first; id < first + count; ++id) acked.push(id);
    }
  }));
  return acked;
}

// The number of ids of `acked` (BIGINT `id` in `src`) that `src` lacks, and whether `src` holds an
// id twice: what a crash test asserts are 0 and false.
export async function missingAndDuplicated(src, acked, dataDir) {
  const [stats] =
      await query(`SELECT count(*)::BIGINT AS rows, count(DISTINCT id)::BIGINT AS ids FROM ${src}`);
  const ackFile = path.join(dataDir, 'acked.csv');
  fs.writeFileSync(ackFile, acked.join('\n') + '\n');
  const [missing] = await query(`
    WITH acked AS (SELECT * FROM read_csv('${ackFile}', header=false, columns={'id': 'BIGINT'}))
    SELECT count(*)::BIGINT AS n FROM acked ANTI JOIN (SELECT id FROM ${src}) p USING (id)`);
  return { missing: missing.n, duplicated: stats.rows !== stats.ids };
}
