// Prometheus remote_write end to end (docs/schema-metrics.md, "Prometheus remote_write"): Debian's
// `prometheus` server scrapes ingot's own /metrics every second and remote-writes the samples back
// to ingot; hand-made snappy protobuf bodies (1.0 WriteRequest and 2.0 Request, encoded with
// protobufjs from ingot's own .proto) check every mapped field; 415 for a content type that is not
// remote_write, 400 for a corrupt body; and SIGKILL under load, then restart: every acknowledged
// sample is in Parquet exactly once. DuckDB reads the samples back.
import assert from 'node:assert/strict';
import {spawn, spawnSync} from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import {test} from 'node:test';
import {setTimeout as sleep} from 'node:timers/promises';

import snappy from 'snappyjs';

import {killUnderLoad, missingAndDuplicated, parquetFiles, query, sendNumberedBatches, startServer,
  streamSource, tempDir} from './helpers.mjs';
import {labels, remoteWrite, remoteWriteBody as body, RequestV2, V1_TYPE, V2_TYPE, WriteRequest}
  from './remote_write_client.mjs';

test('hand-made 1.0 and 2.0 bodies: every field, the answers, 415 and 400', async () => {
  const server = await startServer(['--max-past', '30d']);
  const now = Date.now();
  try {
    // 1.0 on /api/v1/write (org "default", stream "prometheus").
    const v1 = body(WriteRequest, {
      timeseries: [
        {
          labels: labels({__name__: 'http_requests_total', job: 'api', 'http.method': 'GET', empty: ''}),
          samples: [{value: 42, timestamp: now}, {value: NaN, timestamp: now + 1}],
        },
        {labels: labels({__name__: 'up', instance: 'h:9090', value: 'clash'}),
         samples: [{value: 1, timestamp: now + 2}]},
      ],
      metadata: [{type: 1, metricFamilyName: 'http_requests', help: 'Requests served.', unit: 'requests'}],
    });
    let r = await remoteWrite(`${server.url}/api/v1/write`, v1);
    assert.equal(r.status, 204, r.text);
    assert.equal(r.text, '');
    assert.equal(r.headers.get('x-prometheus-remote-write-samples-written'), null);

    // 2.0 on OpenObserve's path, org "acme", stream from the `stream-name` header.
    const v2 = body(RequestV2, {
      symbols: ['', '__name__', 'temperature_celsius', 'room', 'kitchen', 'Room temperature.', 'celsius',
                'door_open_seconds'],
      timeseries: [{
        labelsRefs: [1, 2, 3, 4],
        samples: [{value: 21.5, timestamp: now}, {value: 22, timestamp: now + 1000}],
        metadata: {type: 2, helpRef: 5, unitRef: 6},
        createdTimestamp: now - 60000,
        exemplars: [Buffer.from('')],
      }, {
        // A native histogram: buckets 1 and 2 (deltas 2, 1: counts 2, 3).
        labelsRefs: [1, 7, 3, 4],
        histograms: [{countInt: 5, sum: 2.5, schema: 0, zeroThreshold: 0.001, zeroCountInt: 0,
                      positiveSpans: [{offset: 1, length: 2}], positiveDeltas: [2, 1], timestamp: now}],
      }],
    });
    r = await remoteWrite(`${server.url}/api/acme/prometheus/api/v1/write`, v2, V2_TYPE,
                          {'stream-name': 'home'});
    assert.equal(r.status, 204, r.text);
    assert.equal(r.headers.get('x-prometheus-remote-write-samples-written'), '2');
    assert.equal(r.headers.get('x-prometheus-remote-write-histograms-written'), '1');
    assert.equal(r.headers.get('x-prometheus-remote-write-exemplars-written'), '0');

    // Not a remote_write message: 415 (2.0 senders may fall back to 1.0 on it).
    r = await remoteWrite(`${server.url}/api/v1/write`, v1, 'application/json');
    assert.equal(r.status, 415, r.text);
    r = await remoteWrite(`${server.url}/api/v1/write`, v1, 'application/x-protobuf;proto=foo.Bar');
    assert.equal(r.status, 415, r.text);
    r = await remoteWrite(`${server.url}/api/v1/write`, v1, V1_TYPE, {'Content-Encoding': 'br'});
    assert.equal(r.status, 415, r.text);
    // Corrupt: never retried by Prometheus, so 400.
    const corrupt = Buffer.from(v1);
    corrupt[corrupt.length - 1] ^= 0xff;
    corrupt[2] ^= 0x5a;
    r = await remoteWrite(`${server.url}/api/v1/write`, corrupt);
    assert.equal(r.status, 400, r.text);
    r = await remoteWrite(`${server.url}/api/v1/write`, Buffer.from(snappy.compress(Buffer.from('\x0a\x01\x0a'))));
    assert.equal(r.status, 400, r.text);
    assert.match(r.json.message, /^timeseries\[0\]: /);
    r = await remoteWrite(`${server.url}/api/v1/write`, Buffer.from('not snappy at all'));
    assert.equal(r.status, 400, r.text);
    // A sample outside the accepted window: the others are stored, and 400 (not retried).
    r = await remoteWrite(`${server.url}/api/v1/write`, body(WriteRequest, {
      timeseries: [{labels: labels({__name__: 'partial'}),
                    samples: [{value: 1, timestamp: now}, {value: 2, timestamp: 5000}]}],
    }));
    assert.equal(r.status, 400, r.text);
    assert.match(r.json.message, /1 of 2 samples rejected/);
  } finally {
    assert.equal(await server.stop(), 0, server.log());
  }

  const rows = await query(`SELECT metric_name, job, http_method, instance, value, isnan(value) AS nan, epoch_ms(_timestamp) AS ms, metric_type,
      metric_description, metric_unit, _extra
    FROM ${streamSource(server.dataDir, 'default', 'prometheus', 'metrics')}
    WHERE metric_name <> 'partial' ORDER BY ms`);
  assert.equal(rows.length, 3);
  assert.deepEqual(
      {...rows[0]},
      {metric_name: 'http_requests_total', job: 'api', http_method: 'GET', instance: null, value: 42,
       nan: false, ms: BigInt(now), metric_type: 'counter', metric_description: 'Requests served.',
       metric_unit: 'requests', _extra: null});
  assert.equal(rows[1].nan, true);
  assert.equal(rows[1].ms, BigInt(now + 1));
  assert.deepEqual(
      {...rows[2]},
      {metric_name: 'up', job: null, http_method: null, instance: 'h:9090', value: 1, nan: false,
       ms: BigInt(now + 2), metric_type: null, metric_description: null, metric_unit: null,
       _extra: '{"value":"clash"}'});
  const [partial] = await query(`SELECT count(*)::INT AS n, max(value) AS v
    FROM ${streamSource(server.dataDir, 'default', 'prometheus', 'metrics')} WHERE metric_name = 'partial'`);
  assert.deepEqual({...partial}, {n: 1, v: 1});
  const columns = await query(`DESCRIBE SELECT * FROM ${streamSource(server.dataDir, 'default', 'prometheus', 'metrics')}`);
  assert.ok(!columns.some((c) => c.column_name === 'empty'), 'an empty label is no label');

  const home = await query(`SELECT metric_name, room, value, epoch_ms(_timestamp) AS ms, metric_type,
      metric_description, metric_unit, start_time_unix_nano
    FROM ${streamSource(server.dataDir, 'acme', 'home', 'metrics')}
    WHERE metric_name = 'temperature_celsius' ORDER BY ms`);
  assert.equal(home.length, 2);
  assert.deepEqual(
      {...home[0]},
      {metric_name: 'temperature_celsius', room: 'kitchen', value: 21.5, ms: BigInt(now),
       metric_type: 'gauge', metric_description: 'Room temperature.', metric_unit: 'celsius',
       start_time_unix_nano: BigInt(now - 60000) * 1000000n});
  assert.equal(home[1].value, 22);
  const [hist] = await query(`SELECT room, value, count, sum, scale, zero_threshold, zero_count,
      positive_offset, positive_bucket_counts, metric_type,
      epoch_ms(_timestamp) AS ms
    FROM ${streamSource(server.dataDir, 'acme', 'home', 'metrics')}
    WHERE metric_name = 'door_open_seconds'`);
  assert.deepEqual(
      {...hist},
      {room: 'kitchen', value: null, count: 5n, sum: 2.5, scale: 0n, zero_threshold: 0.001,
       zero_count: 0n, positive_offset: 0n, positive_bucket_counts: '[2,3]',
       metric_type: 'histogram', ms: BigInt(now)});
});

