#!/usr/bin/env node
// Runs SQL in DuckDB (the npm client installed by scripts/install-deps.sh) and prints the rows.
//   scripts/query.mjs "SELECT count(*) FROM read_parquet('data/files/default/logs/app/**/*.parquet')"
import { createRequire } from 'node:module';

const require = createRequire(new URL('../tests/e2e/package.json', import.meta.url));
const { DuckDBInstance } = require('@duckdb/node-api');

const sql = process.argv.slice(2).join(' ');
if (!sql) {
  console.error('usage: scripts/query.mjs "SQL"');
  process.exit(2);
}
const conn = await (await DuckDBInstance.create(':memory:')).connect();
try {
  const rows = (await conn.runAndReadAll(sql)).getRowObjectsJson();
  console.table(rows);
} catch (e) {
  console.error(e.message);
  process.exitCode = 1;
}
