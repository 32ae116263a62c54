// OTLP end to end: OpenTelemetry's own JavaScript SDKs and exporters (HTTP protobuf, HTTP JSON,
// gRPC; gzip on HTTP protobuf and gRPC) send logs, spans and metrics to a running ingot; once it
// has stopped, DuckDB reads the Parquet files and the test checks every mapped field
// (docs/schema-otlp.md). Also the OTLP answers: malformed data, wrong content type, gzip bodies,
// partial_success, credentials on both transports, backpressure (Retry-After / RetryInfo).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import zlib from 'node:zlib';
import { credentials as grpcCredentials } from '@grpc/grpc-js';
import { SeverityNumber } from '@opentelemetry/api-logs';
import { SpanKind, SpanStatusCode, context, trace } from '@opentelemetry/api';
import { LoggerProvider, SimpleLogRecordProcessor } from '@opentelemetry/sdk-logs';
import { BasicTracerProvider, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { AggregationType, MeterProvider, PeriodicExportingMetricReader } from '@opentelemetry/sdk-metrics';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { ingotBinary, parquetFiles, post, query, startServer, streamSource, tempDir } from './helpers.mjs';
import { exportOnce, exporterFor, fakeLogRecord, resource, transports } from './otlp_clients.mjs';

// A span context the second log record is emitted in (trace_id, span_id and flags of the row).
const logSpanContext = { traceId: '0af7651916cd43dd8448eb211c80319c', spanId: 'b7ad6b7169203331', traceFlags: 1 };

async function sendLogs(exporter, transport) {
  const provider = new LoggerProvider({ resource, processors: [new SimpleLogRecordProcessor({ exporter })] });
  const logger = provider.getLogger('e2e-logger', '1.0.0');
  const now = Date.now();
  logger.emit({
    timestamp: now,
    severityNumber: SeverityNumber.WARN,
    severityText: 'WARN',
    body: `disk almost full (${transport})`,
    attributes: { 'http.method': 'GET', 'http.status_code': 507, retry: true, ratio: 0.25, transport },
  });
  logger.emit({
    timestamp: now + 1,
    severityNumber: SeverityNumber.ERROR,
    severityText: 'ERROR',
    body: `payment declined (${transport})`,
    eventName: 'payment.declined',
    attributes: { 'user.id': 'u-42', transport },
    context: trace.setSpanContext(context.active(), logSpanContext),
  });
  logger.emit({
    timestamp: now + 2,
    severityNumber: SeverityNumber.INFO,
    body: { order: 7, items: ['book', 'pen'], paid: true },
    attributes: { transport },
  });
  await provider.forceFlush();
  await provider.shutdown();
  return now;
}

async function sendSpans(exporter, transport) {
  const provider = new BasicTracerProvider({ resource, spanProcessors: [new SimpleSpanProcessor(exporter)] });
  const tracer = provider.getTracer('e2e-tracer', '1.0.0');
  const parent = tracer.startSpan('GET /checkout', {
    kind: SpanKind.SERVER,
    attributes: { 'http.route': '/checkout', transport },
  });
  const ctx = trace.setSpan(context.active(), parent);
  const child = tracer.startSpan('charge card', {
    kind: SpanKind.CLIENT,
    attributes: { 'payment.provider': 'acme-pay', transport },
    links: [{ context: parent.spanContext(), attributes: { 'link.reason': 'retry-of' } }],
  }, ctx);
  child.addEvent('card declined', { 'decline.code': 'insufficient_funds' });
  child.setStatus({ code: SpanStatusCode.ERROR, message: 'declined' });
  child.end();
  parent.end();
  await provider.forceFlush();
  await provider.shutdown();
  return { traceId: parent.spanContext().traceId, parentId: parent.spanContext().spanId,
           childId: child.spanContext().spanId };
}

async function sendMetrics(exporter, transport) {
  const reader = new PeriodicExportingMetricReader({ exporter, exportIntervalMillis: 3_600_000 });
  const provider = new MeterProvider({
    resource,
    readers: [reader],
    views: [{ instrumentName: 'payload.size', aggregation: { type: AggregationType.EXPONENTIAL_HISTOGRAM } }],
  });
  const meter = provider.getMeter('e2e-meter', '1.0.0');
  const requests = meter.createCounter('http.requests', { description: 'requests served', unit: '1' });
  requests.add(3, { route: '/checkout', transport });
  requests.add(2, { route: '/checkout', transport });
  const latency = meter.createHistogram('http.latency', { unit: 'ms' });
  for (const v of [5, 20, 120]) latency.record(v, { route: '/checkout', transport });
  const queue = meter.createGauge('queue.depth');
  queue.record(17, { queue: 'payments', transport });
  const size = meter.createHistogram('payload.size', { unit: 'By' });
  for (const v of [100, 200, 400, 0]) size.record(v, { transport });
  // One collection and export: shutdown() alone exports what was recorded.
  await provider.shutdown();
}

async function rows(server, org, stream, type, where = '') {
  return query(`SELECT * FROM ${streamSource(server.dataDir, org, stream, type)} ${where}`);
}

test('OpenTelemetry SDK exporters: logs, spans and metrics over HTTP protobuf, HTTP JSON and gRPC', async () => {
  const server = await startServer();
  try {
    assert.ok(server.grpcAddress, server.log());
    const sent = {};
    for (const transport of Object.keys(transports)) {
      const stream = `app_${transport}`;
      // HTTP protobuf with an org in the path and gzip, JSON without either (org "default"),
      // gRPC with metadata and gRPC's gzip.
      const org = transport === 'json' ? undefined : 'acme';
      const gzip = transport !== 'json';
      sent[transport] = {
        logsAt: await sendLogs(exporterFor(server, transport, 'logs', { org, stream, gzip }), transport),
        spans: await sendSpans(exporterFor(server, transport, 'traces', { org, stream, gzip }), transport),
      };
      await sendMetrics(exporterFor(server, transport, 'metrics', { org, stream, gzip }), transport);
    }
    // Stopping writes every buffered record to Parquet.
    assert.equal(await server.stop(), 0, server.log());

    for (const transport of Object.keys(transports)) {
      const org = transport === 'json' ? 'default' : 'acme';
      const stream = `app_${transport}`;
      await checkLogs(server, org, stream, transport, sent[transport].logsAt);
      await checkSpans(server, org, stream, transport, sent[transport].spans);
      await checkMetrics(server, org, stream, transport);
    }
    assert.doesNotMatch(server.log(), /\[error\]/);
  } finally {
    await server.stop();
  }
});

// Resource and scope columns every row has (docs/schema-otlp.md, "Resource and scope").
function checkResourceAndScope(row, scope, what) {
  assert.equal(row.service_name, 'checkout', what);
  assert.equal(row.service_version, '2.4.1', what);
  assert.equal(row.deployment_environment, 'e2e', what);
  assert.equal(row.scope_name, scope, what);
  assert.equal(row.scope_version, '1.0.0', what);
}

const micros = (ns) => Number(BigInt(ns) / 1000n);

async function checkLogs(server, org, stream, transport, sentAt) {
  const logs = await rows(server, org, stream, 'logs', 'ORDER BY time_unix_nano');
  const what = `${transport} logs`;
  assert.equal(logs.length, 3, what);
  for (const r of logs) {
    checkResourceAndScope(r, 'e2e-logger', what);
    assert.equal(r.transport, transport, what);
    // _timestamp from time_unix_nano, in microseconds.
    assert.equal(r._timestamp.getTime(), micros(r.time_unix_nano) / 1000, what);
    // The SDK stamps the observed time when the record is emitted.
    assert.ok(Math.abs(Number(BigInt(r.observed_time_unix_nano) - BigInt(r.time_unix_nano))) < 60e9, what);
  }
  const [warn, error, info] = logs;
  assert.equal(BigInt(warn.time_unix_nano), BigInt(sentAt) * 1_000_000n, what);
  assert.equal(Number(warn.severity_number), 13, what);
  assert.equal(warn.severity_text, 'WARN', what);
  assert.equal(warn.body, `disk almost full (${transport})`, what);
  assert.equal(warn.http_method, 'GET', what);
  assert.equal(Number(warn.http_status_code), 507, what);  // int_value: an int64 column
  assert.equal(warn.retry, true, what);
  assert.equal(warn.ratio, 0.25, what);
  assert.equal(warn.trace_id, null, what);
  assert.equal(warn.user_id, null, what);

  assert.equal(Number(error.severity_number), 17, what);
  assert.equal(error.severity_text, 'ERROR', what);
  assert.equal(error.body, `payment declined (${transport})`, what);
  assert.equal(error.event_name, 'payment.declined', what);
  assert.equal(error.user_id, 'u-42', what);
  assert.equal(error.trace_id, logSpanContext.traceId, what);
  assert.equal(error.span_id, logSpanContext.spanId, what);
  assert.equal(Number(error.flags), 1, what);

  // A structured body is its JSON text.
  assert.equal(Number(info.severity_number), 9, what);
  assert.deepEqual(JSON.parse(info.body), { order: 7, items: ['book', 'pen'], paid: true }, what);
}

async function checkSpans(server, org, stream, transport, sent) {
  const spans = await rows(server, org, stream, 'traces', 'ORDER BY start_time_unix_nano, name');
  const what = `${transport} spans`;
  assert.equal(spans.length, 2, what);
  const parent = spans.find((s) => s.name === 'GET /checkout');
  const child = spans.find((s) => s.name === 'charge card');
  assert.ok(parent && child, what);
  for (const s of spans) {
    checkResourceAndScope(s, 'e2e-tracer', what);
    assert.equal(s.transport, transport, what);
    assert.equal(s.trace_id, sent.traceId, what);
    assert.equal(BigInt(s.duration_ns), BigInt(s.end_time_unix_nano) - BigInt(s.start_time_unix_nano), what);
    assert.equal(s._timestamp.getTime(), Math.floor(micros(s.start_time_unix_nano) / 1000), what);
    assert.equal(Number(s.flags) & 0xff, 1, what);  // sampled
  }
  assert.equal(parent.span_id, sent.parentId, what);
  assert.equal(parent.parent_span_id, null, what);
  assert.equal(parent.kind, 'server', what);
  assert.equal(parent.status_code, 'unset', what);
  assert.equal(parent.http_route, '/checkout', what);
  assert.equal(parent.events, null, what);
  assert.equal(parent.links, null, what);

  assert.equal(child.span_id, sent.childId, what);
  assert.equal(child.parent_span_id, sent.parentId, what);
  assert.equal(child.kind, 'client', what);
  assert.equal(child.status_code, 'error', what);
  assert.equal(child.status_message, 'declined', what);
  assert.equal(child.payment_provider, 'acme-pay', what);
  const events = JSON.parse(child.events);
  assert.equal(events.length, 1, what);
  assert.equal(events[0].name, 'card declined', what);
  assert.deepEqual(events[0].attributes, { 'decline.code': 'insufficient_funds' }, what);
  assert.ok(BigInt(events[0].time_unix_nano) >= BigInt(child.start_time_unix_nano), what);
  const links = JSON.parse(child.links);
  assert.equal(links.length, 1, what);
  assert.equal(links[0].trace_id, sent.traceId, what);
  assert.equal(links[0].span_id, sent.parentId, what);
  assert.deepEqual(links[0].attributes, { 'link.reason': 'retry-of' }, what);
}

async function checkMetrics(server, org, stream, transport) {
  const points = await rows(server, org, stream, 'metrics', 'ORDER BY metric_name');
  const what = `${transport} metric points`;
  const byName = Object.fromEntries(points.map((p) => [p.metric_name, p]));
  assert.deepEqual(Object.keys(byName).sort(), ['http.latency', 'http.requests', 'payload.size', 'queue.depth'], what);
  assert.equal(points.length, 4, what);
  for (const p of points) {
    checkResourceAndScope(p, 'e2e-meter', what);
    assert.equal(p.transport, transport, what);
    assert.equal(p._timestamp.getTime(), Math.floor(micros(p.time_unix_nano) / 1000), what);
    assert.ok(BigInt(p.start_time_unix_nano) <= BigInt(p.time_unix_nano), what);
  }
  const sum = byName['http.requests'];
  assert.equal(sum.metric_type, 'sum', what);
  assert.equal(sum.metric_description, 'requests served', what);
  assert.equal(sum.metric_unit, '1', what);
  assert.equal(sum.aggregation_temporality, 'cumulative', what);
  assert.equal(sum.is_monotonic, true, what);
  assert.equal(sum.value, 5, what);
  assert.equal(sum.route, '/checkout', what);

  const histogram = byName['http.latency'];
  assert.equal(histogram.metric_type, 'histogram', what);
  assert.equal(histogram.metric_unit, 'ms', what);
  assert.equal(histogram.aggregation_temporality, 'cumulative', what);
  assert.equal(Number(histogram.count), 3, what);
  assert.equal(histogram.sum, 145, what);
  assert.equal(histogram.min, 5, what);
  assert.equal(histogram.max, 120, what);
  const bounds = JSON.parse(histogram.explicit_bounds);
  const counts = JSON.parse(histogram.bucket_counts);
  assert.equal(counts.length, bounds.length + 1, what);
  // Each value lands in the bucket (bound[i-1], bound[i]].
  const expected = new Array(counts.length).fill(0);
  for (const v of [5, 20, 120]) expected[bounds.findIndex((b) => v <= b)] += 1;
  assert.deepEqual(counts, expected, what);

  const gauge = byName['queue.depth'];
  assert.equal(gauge.metric_type, 'gauge', what);
  assert.equal(gauge.aggregation_temporality, null, what);
  assert.equal(gauge.value, 17, what);
  assert.equal(gauge.queue, 'payments', what);

  const exp = byName['payload.size'];
  assert.equal(exp.metric_type, 'exponential_histogram', what);
  assert.equal(exp.metric_unit, 'By', what);
  assert.equal(Number(exp.count), 4, what);
  assert.equal(Number(exp.zero_count), 1, what);
  assert.equal(exp.sum, 700, what);
  assert.equal(exp.min, 0, what);
  assert.equal(exp.max, 400, what);
  assert.equal(typeof exp.zero_threshold, 'number', what);
  const positive = JSON.parse(exp.positive_bucket_counts);
  assert.equal(positive.reduce((a, b) => a + b, 0), 3, what);
  // Bucket i holds values in (base^(offset+i), base^(offset+i+1)], base = 2^(2^-scale).
  const base = 2 ** (2 ** -Number(exp.scale));
  const offset = Number(exp.positive_offset ?? 0);
  for (const v of [100, 200, 400]) {
    const i = positive.findIndex((n, k) => n > 0 && v > base ** (offset + k) * (1 - 1e-9) && v <= base ** (offset + k + 1) * (1 + 1e-9));
    assert.ok(i >= 0, `${what}: ${v} in a bucket`);
  }
}

// Holds `bytes` of the memory budget: an HTTP request whose Content-Length the server charges
// before reading a byte of the body, left unfinished until the returned socket is destroyed.
async function holdBudget(server, bytes) {
  const { hostname, port } = new URL(server.url);
  const socket = net.connect(Number(port), hostname);
  await new Promise((resolve) => socket.on('connect', resolve));
  socket.write(`POST /api/default/hold/_multi HTTP/1.1\r\nHost: x\r\nContent-Length: ${bytes}\r\n\r\n{`);
  // Wait until the server has charged it (a busy machine may take a while to read the head).
  for (let i = 0; i < 200; ++i) {
    const text = await (await fetch(`${server.url}/metrics`)).text();
    const m = /^ingot_memory_used_bytes (\S+)$/m.exec(text);
    if (m && Number(m[1]) >= bytes) return socket;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  socket.destroy();
  throw new Error('the server did not charge the held request to its memory budget');
}

test('OTLP answers: malformed 400 + Status, 415, gzip with partial_success, backpressure 503/UNAVAILABLE with Retry-After/RetryInfo', async () => {
  const server = await startServer(['--memory-limit', '16MiB', '--max-past', '7d']);
  try {
    // Malformed protobuf: 400 with a google.rpc.Status in protobuf (code 3, INVALID_ARGUMENT).
    let r = await post(`${server.url}/v1/logs`, Buffer.from([0x0a, 0xff, 0xff, 0xff, 0x0f, 0x01]),
                       { 'Content-Type': 'application/x-protobuf' });
    assert.equal(r.status, 400);
    assert.equal(r.headers.get('content-type'), 'application/x-protobuf');
    assert.equal(r.text.charCodeAt(0), 0x08);  // field 1 (code), varint
    assert.equal(r.text.charCodeAt(1), 3);
    // Malformed JSON: 400 with a JSON Status.
    r = await post(`${server.url}/v1/traces`, '{"resourceSpans":[', { 'Content-Type': 'application/json; charset=utf-8' });
    assert.equal(r.status, 400);
    assert.equal(r.json.code, 3);
    assert.ok(r.json.message.length > 0);
    // Unsupported Content-Type: 415.
    r = await post(`${server.url}/v1/metrics`, 'x=1', { 'Content-Type': 'application/x-www-form-urlencoded' });
    assert.equal(r.status, 415);
    assert.match(r.json.message, /Content-Type/);
    // An empty export is a success with an empty response.
    r = await post(`${server.url}/v1/logs`, '{}', { 'Content-Type': 'application/json' });
    assert.equal(r.status, 200, r.text);

    // A gzip body (Content-Encoding) with one record outside --max-past: 200 with partial_success
    // naming the rejected record; the other one is stored.
    const nowNs = `${BigInt(Date.now()) * 1_000_000n}`;
    const partial = JSON.stringify({ resourceLogs: [{ scopeLogs: [{ logRecords: [
      { timeUnixNano: '60000000000', body: { stringValue: 'from 1970' } },
      { timeUnixNano: nowNs, body: { stringValue: 'fresh' } },
    ] }] }] });
    r = await post(`${server.url}/v1/logs`, zlib.gzipSync(partial),
                   { 'Content-Type': 'application/json', 'Content-Encoding': 'gzip', 'stream-name': 'partial' });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.headers.get('content-type'), 'application/json');
    assert.equal(String(r.json.partialSuccess.rejectedLogRecords), '1', r.text);
    assert.match(r.json.partialSuccess.errorMessage, /_timestamp/, r.text);

    // Backpressure: with most of the 16 MiB budget held, a 1.5 MB export does not fit.
    const holder = await holdBudget(server, 12 << 20);
    try {
      r = await post(`${server.url}/v1/logs`, Buffer.alloc(1_500_000), { 'Content-Type': 'application/x-protobuf' });
      assert.equal(r.status, 503, r.text);
      assert.equal(r.headers.get('retry-after'), '1');
      const result = await exportOnce(
        new transports.grpc.logs({ url: `http://${server.grpcAddress}`, credentials: grpcCredentials.createInsecure() }),
        [fakeLogRecord(Buffer.alloc(1_000_000, 'a').toString())]);
      assert.notEqual(result.code, 0);
      assert.match(String(result.error), /UNAVAILABLE|memory limit/);
    } finally {
      holder.destroy();
    }
    const metrics = await (await fetch(`${server.url}/metrics`)).text();
    assert.match(metrics, /ingot_grpc_requests_total\{service="logs",code="UNAVAILABLE"\} 1/);
    assert.match(metrics, /ingot_rejected_requests_total\{reason="memory"\} 2/);
    assert.match(metrics, /ingot_ingested_records_total\{[^}]*endpoint="otlp_http_logs"[^}]*\} 1/);
    assert.equal(await server.stop(), 0, server.log());
    const stored = await rows(server, 'default', 'partial', 'logs');
    assert.deepEqual(stored.map((row) => row.body), ['fresh']);
  } finally {
    await server.stop();
  }
});

