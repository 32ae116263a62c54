// Times DuckDB converting an NDJSON file to zstd Parquet, the baseline ingot measures itself
// against: COPY (SELECT * FROM read_json(IN)) TO OUT (FORMAT parquet, COMPRESSION zstd).
// Usage: node duckdb_convert.mjs IN OUT [threads]
// Prints one JSON line: {"seconds":..,"records":..,"bytes":..,"threads":..,"version":..}
import fs from 'node:fs';
import { createRequire } from 'node:module';

// DuckDB's node client is installed with the test tooling, in tests/e2e/node_modules.
const require = createRequire(new URL('../tests/e2e/package.json', import.meta.url));
const { DuckDBInstance } = require('@duckdb/node-api');

const [input, output, threads] = process.argv.slice(2);
const instance = await DuckDBInstance.create(':memory:', threads ? { threads: String(threads) } : {});
const conn = await instance.connect();
const version = (await conn.runAndReadAll('SELECT version() AS v')).getRowObjectsJS()[0].v;
const started = process.hrtime.bigint();
await conn.run(`COPY (SELECT * FROM read_json('${input}')) TO '${output}' (FORMAT parquet, COMPRESSION zstd)`);
const seconds = Number(process.hrtime.bigint() - started) / 1e9;
const records = Number((await conn.runAndReadAll(`SELECT count(*) AS n FROM read_parquet('${output}')`))
  .getRowObjectsJS()[0].n);
const usedThreads = (await conn.runAndReadAll(`SELECT current_setting('threads') AS t`)).getRowObjectsJS()[0].t;
console.log(JSON.stringify({ seconds, records, bytes: fs.statSync(output).size, threads: Number(usedThreads), version }));
conn.closeSync();
