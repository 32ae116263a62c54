// A small disk: ingestion answers 503 before the disk is full (--min-free-disk), a write that
// still hits ENOSPC corrupts nothing, and the server recovers by itself once space returns. Runs on
// a tmpfs mounted for the test; skipped (with the reason) where mounting is not permitted.
import assert from 'node:assert/strict';
import {execFileSync} from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import {test} from 'node:test';
import {setTimeout as sleep} from 'node:timers/promises';

import {parquetFiles, post, query, startServer, streamSource, tempDir} from './helpers.mjs';

const MiB = 1024 * 1024;

function mountTmpfs(dir, bytes) {
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${bytes}`, 'tmpfs', dir], {stdio: 'pipe'});
    return null;
  } catch (e) {
    return `cannot mount a tmpfs here (${String(e.stderr || e.message).trim()}); run as root`;
  }
}

for (const [name, minFree] of [['503 before the disk is full', '8MiB'],
                               ['the disk really fills (ENOSPC)', '0']]) {
test(`disk pressure, ${name}: nothing corrupt, recovery when space returns`, async (t) => {
  const dataDir = tempDir();
  const reason = mountTmpfs(dataDir, 48 * MiB);
  if (reason) {
    t.skip(reason);
    return;
  }
  const filler = path.join(dataDir, 'filler');
  try {
    const server = await startServer([
      '--min-free-disk', minFree, '--wal-segment-size', '1MiB', '--max-file-rows', '20000',
      '--max-file-age', '200ms',
    ], {dataDir});
    const acked = [];
    const statuses = new Map();
    let next = 0;
    const send = async () => {
      const first = next;
      next += 500;
      const lines = [];
      for (let id = first; id < first + 500; ++id) {
        // Random text, so that Parquet files do not compress it away.
        lines.push(JSON.stringify({id, msg: Math.random().toString(36).repeat(4)}));
      }
      const r = await post(`${server.url}/api/o/disk/_multi`, lines.join('\n'));
      statuses.set(r.status, (statuses.get(r.status) ?? 0) + 1);
      if (r.status === 200) {
        for (let id = first; id < first + 500; ++id) acked.push(id);
      }
      return r;
    };
    try {
      // Take most of the disk, then ingest until the server refuses.
      fs.writeFileSync(filler, Buffer.alloc((minFree === '0' ? 44 : 38) * MiB, 1));
      let refused = null;
      for (let i = 0; i < 400 && !refused; ++i) {
        const r = await send();
        if (r.status === 503) refused = r;
      }
      assert.ok(refused, `never refused: ${JSON.stringify(Object.fromEntries(statuses))}`);
      assert.ok(refused.headers.get('retry-after'));
      const metrics = await (await fetch(`${server.url}/metrics`)).text();
      if (minFree === '0') {
        assert.match(metrics, /^ingot_wal_healthy 0$/m);  // the WAL hit ENOSPC: sticky until a probe works
        assert.equal((await fetch(`${server.url}/readyz`)).status, 503);
      } else {
        assert.match(metrics, /^ingot_disk_low 1$/m);
      }

      // Space returns: the server accepts again by itself.
      fs.unlinkSync(filler);
      let accepted = false;
      for (let i = 0; i < 100 && !accepted; ++i) {
        await sleep(100);
        accepted = (await send()).status === 200;
      }
      assert.ok(accepted, 'no recovery after space returned');
      for (let i = 0; i < 5; ++i) assert.equal((await send()).status, 200);
      assert.equal((await fetch(`${server.url}/readyz`)).status, 200);
    } finally {
      assert.equal(await server.stop(), 0, server.log());
    }

    // Every file reads; every acknowledged record is there once.
    for (const f of parquetFiles(path.join(dataDir, 'files'))) {
      await query(`SELECT count(*) FROM read_parquet('${f}')`);
    }
    const src = streamSource(dataDir, 'o', 'disk');
    const [stats] = await query(`SELECT count(*)::BIGINT AS rows, count(DISTINCT id)::BIGINT AS ids FROM ${src}`);
    assert.equal(stats.rows, stats.ids);
    const ackFile = path.join(tempDir(), 'acked.csv');
    fs.writeFileSync(ackFile, acked.join('\n') + '\n');
    const [missing] = await query(`
      WITH acked AS (SELECT * FROM read_csv('${ackFile}', header=false, columns={'id': 'BIGINT'}))
      SELECT count(*)::BIGINT AS n FROM acked ANTI JOIN (SELECT id FROM ${src}) p USING (id)`);
    assert.equal(missing.n, 0n);
  } finally {
    execFileSync('umount', ['-l', dataDir]);
  }
});
}
