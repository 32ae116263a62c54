// Counts the rows of every Parquet file under a data directory with DuckDB, the reference reader,
// for bench/run's check that every acknowledged record was stored, and sums the files' sizes.
// Usage: node duckdb_count.mjs DATA_DIR
// Prints one JSON line: {"rows":..,"files":..,"bytes":..,"version":..}
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';

// DuckDB's node client is installed with the test tooling, in tests/e2e/node_modules.
const require = createRequire(new URL('../../tests/e2e/package.json', import.meta.url));
const { DuckDBInstance } = require('@duckdb/node-api');

function parquetFiles(dir) {
  const out = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...parquetFiles(p));
    else if (entry.name.endsWith('.parquet')) out.push(p);
  }
  return out;
}

const dataDir = process.argv[2];
const files = fs.existsSync(path.join(dataDir, 'files')) ? parquetFiles(path.join(dataDir, 'files')) : [];
const bytes = files.reduce((sum, f) => sum + fs.statSync(f).size, 0);
const instance = await DuckDBInstance.create(':memory:');
const conn = await instance.connect();
const version = (await conn.runAndReadAll('SELECT version() AS v')).getRowObjectsJS()[0].v;
let rows = 0;
if (files.length > 0) {
  const list = files.map((f) => `'${f.replaceAll("'", "''")}'`).join(',');
  rows = Number((await conn.runAndReadAll(
    `SELECT count(*) AS n FROM read_parquet([${list}], union_by_name=true)`)).getRowObjectsJS()[0].n);
}
console.log(JSON.stringify({ rows, files: files.length, bytes, version }));
conn.closeSync();
