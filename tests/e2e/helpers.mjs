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