// A free TCP port on 127.0.0.1 for Prometheus' own web listener.
async function freePort() {
  const srv = net.createServer();
  await new Promise((resolve) => srv.listen(0, '127.0.0.1', resolve));
  const {port} = srv.address();
  await new Promise((resolve) => srv.close(resolve));
  return port;
}

const havePrometheus = spawnSync('prometheus', ['--version']).status === 0;

test('Debian\'s prometheus scrapes ingot and remote-writes to it', {skip: !havePrometheus && 'prometheus is not installed (scripts/install-deps.sh --test)'}, async () => {
  const server = await startServer(['--max-file-age', '1s']);
  const dir = tempDir('ingot-prom-');
  const target = new URL(server.url).host;
  fs.writeFileSync(path.join(dir, 'prometheus.yml'), `
global:
  scrape_interval: 1s
  evaluation_interval: 1s
scrape_configs:
  - job_name: ingot
    static_configs:
      - targets: ['${target}']
remote_write:
  - url: ${server.url}/api/selfmon/prometheus/api/v1/write
    queue_config:
      batch_send_deadline: 1s
      min_backoff: 100ms
      max_backoff: 1s
`);
  const route = '/api/{org}/prometheus/api/v1/write';
  const port = await freePort();
  let promLog = '';
  const prom = spawn('prometheus', [
    `--config.file=${path.join(dir, 'prometheus.yml')}`, `--storage.tsdb.path=${path.join(dir, 'data')}`,
    `--web.listen-address=127.0.0.1:${port}`,
  ], {stdio: ['ignore', 'ignore', 'pipe']});
  prom.stderr.on('data', (chunk) => { promLog += chunk; });
  const promExited = new Promise((resolve) => prom.on('exit', resolve));
  // OpenObserve's path: org "selfmon", the default stream. (Debian's Prometheus 2.42 does not send
  // the remote_write `headers` it is configured with, so no stream-name here.)
  const src = streamSource(server.dataDir, 'selfmon', 'prometheus', 'metrics');
  try {
    // Until a scrape of ingot's remote-write route itself has come back through remote_write.
    const deadline = Date.now() + 90_000;
    for (;;) {
      assert.ok(Date.now() < deadline, `no remote-written samples in time:\n${promLog}`);
      await sleep(1000);
      if (parquetFiles(path.join(server.dataDir, 'files', 'selfmon', 'metrics', 'prometheus')).length === 0) continue;
      const [n] = await query(`SELECT count(*)::INT AS n FROM ${src}
          WHERE metric_name = 'ingot_http_requests_total' AND route = '${route}' AND status = '204'`);
      if (n.n > 0) break;
    }
  } finally {
    prom.kill('SIGTERM');
    await promExited;
    assert.equal(await server.stop(), 0, server.log());
  }
  const up = await query(`SELECT job, instance, value, epoch_ms(_timestamp) AS ms FROM ${src}
      WHERE metric_name = 'up' ORDER BY ms`);
  assert.ok(up.length > 0);
  for (const row of up) {
    assert.equal(row.job, 'ingot');
    assert.equal(row.instance, target);
    assert.equal(row.value, 1);
  }
  const [req] = await query(`SELECT method, job, instance, value FROM ${src}
      WHERE metric_name = 'ingot_http_requests_total' AND route = '${route}' AND status = '204'
      ORDER BY _timestamp DESC LIMIT 1`);
  assert.deepEqual({...req, value: req.value > 0}, {method: 'POST', job: 'ingot', instance: target, value: true});
  // Scraped histograms arrive as their classic series.
  const [buckets] = await query(`SELECT count(*)::INT AS n FROM ${src}
      WHERE metric_name = 'ingot_request_duration_seconds_bucket' AND le = '+Inf'`);
  assert.ok(buckets.n > 0);
});

