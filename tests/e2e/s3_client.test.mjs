// The S3 client of objstore/ through its test tool (build/test_objstore_tool):
// 1. its SigV4 Authorization headers equal those of npm's signer (@smithy/signature-v4, the one
//    the AWS SDK for JavaScript uses) for a few dozen requests, since s3rver checks no signature;
// 2. against s3rver: the start-up check (ok, a missing bucket, a refused key, an outage), put,
//    putfile (multipart with small parts), list over many pages, get, delete; what it uploads is
//    read back with @aws-sdk/client-s3, byte for byte.
// s3rver does not check Content-MD5 either: a refused checksum (BadDigest) and the retries on 5xx /
// SlowDown are tested in src/objstore/s3_object_store_test.cc against a scripted server.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { SignatureV4 } from '@smithy/signature-v4';
import { Sha256 } from '@aws-crypto/sha256-js';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { buildDir, tempDir } from './helpers.mjs';
import { startS3Server } from './s3_server.mjs';

const tool = path.join(buildDir, 'test_objstore_tool');

// Runs the tool without blocking the event loop (s3rver runs in this process).
function run(args, { env = process.env, input } = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(tool, args, { env });
    const out = [];
    let stderr = '';
    child.stdout.on('data', (d) => out.push(d));
    child.stderr.on('data', (d) => { stderr += d; });
    child.on('error', reject);
    child.on('close', (status) => resolve({ status, stdout: Buffer.concat(out), stderr }));
    child.stdin.end(input ?? '');
  });
}

// RFC 3986 encoding of one path segment, as S3 wants it (and as the tool does it itself).
const encodeSegment = (s) =>
  encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

function sha256Hex(s) {
  return crypto.createHash('sha256').update(s).digest('hex');
}

// A few dozen requests: methods, keys with spaces, unicode, '+', '=', '%' and other reserved
// characters, query strings, session tokens, payload hashes, extra signed headers, regions.
function requests() {
  const keys = ['/bucket/plain.parquet', '/bucket/a b/c d.txt', '/bucket/o/logs/s/date=2026-01-02/hour=03/x.parquet',
    '/bucket/ünïcödé/日本語.txt', '/bucket/plus+sign', '/bucket/equals=sign&amp', '/bucket/pct%20already',
    "/bucket/quote'bang!star*(paren)", '/bucket/tilde~dash-under_dot.', '/bucket/sp  two', '/',
    '/bucket', '/bucket/trailing/'];
  const queries = [{}, { 'list-type': '2', prefix: 'o/logs/', 'max-keys': '1000' },
    { 'list-type': '2', 'continuation-token': '1/abc+def==', prefix: 'a b' }, { uploads: '' },
    { partNumber: '3', uploadId: 'VXBsb2FkIElE+/=' }, { delete: '' }, { prefix: 'ü=+&' }];
  const methods = ['GET', 'PUT', 'POST', 'DELETE', 'HEAD'];
  const hashes = [sha256Hex(''), 'UNSIGNED-PAYLOAD', sha256Hex('Welcome to Amazon S3.')];
  const out = [];
  for (let i = 0; i < 40; ++i) {
    const headers = {};
    if (i % 3 === 0) headers['content-md5'] = crypto.createHash('md5').update(`b${i}`).digest('base64');
    if (i % 4 === 1) headers.range = 'bytes=0-9';
    if (i % 5 === 2) headers['content-type'] = 'application/xml';
    if (i % 7 === 3) headers['x-amz-meta-note'] = '  spaced   value ';
    out.push({
      method: methods[i % methods.length],
      host: i % 2 ? '127.0.0.1:9000' : 'examplebucket.s3.eu-west-1.amazonaws.com',
      path: keys[i % keys.length],
      query: queries[i % queries.length],
      headers,
      payload_hash: hashes[i % hashes.length],
      access_key_id: i % 2 ? 'AKIAIOSFODNN7EXAMPLE' : 'S3RVER',
      secret_access_key: i % 2 ? 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' : 'S3RVER',
      session_token: i % 3 === 1 ? `FQoGZXIvYXdzE+token/${i}=` : '',
      region: i % 4 === 0 ? 'us-east-1' : 'eu-west-1',
      amz_date: `202601${String(1 + (i % 28)).padStart(2, '0')}T${String(i % 24).padStart(2, '0')}3000Z`,
    });
  }
  return out;
}

