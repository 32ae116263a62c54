// `ingot convert` output read back by DuckDB, value by value, against DuckDB's own reading of the
// same NDJSON.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { ingotBinary, query, tempDir } from './helpers.mjs';

test('convert keeps every record and value of generated logs', async () => {
  const dir = tempDir();
  const input = path.join(dir, 'logs.ndjson');
  const output = path.join(dir, 'logs.parquet');
  const lines = [];
  for (let i = 0; i < 20000; ++i) {
    lines.push(JSON.stringify({
      timestamp: 1700000000000 + i, level: ['INFO', 'WARN', 'ERROR'][i % 3], message: `msg ${i}`,
      user_id: i * 7, ratio: i / 3, flag: i % 2 === 0,
      metadata: { host: `web-${i % 50}`, region: 'eu-west-1' },
    }));
  }
  fs.writeFileSync(input, lines.join('\n') + '\n');
  const stderr = execFileSync(ingotBinary, ['convert', input, output, '--row-group-rows', '5000'],
    { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  const diff = await query(`
    WITH ours AS (SELECT timestamp, level, message, user_id, ratio, flag, metadata_host, metadata_region
                  FROM read_parquet('${output}')),
         theirs AS (SELECT timestamp, level, message, user_id, ratio, flag,
                           metadata.host AS metadata_host, metadata.region AS metadata_region
                    FROM read_json('${input}'))
    SELECT (SELECT count(*) FROM ours)::INT AS ours, (SELECT count(*) FROM theirs)::INT AS theirs,
           (SELECT count(*) FROM (SELECT * FROM ours EXCEPT ALL SELECT * FROM theirs))::INT AS missing`);
  assert.deepEqual(diff, [{ ours: 20000, theirs: 20000, missing: 0 }]);
  const groups = await query(`SELECT count(DISTINCT row_group_id)::INT AS n FROM parquet_metadata('${output}')`);
  assert.equal(groups[0].n, 4);
  assert.match(execFileSync(ingotBinary, ['--help'], { encoding: 'utf8' }), /convert/);
  fs.rmSync(dir, { recursive: true });
  void stderr;
});

test('convert reports a malformed line and leaves no output', async () => {
  const dir = tempDir();
  const input = path.join(dir, 'bad.ndjson');
  const output = path.join(dir, 'bad.parquet');
  fs.writeFileSync(input, '{"a":1}\n{"a":2}\n{"a": nope}\n');
  let failed;
  try {
    execFileSync(ingotBinary, ['convert', input, output], { encoding: 'utf8', stdio: 'pipe' });
  } catch (e) {
    failed = e;
  }
  assert.ok(failed, 'convert must fail');
  assert.equal(failed.status, 1);
  assert.match(failed.stderr, /line 3: /);
  assert.equal(fs.existsSync(output), false);
  fs.rmSync(dir, { recursive: true });
});
