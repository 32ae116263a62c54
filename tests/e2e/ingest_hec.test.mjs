// Splunk HEC, as a Splunk HEC client sends it (Authorization: Splunk <token>, concatenated events),
// on ingot's path and on Splunk's own paths.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, post, query, streamSource } from './helpers.mjs';

test('HEC events of both shapes, on every HEC path', async () => {
  const server = await startServer(['--hec-default-stream', 'hec']);
  const auth = { Authorization: 'Splunk 00000000-0000-0000-0000-000000000000' };
  try {
    const events =
      JSON.stringify({ time: 1715000000.125, host: 'h1', source: 'app', sourcetype: '_json',
        event: 'plain text event', fields: { env: 'prod' } }) +
      JSON.stringify({ time: 1715000001, index: 'Web', event: { msg: 'structured', code: 200 } });
    let r = await post(`${server.url}/services/collector/event`, events, auth);
    assert.equal(r.status, 200, r.text);
    assert.deepEqual(r.json, { text: 'Success', code: 0 });
    r = await post(`${server.url}/services/collector`, JSON.stringify({ event: 'second path' }), auth);
    assert.deepEqual(r.json, { text: 'Success', code: 0 });
    r = await post(`${server.url}/api/acme/_hec`, JSON.stringify({ event: { k: 'v' }, index: 'web' }), auth);
    assert.deepEqual(r.json, { text: 'Success', code: 0 });

    r = await post(`${server.url}/services/collector/event`, '{"event":"ok"}{"host":"no event"}', auth);
    assert.equal(r.status, 400);
    assert.deepEqual(r.json, { text: 'Event field is required', code: 12, 'invalid-event-number': 1 });
    r = await post(`${server.url}/services/collector/event`, '{"event":', auth);
    assert.equal(r.status, 400);
    assert.equal(r.json.code, 6);
  } finally {
    assert.equal(await server.stop(), 0);
  }
  const plain = await query(`SELECT log, host, source, sourcetype, env, epoch_us(_timestamp) AS ts
    FROM ${streamSource(server.dataDir, 'default', 'hec')} ORDER BY ts`);
  assert.equal(plain.length, 2);
  assert.deepEqual(plain[0], { log: 'plain text event', host: 'h1', source: 'app', sourcetype: '_json',
    env: 'prod', ts: 1715000000125000n });
  assert.equal(plain[1].log, 'second path');
  const web = await query(`SELECT msg, code::INT AS code, epoch_us(_timestamp) AS ts
    FROM ${streamSource(server.dataDir, 'default', 'web')}`);
  assert.deepEqual(web, [{ msg: 'structured', code: 200, ts: 1715000001000000n }]);
  const acme = await query(`SELECT k FROM ${streamSource(server.dataDir, 'acme', 'web')}`);
  assert.deepEqual(acme, [{ k: 'v' }]);
});

// Issue 10: an index that cannot be a stream refuses the request (Splunk's "Incorrect index"),
// time wins over an event's own @timestamp (kept in _extra), a date field is stored as date_.
test('HEC: an index over 128 bytes is code 7 and stores nothing; time wins over @timestamp', async () => {
  const server = await startServer(['--hec-default-stream', 'hec']);
  const auth = { Authorization: 'Splunk 00000000-0000-0000-0000-000000000000' };
  try {
    let r = await post(`${server.url}/services/collector/event`,
      JSON.stringify({ event: 'first, not stored either' }) +
      JSON.stringify({ event: 'x', index: 'i'.repeat(300) }), auth);
    assert.equal(r.status, 400, r.text);
    assert.equal(r.json.code, 7);
    assert.equal(r.json['invalid-event-number'], 1);
    assert.match(r.json.text, /^Incorrect index: event 1: index name "i+\.\.\." is 300 bytes, over the limit of 128$/);

    r = await post(`${server.url}/services/collector/event`,
      JSON.stringify({ event: { '@timestamp': '2020-01-01T00:00:00Z', date: 'mine', m: 1 }, time: 1715000000 }), auth);
    assert.deepEqual(r.json, { text: 'Success', code: 0 });
  } finally {
    assert.equal(await server.stop(), 0);
  }
  const rows = await query(`SELECT m::INT AS m, date_, _extra, epoch_us(_timestamp) AS ts
    FROM ${streamSource(server.dataDir, 'default', 'hec')}`);
  assert.deepEqual(rows, [{ m: 1, date_: 'mine', _extra: '{"_timestamp":"2020-01-01T00:00:00Z"}', ts: 1715000000000000n }]);
});