async function npmAuthorization(r) {
  const signer = new SignatureV4({
    credentials: { accessKeyId: r.access_key_id, secretAccessKey: r.secret_access_key,
                   ...(r.session_token ? { sessionToken: r.session_token } : {}) },
    region: r.region,
    service: 's3',
    sha256: Sha256,
    uriEscapePath: false,  // S3: the path is encoded once, by the caller
  });
  const [hostname, port] = r.host.split(':');
  const encodedPath = r.path.split('/').map(encodeSegment).join('/');
  const d = r.amz_date;
  const signingDate = new Date(Date.UTC(+d.slice(0, 4), +d.slice(4, 6) - 1, +d.slice(6, 8),
                                        +d.slice(9, 11), +d.slice(11, 13), +d.slice(13, 15)));
  const signed = await signer.sign({
    method: r.method, protocol: 'https:', hostname, port: port ? Number(port) : undefined,
    path: encodedPath, query: r.query,
    headers: { host: r.host, 'x-amz-content-sha256': r.payload_hash, ...r.headers },
  }, { signingDate });
  return signed.headers.authorization;
}

test('SigV4: the tool signs like npm\'s @smithy/signature-v4', async () => {
  const reqs = requests();
  const input = JSON.stringify(reqs.map((r) => ({ ...r, query: Object.entries(r.query),
                                                  headers: Object.entries(r.headers) })));
  const { status, stdout, stderr } = await run(['sign'], { input });
  assert.equal(status, 0, stderr);
  const ours = stdout.toString().trim().split('\n');
  assert.equal(ours.length, reqs.length);
  for (let i = 0; i < reqs.length; ++i) {
    assert.equal(ours[i], await npmAuthorization(reqs[i]), `request ${i}: ${JSON.stringify(reqs[i])}`);
  }
  // The comparison can fail: another secret gives another signature.
  const other = { ...reqs[0], secret_access_key: 'other' };
  assert.notEqual(ours[0], await npmAuthorization(other));
});