test('OTLP credentials: gRPC without or with the wrong credentials is refused, HTTP answers 401', async () => {
  const out = execFileSync(ingotBinary, ['new-token', '--name', 'otel', '--orgs', 'acme'], { encoding: 'utf8' });
  const token = /ingot_[A-Za-z0-9_-]+/.exec(out)[0];
  const block = out.slice(out.indexOf('[[token]]'));
  const file = path.join(tempDir(), 'auth.toml');
  fs.writeFileSync(file, block);
  const server = await startServer(['--auth-file', file]);
  try {
    // gRPC: UNAUTHENTICATED (16) without credentials, PERMISSION_DENIED (7) for another org.
    let result = await exportOnce(exporterFor(server, 'grpc', 'logs', { org: 'acme' }), [fakeLogRecord('x')]);
    assert.notEqual(result.code, 0);
    assert.equal(result.error.code, 16, String(result.error));
    result = await exportOnce(exporterFor(server, 'grpc', 'logs', { org: 'other', authorization: `Bearer ${token}` }),
                              [fakeLogRecord('x')]);
    assert.equal(result.error.code, 7, String(result.error));
    result = await exportOnce(exporterFor(server, 'grpc', 'logs', { org: 'acme', authorization: `Bearer ${token}` }),
                              [fakeLogRecord('stored')]);
    assert.equal(result.code, 0, String(result.error));
    // HTTP: 401 with a Status body and WWW-Authenticate; the token works.
    const r = await post(`${server.url}/api/acme/v1/logs`, '{}', { 'Content-Type': 'application/json' });
    assert.equal(r.status, 401);
    assert.equal(r.json.code, 16);
    assert.ok(r.headers.get('www-authenticate'));
    result = await exportOnce(exporterFor(server, 'proto', 'logs', { org: 'acme', authorization: `Bearer ${token}` }),
                              [fakeLogRecord('stored too')]);
    assert.equal(result.code, 0, String(result.error));
    assert.equal(await server.stop(), 0, server.log());
    const stored = await rows(server, 'acme', 'default', 'logs');
    assert.equal(stored.length, 2);
  } finally {
    await server.stop();
  }
});

