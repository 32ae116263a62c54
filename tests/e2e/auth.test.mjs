// Credentials: Basic (user + password, or a token as the password), Bearer tokens, Splunk tokens
// on HEC paths, each scoped to orgs: 401 without valid credentials, 403 for another org. And the
// refusal to run open on a non-loopback address.
import assert from 'node:assert/strict';
import {execFileSync, spawnSync} from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import {test} from 'node:test';

import {ingotBinary, post, query, startServer, streamSource, tempDir} from './helpers.mjs';

function credentials(dir) {
  const user = execFileSync(ingotBinary, ['hash-password', '--email', 'alice@example.com',
                                          '--orgs', 'acme,default'],
                            {input: 'correct horse battery\n', encoding: 'utf8'});
  const tokenOut = execFileSync(ingotBinary, ['new-token', '--name', 'shipper', '--orgs', 'acme'],
                                {encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore']});
  const token = /^# token: (\S+)$/m.exec(tokenOut)[1];
  const hecTokenOut = execFileSync(ingotBinary, ['new-token', '--name', 'splunk', '--orgs', 'default'],
                                   {encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore']});
  const hecToken = /^# token: (\S+)$/m.exec(hecTokenOut)[1];
  const file = path.join(dir, 'auth.toml');
  fs.writeFileSync(file, [user, tokenOut, hecTokenOut].join('\n'));
  return {file, token, hecToken};
}

const basic = (user, password) => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

test('credentials are required, checked, and scoped to orgs', async () => {
  const dir = tempDir();
  const {file, token, hecToken} = credentials(dir);
  const server = await startServer(['--auth-file', file]);
  const body = '{"a":1}';
  try {
    const cases = [
      [{}, 'acme', 401],
      [{Authorization: `Bearer ${token}`}, 'acme', 200],
      [{Authorization: `Bearer ${token}`}, 'other', 403],
      [{Authorization: 'Bearer ingot_not_a_real_token_at_all_000000000000000'}, 'acme', 401],
      [{Authorization: basic('alice@example.com', 'correct horse battery')}, 'acme', 200],
      [{Authorization: basic('alice@example.com', 'correct horse battery')}, 'default', 200],
      [{Authorization: basic('alice@example.com', 'wrong')}, 'acme', 401],
      [{Authorization: basic('anyone', token)}, 'acme', 200],  // a token as the Basic password
      [{Authorization: `Splunk ${hecToken}`}, 'default', 401],  // Splunk scheme: HEC paths only
      [{Authorization: 'Basic !!!'}, 'acme', 401],
    ];
    for (const [headers, org, want] of cases) {
      const r = await post(`${server.url}/api/${org}/s/_json`, body, headers);
      assert.equal(r.status, want, `${JSON.stringify(headers)} on ${org}: ${r.text}`);
      if (want === 401) assert.equal(r.headers.get('www-authenticate'), 'Basic realm="ingot"');
      if (want >= 400) assert.equal(r.json.code, want);
    }
    // HEC: Splunk's scheme and Splunk's error shape.
    let r = await post(`${server.url}/services/collector/event`, '{"event":"x"}',
                       {Authorization: `Splunk ${hecToken}`});
    assert.equal(r.status, 200, r.text);
    r = await post(`${server.url}/services/collector/event`, '{"event":"x"}');
    assert.equal(r.status, 401);
    assert.deepEqual(r.json, {text: 'Token is required', code: 2});
    r = await post(`${server.url}/services/collector/event`, '{"event":"x"}',
                   {Authorization: `Splunk ${token}`});  // valid token, not for org "default"
    assert.equal(r.status, 403);
    // The Elasticsearch probe needs credentials too; health and metrics do not.
    assert.equal((await fetch(`${server.url}/api/acme/`)).status, 401);
    assert.equal((await fetch(`${server.url}/api/acme/`, {headers: {Authorization: `Bearer ${token}`}})).status, 200);
    assert.equal((await fetch(`${server.url}/healthz`)).status, 200);
    const metrics = await (await fetch(`${server.url}/metrics`)).text();
    assert.match(metrics, /ingot_rejected_requests_total\{reason="auth"\} [1-9]/);
  } finally {
    assert.equal(await server.stop(), 0, server.log());
  }
  const rows = await query(`SELECT count(*)::INT AS n FROM ${streamSource(server.dataDir, 'acme', 's')}`);
  assert.equal(rows[0].n, 3);
});

test('refuses to start open on a non-loopback address, unless told to', async () => {
  const dir = tempDir();
  const refused = spawnSync(ingotBinary, ['serve', '--data-dir', dir, '--http-addr', '0.0.0.0:0'],
                            {encoding: 'utf8', timeout: 20000});
  assert.notEqual(refused.status, 0);
  assert.match(refused.stderr, /--no-auth/);
  const server = await startServer(['--http-addr', '0.0.0.0:0', '--no-auth']);
  assert.equal(await server.stop(), 0);
  const {file} = credentials(dir);
  const withAuth = await startServer(['--http-addr', '0.0.0.0:0', '--auth-file', file]);
  assert.equal(await withAuth.stop(), 0);
});
