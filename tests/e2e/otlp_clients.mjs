// OpenTelemetry's own exporters pointed at a running ingot, for the e2e tests: the three
// transports (HTTP protobuf, HTTP JSON, gRPC) of each signal, with org, stream and credentials.
import { Metadata, credentials as grpcCredentials } from '@grpc/grpc-js';
import { SeverityNumber } from '@opentelemetry/api-logs';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { AggregationTemporality } from '@opentelemetry/sdk-metrics';
import { OTLPLogExporter as LogsProto } from '@opentelemetry/exporter-logs-otlp-proto';
import { OTLPLogExporter as LogsJson } from '@opentelemetry/exporter-logs-otlp-http';
import { OTLPLogExporter as LogsGrpc } from '@opentelemetry/exporter-logs-otlp-grpc';
import { OTLPTraceExporter as TraceProto } from '@opentelemetry/exporter-trace-otlp-proto';
import { OTLPTraceExporter as TraceJson } from '@opentelemetry/exporter-trace-otlp-http';
import { OTLPTraceExporter as TraceGrpc } from '@opentelemetry/exporter-trace-otlp-grpc';
import { OTLPMetricExporter as MetricsProto } from '@opentelemetry/exporter-metrics-otlp-proto';
import { OTLPMetricExporter as MetricsJson } from '@opentelemetry/exporter-metrics-otlp-http';
import { OTLPMetricExporter as MetricsGrpc } from '@opentelemetry/exporter-metrics-otlp-grpc';

// The three ways an SDK exports; each builds the exporter of a signal pointed at `server`, with
// the `stream-name` and `organization` headers (metadata on gRPC).
export const transports = {
  proto: { logs: LogsProto, traces: TraceProto, metrics: MetricsProto },
  json: { logs: LogsJson, traces: TraceJson, metrics: MetricsJson },
  grpc: { logs: LogsGrpc, traces: TraceGrpc, metrics: MetricsGrpc },
};
export const paths = { logs: 'v1/logs', traces: 'v1/traces', metrics: 'v1/metrics' };

export function exporterFor(server, transport, signal, { org, stream, authorization, gzip } = {}) {
  const Exporter = transports[transport][signal];
  const compression = gzip ? 'gzip' : 'none';
  if (transport === 'grpc') {
    const metadata = new Metadata();
    if (org) metadata.set('organization', org);
    if (stream) metadata.set('stream-name', stream);
    if (authorization) metadata.set('authorization', authorization);
    return new Exporter({
      url: `http://${server.grpcAddress}`,
      credentials: grpcCredentials.createInsecure(),
      metadata,
      compression,
      ...(signal === 'metrics' ? { temporalityPreference: AggregationTemporality.CUMULATIVE } : {}),
    });
  }
  const headers = {};
  if (stream) headers['stream-name'] = stream;
  if (authorization) headers.Authorization = authorization;
  // The org is in the path (/api/{org}/v1/...); without one, org "default" (/v1/...).
  const url = org ? `${server.url}/api/${org}/${paths[signal]}` : `${server.url}/${paths[signal]}`;
  return new Exporter({ url, headers, compression });
}

// Calls exporter.export directly, resolving with the ExportResult ({code, error}).
export function exportOnce(exporter, items) {
  return new Promise((resolve) => exporter.export(items, resolve));
}

export const resource = resourceFromAttributes({
  'service.name': 'checkout',
  'service.version': '2.4.1',
  'deployment.environment': 'e2e',
});

// A log record as the SDK hands it to exporters, for calling export() without a provider.
export function fakeLogRecord(body) {
  return {
    hrTime: [Math.floor(Date.now() / 1000), 0],
    hrTimeObserved: [Math.floor(Date.now() / 1000), 0],
    severityNumber: SeverityNumber.INFO,
    severityText: 'INFO',
    body,
    attributes: {},
    droppedAttributesCount: 0,
    resource,
    instrumentationScope: { name: 'e2e' },
    spanContext: undefined,
  };
}