test('OTLP exports acknowledged before a SIGKILL are in Parquet after the restart (WAL replay)', async () => {
  const first = await startServer();
  const { dataDir } = first;
  let result = await exportOnce(exporterFor(first, 'grpc', 'logs', { org: 'acme', stream: 'crash' }),
                                [fakeLogRecord('over grpc')]);
  assert.equal(result.code, 0, String(result.error));
  result = await exportOnce(exporterFor(first, 'proto', 'logs', { org: 'acme', stream: 'crash' }),
                            [fakeLogRecord('over http')]);
  assert.equal(result.code, 0, String(result.error));
  // Both are in the WAL only: --max-file-age (60 s) has not written a Parquet file yet.
  await first.kill();
  assert.deepEqual(parquetFiles(path.join(dataDir, 'files')), []);
  const second = await startServer([], { dataDir });
  assert.equal(await second.stop(), 0, second.log());
  const stored = await rows(second, 'acme', 'crash', 'logs', 'ORDER BY body');
  assert.deepEqual(stored.map((r) => r.body), ['over grpc', 'over http']);
  assert.equal(stored[0].service_name, 'checkout');
});

// Issue 10: ids of the wrong length make the request invalid, as in the OpenTelemetry Collector.
test('OTLP: a traceId of 36 hex digits (or 18 bytes) is 400 INVALID_ARGUMENT and stores nothing', async () => {
  const server = await startServer();
  try {
    const nowNs = `${BigInt(Date.now()) * 1_000_000n}`;
    const logs = (traceId) => JSON.stringify({ resourceLogs: [{ scopeLogs: [{ logRecords: [
      { timeUnixNano: nowNs, body: { stringValue: 'ok' } },
      { timeUnixNano: nowNs, traceId, body: { stringValue: 'bad id' } },
    ] }] }] });
    let r = await post(`${server.url}/v1/logs`, logs('0af7651916cd43dd8448eb211c80319c0000'),
                       { 'Content-Type': 'application/json', 'stream-name': 'ids' });
    assert.equal(r.status, 400, r.text);
    assert.equal(r.json.code, 3);
    assert.match(r.json.message,
      /log_records\[1\]: trace_id: invalid length for ID: 18 bytes, expected 16 \(32 hex digits\)/);
    // The same in protobuf: LogRecord.trace_id (field 9) of 18 bytes.
    const len = (field, payload) => Buffer.concat([Buffer.from([(field << 3) | 2, payload.length]), payload]);
    const record = len(9, Buffer.alloc(18, 0x11));
    r = await post(`${server.url}/v1/logs`, len(1, len(2, len(2, record))),
                   { 'Content-Type': 'application/x-protobuf', 'stream-name': 'ids' });
    assert.equal(r.status, 400);
    assert.equal(r.text.charCodeAt(1), 3, 'google.rpc.Status code INVALID_ARGUMENT');
    assert.match(r.text, /invalid length for ID/);
    // 32 hex digits are fine.
    r = await post(`${server.url}/v1/logs`, logs('0af7651916cd43dd8448eb211c80319c'),
                   { 'Content-Type': 'application/json', 'stream-name': 'ids' });
    assert.equal(r.status, 200, r.text);
  } finally {
    assert.equal(await server.stop(), 0);
  }
  const rows = await query(`SELECT body, trace_id FROM ${streamSource(server.dataDir, 'default', 'ids')} ORDER BY body`);
  assert.deepEqual(rows, [{ body: 'bad id', trace_id: '0af7651916cd43dd8448eb211c80319c' },
                          { body: 'ok', trace_id: null }]);
});