test('S3 client against s3rver', async (t) => {
  const s3 = await startS3Server();
  t.after(() => s3.stop({ remove: true }));
  const env = { ...process.env, ...s3.env };
  const url = `s3://${s3.bucket}/ingot/node-1`;
  const work = tempDir();
  t.after(() => fs.rmSync(work, { recursive: true, force: true }));

  await t.test('check: ok, missing bucket, refused key', async () => {
    let r = await run([url, 'check'], { env });
    assert.equal(r.status, 0, r.stderr);
    r = await run([`s3://no-such-bucket/x`, 'check'], { env });
    assert.equal(r.status, 2, r.stderr);
    assert.match(r.stderr, /bucket no-such-bucket does not exist/);
    assert.match(r.stderr, /NoSuchBucket/);
    r = await run([url, 'check'], { env: { ...env, AWS_ACCESS_KEY_ID: 'WRONG' } });
    assert.equal(r.status, 3, r.stderr);
    assert.match(r.stderr, /InvalidAccessKeyId/);
    r = await run([url, 'check'], { env: { ...env, AWS_SECRET_ACCESS_KEY: '' } });
    assert.equal(r.status, 3, r.stderr);
    assert.match(r.stderr, /AWS_SECRET_ACCESS_KEY/);
  });

  const keys = ['o/logs/s/date=2026-01-02/hour=03/a b+c=d.parquet', 'o/logs/s/ünï 日本.parquet',
                "o/logs/s/q'!*()~.parquet", 'o/logs/s/amp&lt;.parquet'];

  await t.test('put: read back byte for byte with the AWS SDK', async () => {
    for (const [i, key] of keys.entries()) {
      const body = crypto.randomBytes(1000 + i * 17);
      const r = await run([url, 'put', key], { env, input: body });
      assert.equal(r.status, 0, r.stderr);
      assert.deepEqual(await s3.getObject(`ingot/node-1/${key}`), body, key);
      const got = await run([url, 'get', key], { env });
      assert.equal(got.status, 0, got.stderr);
      assert.deepEqual(got.stdout, body);
    }
    const empty = await run([url, 'put', 'o/empty'], { env, input: '' });
    assert.equal(empty.status, 0, empty.stderr);
    assert.equal((await s3.getObject('ingot/node-1/o/empty')).length, 0);
    const missing = await run([url, 'get', 'o/none'], { env });
    assert.equal(missing.status, 2, missing.stderr);
    assert.match(missing.stderr, /NoSuchKey/);
  });

  await t.test('putfile: one PUT below the threshold, multipart above', async () => {
    const small = path.join(work, 'small.parquet');
    fs.writeFileSync(small, crypto.randomBytes(70000));
    const big = path.join(work, 'big.parquet');
    fs.writeFileSync(big, crypto.randomBytes(1000003));
    const flags = ['--multipart-threshold', '100000', '--part-size', '131072', '--part-threads', '3'];
    let r = await run([...flags, url, 'putfile', 'o/small.parquet', small], { env });
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stderr, /requests=1 /);
    r = await run([...flags, url, 'putfile', 'o/big.parquet', big], { env });
    assert.equal(r.status, 0, r.stderr);
    // create + 8 parts + complete
    assert.match(r.stderr, /requests=10 /);
    assert.deepEqual(await s3.getObject('ingot/node-1/o/small.parquet'), fs.readFileSync(small));
    assert.deepEqual(await s3.getObject('ingot/node-1/o/big.parquet'), fs.readFileSync(big));
    r = await run([url, 'putfile', 'o/x', path.join(work, 'missing')], { env });
    assert.equal(r.status, 5, r.stderr);
  });

  await t.test('list: every page, keys relative to the prefix', async () => {
    for (let i = 0; i < 25; ++i) {
      const r = await run([url, 'put', `p/k${String(i).padStart(2, '0')}`], { env, input: `v${i}` });
      assert.equal(r.status, 0, r.stderr);
    }
    const r = await run(['--page-size', '7', url, 'list', 'p/'], { env });
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stderr, /requests=4 /);  // 7 + 7 + 7 + 4
    const listed = r.stdout.toString().trim().split('\n').map((l) => l.split('\t'));
    const expected = (await s3.listKeys('ingot/node-1/p/')).map((k) => k.slice('ingot/node-1/'.length));
    assert.equal(expected.length, 25);
    assert.deepEqual(listed.map(([k]) => k), expected);
    assert.deepEqual(listed.slice(0, 2).map(([, size]) => size), ['2', '2']);
    const all = await run([url, 'list'], { env });
    assert.equal(all.stdout.toString().trim().split('\n').length, 25 + keys.length + 3);
  });

  await t.test('delete: many keys at once, missing keys are no error', async () => {
    const listed = (await run([url, 'list'], { env })).stdout.toString().trim().split('\n')
      .map((l) => l.split('\t')[0]);
    const r = await run([url, 'delete', ...listed, 'o/never-existed'], { env });
    assert.equal(r.status, 0, r.stderr);
    assert.deepEqual(await s3.listKeys('ingot/'), []);
  });

  await t.test('an outage is kUnavailable, and heals', async () => {
    await s3.stop();
    let r = await run(['--attempts', '2', '--backoff-ms', '10', url, 'check'], { env });
    assert.equal(r.status, 4, r.stderr);
    assert.match(r.stderr, /retries=1 /);
    await s3.restart();
    r = await run([url, 'check'], { env });
    assert.equal(r.status, 0, r.stderr);
  });
});
