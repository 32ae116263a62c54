// Kill -9 under load, many times, at random moments (including while Parquet files are being
// written), restart, and check with DuckDB that every acknowledged record is in Parquet exactly
// once. A longer soak of the same test: CRASH_KILLS=200 node --test crash_recovery.test.mjs
import assert from 'node:assert/strict';
import {test} from 'node:test';

import {killUnderLoad, missingAndDuplicated, post, query, sendNumberedBatches, streamSource, tempDir}
  from './helpers.mjs';

const KILLS = Number(process.env.CRASH_KILLS ?? 12);

// Sends NDJSON batches of uniquely numbered records on `connections` parallel loops until
// `stopped()`; returns the ids of the records whose request was answered 200.
function load(url, state, connections, stopped) {
  return sendNumberedBatches(state, connections, stopped, async (first, count) => {
    const lines = [];
    for (let id = first; id < first + count; ++id) {
      lines.push(JSON.stringify({id, msg: `record ${id}`, n: id % 97, pad: 'x'.repeat(id % 200)}));
    }
    const r = await post(`${url}/api/crash/test/_multi`, lines.join('\n'));
    if (r.status === 200) assert.equal(r.json.status[0].successful, count);
    return r.status === 200;
  });
}

test(`every acknowledged record survives ${KILLS} SIGKILLs exactly once`, async () => {
  const dataDir = tempDir();
  // Small files and a short age so that kills often land while Parquet files are written.
  const args = ['--max-file-rows', '3000', '--max-file-age', '300ms', '--wal-segment-size', '1MiB'];
  const state = {next: 0};
  const acked = await killUnderLoad(args, dataDir, KILLS, (url, stopped) => load(url, state, 3, stopped));

  assert.ok(acked.length > 1000, `only ${acked.length} records were acknowledged`);
  const src = streamSource(dataDir, 'crash', 'test');
  const {missing, duplicated} = await missingAndDuplicated(src, acked, dataDir);
  assert.ok(!duplicated, 'a record appears twice');
  assert.equal(missing, 0n, 'acknowledged records are missing');
  // Records whose request died with the server may or may not be there, but nothing else may be.
  const [range] = await query(`SELECT max(id) AS max_id FROM ${src}`);
  assert.ok(range.max_id < BigInt(state.next));
});