test('SIGKILL under remote_write load: every acknowledged sample exactly once', async () => {
  const dataDir = tempDir();
  const args = ['--max-file-rows', '3000', '--max-file-age', '300ms', '--wal-segment-size', '1MiB'];
  const state = {next: 0};
  const now = Date.now();
  // Each sample's id is a label (a string column) and its value: the id, so both are checked.
  const acked = await killUnderLoad(args, dataDir, 5, (url, stopped) =>
    sendNumberedBatches(state, 3, stopped, async (first, count) => {
      const timeseries = [];
      for (let id = first; id < first + count; ++id) {
        timeseries.push({labels: labels({__name__: 'load', id: String(id), pad: 'x'.repeat(id % 50)}),
                         samples: [{value: id, timestamp: now + id}]});
      }
      const r = await remoteWrite(`${url}/api/crash/prometheus/api/v1/write`,
                                  body(WriteRequest, {timeseries}));
      return r.status === 204;
    }));
  assert.ok(acked.length > 500, `only ${acked.length} samples were acknowledged`);
  const src = `(SELECT id::BIGINT AS id, value
                FROM ${streamSource(dataDir, 'crash', 'prometheus', 'metrics')})`;
  const [wrong] = await query(`SELECT count(*)::BIGINT AS n FROM ${src} WHERE value <> id::DOUBLE`);
  assert.equal(wrong.n, 0n);
  const {missing, duplicated} = await missingAndDuplicated(src, acked, dataDir);
  assert.ok(!duplicated, 'a sample appears twice');
  assert.equal(missing, 0n, 'acknowledged samples are missing');
});
