// Prometheus remote_write bodies as Prometheus sends them: protobuf encoded with protobufjs from
// ingot's own .proto (src/protocols/prometheus/proto/remote_write.proto), snappy-compressed.
import fs from 'node:fs';
import path from 'node:path';

import protobuf from 'protobufjs';
import snappy from 'snappyjs';

import {post, repoRoot} from './helpers.mjs';

const root = protobuf.parse(fs.readFileSync(
    path.join(repoRoot, 'src/protocols/prometheus/proto/remote_write.proto'), 'utf8')).root;
export const WriteRequest = root.lookupType('ingot.promrw.WriteRequest');
export const RequestV2 = root.lookupType('ingot.promrw.RequestV2');

export const V1_TYPE = 'application/x-protobuf';
export const V2_TYPE = 'application/x-protobuf;proto=io.prometheus.write.v2.Request';

// A snappy block of `message` encoded as `type` (WriteRequest or RequestV2).
export function remoteWriteBody(type, message) {
  const bytes = type.encode(type.fromObject(message)).finish();
  return Buffer.from(snappy.compress(bytes));
}

// {name: value} as 1.0 labels.
export const labels = (obj) => Object.entries(obj).map(([name, value]) => ({name, value}));

// POSTs a remote_write body with the headers Prometheus sends.
export function remoteWrite(url, payload, contentType = V1_TYPE, headers = {}) {
  return post(url, payload, {
    'Content-Type': contentType,
    'Content-Encoding': 'snappy',
    'X-Prometheus-Remote-Write-Version': contentType === V2_TYPE ? '2.0.0' : '0.1.0',
    ...headers,
  });
}
