// The shape of /metrics: every HELP and TYPE line and every series (name and labels, without its
// value), in order, after one request on several ingestion endpoints, a refusal and an OTLP/gRPC
// call, must equal metrics_shape.golden. The golden file was first written by the server before
// /metrics was split into sections (one per stage); any change of a metric's name, help text,
// type, labels or place shows up here. INGOT_UPDATE_GOLDEN=1 rewrites it (only when a change is meant).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { credentials as grpcCredentials } from '@grpc/grpc-js';
import { post, startServer } from './helpers.mjs';
import { exportOnce, fakeLogRecord, transports } from './otlp_clients.mjs';

const golden = path.join(path.dirname(fileURLToPath(import.meta.url)), 'metrics_shape.golden');

// Each line without its value: comments whole, samples up to the last space. The /metrics route's
// own request counts are left out: they depend on how many times the test had to read /metrics.
const metricsRequests = 'ingot_http_requests_total{method="GET",route="/metrics",';
function shape(text) {
  return text
    .split('\n')
    .filter((line) => line.length > 0 && !line.startsWith(metricsRequests))
    .map((line) => (line.startsWith('#') ? line : line.slice(0, line.lastIndexOf(' '))))
    .join('\n') + '\n';
}

test('/metrics keeps its names, help texts, types, series and order', async () => {
  const server = await startServer(['--max-past', '7d']);
  try {
    const ts = Date.now() * 1000;
    let r = await post(`${server.url}/api/default/app/_json`, JSON.stringify([{ a: 1, _timestamp: ts }]));
    assert.equal(r.status, 200, r.text);
    r = await post(`${server.url}/api/default/app/_multi`, `{"a":1,"_timestamp":${ts}}\n{"a":2,"_timestamp":1}\n`);
    assert.equal(r.status, 200, r.text);
    r = await post(`${server.url}/api/default/_bulk`, `{"index":{"_index":"bulk"}}\n{"a":1,"_timestamp":${ts}}\n`);
    assert.equal(r.status, 200, r.text);
    r = await post(`${server.url}/services/collector`, JSON.stringify({ event: 'e', index: 'hec', time: Date.now() / 1000 }));
    assert.equal(r.status, 200, r.text);
    r = await post(`${server.url}/v1/logs`, JSON.stringify({ resourceLogs: [{ scopeLogs: [{ logRecords: [
      { timeUnixNano: `${BigInt(Date.now()) * 1_000_000n}`, body: { stringValue: 'x' } }] }] }] }),
    { 'Content-Type': 'application/json' });
    assert.equal(r.status, 200, r.text);
    r = await post(`${server.url}/write?db=default`, `cpu v=1i ${BigInt(Date.now()) * 1_000_000n}\n`);
    assert.equal(r.status, 204, r.text);
    r = await post(`${server.url}/loki/api/v1/push`, JSON.stringify({ streams: [{ stream: { job: 'x' },
      values: [[`${BigInt(Date.now()) * 1_000_000n}`, 'line']] }] }),
    { 'Content-Type': 'application/json', 'stream-name': 'loki' });
    assert.equal(r.status, 204, r.text);
    r = await post(`${server.url}/api/default/app/_multi`, '{"a":');
    assert.equal(r.status, 400, r.text);
    r = await post(`${server.url}/v1/traces`, 'x', { 'Content-Type': 'text/plain' });
    assert.equal(r.status, 415, r.text);
    const result = await exportOnce(
      new transports.grpc.logs({ url: `http://${server.grpcAddress}`, credentials: grpcCredentials.createInsecure() }),
      [fakeLogRecord('grpc')]);
    assert.equal(result.code, 0, String(result.error));
    // The gRPC call's series are counted once its answer has gone out: wait for them rather than
    // race them.
    // (Not the endpoint label alone: the latency histogram has a series for every endpoint.)
    const grpcSeries = 'ingot_ingested_records_total{org="default",stream="default",endpoint="otlp_grpc_logs"}';
    let text = '';
    for (let i = 0; i < 100; ++i) {
      text = await (await fetch(`${server.url}/metrics`)).text();
      if (text.includes(grpcSeries)) break;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const got = shape(text);
    if (process.env.INGOT_UPDATE_GOLDEN) fs.writeFileSync(golden, got);
    assert.equal(got, fs.readFileSync(golden, 'utf8'));
  } finally {
    await server.stop();
  }
});
