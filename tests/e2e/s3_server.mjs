// A local S3 server for end-to-end tests: npm's s3rver on 127.0.0.1, on a free port, storing in a
// fresh temporary directory, with one bucket. Shared by every test that needs object storage.
//
//   const s3 = await startS3Server();          // or startS3Server({ bucket: 'other' })
//   spawn(ingot, [..., '--object-store', `s3://${s3.bucket}/prefix`], { env: { ...process.env, ...s3.env } })
//   await s3.listKeys('prefix/');              // every key under a prefix, all pages, in key order
//   await s3.getObject('prefix/a.parquet');    // the object's bytes (a Buffer)
//   await s3.stop();                           // an outage: the port refuses connections ...
//   await s3.restart();                        // ... until it comes back, same port and directory
//   await s3.stop({ remove: true });           // at the end: also removes the directory
//
// s3rver accepts one credential, S3RVER / S3RVER (a request with another access key is refused
// with InvalidAccessKeyId); it checks no Signature Version 4 signature and no Content-MD5, so the
// signer is checked against npm's signer instead (s3_client.test.mjs).
//
// s3rver runs in a child process (this file, run with --serve): a test may then block its own
// event loop (execFileSync of ingot) without stalling the server, stop() is a real outage
// (connections refused at once), and the child gets Node's --openssl-legacy-provider, without
// which s3rver's continuation tokens (DES) fail with InternalError on OpenSSL 3, i.e. any listing
// of more keys than one page holds.
import { S3Client, ListObjectsV2Command, GetObjectCommand } from '@aws-sdk/client-s3';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const self = fileURLToPath(import.meta.url);

// A TCP port that nothing listens on now (the kernel's choice, released at once).
async function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

export const S3RVER_ACCESS_KEY = 'S3RVER';
export const S3RVER_SECRET_KEY = 'S3RVER';

export async function startS3Server({ bucket = 'ingot-test', region = 'us-east-1' } = {}) {
  const directory = fs.mkdtempSync(path.join(os.tmpdir(), 'ingot-s3-'));
  const port = await freePort();
  const endpoint = `http://127.0.0.1:${port}`;
  let server = null;

  async function start() {
    const child = spawn(process.execPath,
                        ['--openssl-legacy-provider', self, '--serve', String(port), directory, bucket],
                        { stdio: ['ignore', 'pipe', 'pipe'] });
    let log = '';
    await new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`s3rver did not start:\n${log}`)), 15000);
      child.stdout.on('data', (d) => {
        log += d;
        if (log.includes('s3rver listening')) {
          clearTimeout(timer);
          resolve();
        }
      });
      child.stderr.on('data', (d) => { log += d; });
      child.on('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`s3rver exited with ${code}:\n${log}`));
      });
    });
    server = child;
  }
  await start();

  const client = new S3Client({
    endpoint,
    region,
    forcePathStyle: true,
    credentials: { accessKeyId: S3RVER_ACCESS_KEY, secretAccessKey: S3RVER_SECRET_KEY },
    // An outage must show as an error, not as minutes of the SDK's own retries.
    maxAttempts: 1,
  });

  return {
    endpoint,
    bucket,
    region,
    directory,
    port,
    // The variables ingot (and any AWS tool) reads, pointing at this server.
    env: {
      AWS_ACCESS_KEY_ID: S3RVER_ACCESS_KEY,
      AWS_SECRET_ACCESS_KEY: S3RVER_SECRET_KEY,
      AWS_REGION: region,
      AWS_ENDPOINT_URL_S3: endpoint,
    },
    client,
    async listKeys(prefix = '') {
      const keys = [];
      let token;
      do {
        const page = await client.send(new ListObjectsV2Command({
          Bucket: bucket, Prefix: prefix, ContinuationToken: token,
        }));
        for (const o of page.Contents ?? []) keys.push(o.Key);
        token = page.IsTruncated ? page.NextContinuationToken : undefined;
      } while (token);
      return keys.sort();
    },
    async getObject(key) {
      const out = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
      return Buffer.from(await out.Body.transformToByteArray());
    },
    // Stops listening (connections are refused from now on). `remove`: also delete the directory.
    async stop({ remove = false } = {}) {
      if (server) {
        const child = server;
        server = null;
        if (child.exitCode === null && child.signalCode === null) {
          await new Promise((resolve) => {
            child.once('exit', resolve);
            child.kill('SIGTERM');
          });
        }
      }
      if (remove) {
        client.destroy();
        fs.rmSync(directory, { recursive: true, force: true });
      }
    },
    // Listens again on the same port with the same objects (after stop()).
    async restart() {
      if (server) await this.stop();
      await start();
    },
    running() {
      return server !== null;
    },
  };
}

// The child: `node --openssl-legacy-provider s3_server.mjs --serve <port> <directory> <bucket>`.
if (process.argv[1] === self && process.argv[2] === '--serve') {
  const [port, directory, bucket] = process.argv.slice(3);
  const { default: S3rver } = await import('s3rver');
  const server = new S3rver({
    address: '127.0.0.1',
    port: Number(port),
    directory,
    silent: true,
    configureBuckets: [{ name: bucket }],
  });
  await server.run();
  process.stdout.write('s3rver listening\n');
}
