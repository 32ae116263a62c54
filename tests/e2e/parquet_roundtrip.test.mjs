// The Parquet writer, checked by the reference reader: parquet_fixture_writer (src/parquet) writes
// fixture files, and DuckDB must read back every value and report the schema, codecs, encodings,
// row groups and statistics the writer claims.
//
//   cd tests/e2e && node --test parquet_roundtrip.test.mjs     (INGOT_BUILD_DIR: the build dir)
//
// Expectations are computed here, independently of the writer: from the manifest's values for
// the small fixtures, from the formulas below for the large ones.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { buildDir, query } from './helpers.mjs';

const tool = path.join(buildDir, 'src', 'parquet', 'parquet_fixture_writer');
let dir;
let fixtures;

before(() => {
  assert.ok(fs.existsSync(tool), `${tool} not found: build the parquet_fixture_writer target`);
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ingot-parquet-'));
  execFileSync(tool, [dir], { stdio: 'inherit' });
  const manifest = JSON.parse(fs.readFileSync(path.join(dir, 'manifest.json'), 'utf8'));
  fixtures = Object.fromEntries(manifest.fixtures.map((f) => [f.name, f]));
});

after(() => {
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

const file = (name) => `'${path.join(dir, fixtures[name].file).replaceAll("'", "''")}'`;

// ---- values -------------------------------------------------------------------------------------

// Manifest values -> JS values: integers and timestamps as BigInt, doubles as numbers.
function fromManifest(type, v) {
  if (v === null) return null;
  switch (type) {
    case 'int64':
    case 'timestamp':
      return BigInt(v);
    case 'float64':
      return v === '-0' ? -0 : Number(v); // Number('NaN'), Number('Infinity') work
    default:
      return v;
  }
}

// The formula fixtures (same formulas as FormulaBatch in parquet_fixture_writer.cc).
const LEVELS = ['INFO', 'WARN', 'ERROR', 'DEBUG'];
function formulaRow(r) {
  const b = BigInt(r);
  return {
    _timestamp: 1700000000000000n + b * 1000n,
    id: b * 7919n - 1000000n,
    level: r % 10 === 9 ? null : LEVELS[r % 4],
    user: `user-${r}`,
    bucket: r % 7 === 3 ? null : (b * 31n) % 100n,
    ratio: r % 5 === 4 ? null : r / 4 - 1000,
    flag: r % 11 === 10 ? null : r % 3 === 0,
  };
}
const FORMULA_SQL = `
  epoch_us(_timestamp) = 1700000000000000 + r * 1000
  AND id = r * 7919 - 1000000
  AND level IS NOT DISTINCT FROM (CASE WHEN r % 10 = 9 THEN NULL ELSE ['INFO','WARN','ERROR','DEBUG'][r % 4 + 1] END)
  AND "user" = 'user-' || r
  AND bucket IS NOT DISTINCT FROM (CASE WHEN r % 7 = 3 THEN NULL ELSE (r * 31) % 100 END)
  AND ratio IS NOT DISTINCT FROM (CASE WHEN r % 5 = 4 THEN NULL ELSE r / 4 - 1000 END)
  AND flag IS NOT DISTINCT FROM (CASE WHEN r % 11 = 10 THEN NULL ELSE r % 3 = 0 END)`;
const FORMULA_FIXTURES = ['multi_row_group', 'dictionary_limit', 'codec_zstd', 'codec_snappy',
  'codec_lz4', 'codec_none'];

// Reads every column of a small fixture in file order; timestamps as epoch microseconds.
async function readAll(name) {
  const f = fixtures[name];
  const select = f.columns
    .map((c) => (c.type === 'timestamp' ? `epoch_us("${c.name}") AS "${c.name}"` : `"${c.name}"`))
    .join(', ');
  return query(`SELECT ${select} FROM read_parquet(${file(name)}, file_row_number = true)
                ORDER BY file_row_number`);
}

function assertSameValue(got, want, where) {
  if (typeof want === 'number') {
    // Object.is tells -0 from 0 and matches NaN with NaN.
    assert.ok(Object.is(got, want), `${where}: got ${got}, want ${want}`);
  } else {
    assert.deepEqual(got, want, where);
  }
}

for (const name of ['special_values', 'mixed_nulls']) {
  test(`${name}: every value reads back identically`, async () => {
    const f = fixtures[name];
    const rows = await readAll(name);
    assert.equal(rows.length, f.rows);
    for (const c of f.columns) {
      const want = f.values[c.name].map((v) => fromManifest(c.type, v));
      rows.forEach((row, i) => assertSameValue(row[c.name], want[i], `${name}.${c.name}[${i}]`));
    }
  });
}

test('mixed_nulls: all-null columns and a schema column missing from the batch', async () => {
  const [counts] = await query(`SELECT count(*) AS n, count(null_i64) + count(null_f64) +
      count(null_str) + count(null_bool) + count(null_ts) + count(absent) AS present,
      typeof(any_value(absent)) AS absent_type
    FROM read_parquet(${file('mixed_nulls')})`);
  assert.equal(counts.n, 40n);
  assert.equal(counts.present, 0n);
  assert.equal(counts.absent_type, 'VARCHAR');
});

for (const name of FORMULA_FIXTURES) {
  test(`${name}: every value reads back identically`, async () => {
    const [r] = await query(`SELECT count(*) AS n, count(*) FILTER (WHERE NOT (${FORMULA_SQL})) AS bad
      FROM (SELECT *, file_row_number AS r FROM read_parquet(${file(name)}, file_row_number = true))`);
    assert.equal(r.n, BigInt(fixtures[name].rows));
    assert.equal(r.bad, 0n);
  });
}

test('empty file: schema without rows', async () => {
  const [r] = await query(`SELECT count(*) AS n FROM read_parquet(${file('empty')})`);
  assert.equal(r.n, 0n);
  const schema = await query(`SELECT name FROM parquet_schema(${file('empty')})`);
  assert.deepEqual(schema.map((s) => s.name), ['schema', '_timestamp', 'message']);
  const [m] = await query(`SELECT num_rows, num_row_groups FROM parquet_file_metadata(${file('empty')})`);
  assert.equal(m.num_rows, 0n);
  assert.equal(m.num_row_groups, 0n);
});

// ---- schema -------------------------------------------------------------------------------------

test('parquet_schema shows the physical and logical types', async () => {
  const rows = await query(`SELECT name, type, repetition_type, converted_type, logical_type,
      duckdb_type, num_children FROM parquet_schema(${file('special_values')})`);
  const by = Object.fromEntries(rows.map((r) => [r.name, r]));
  assert.equal(rows[0].name, 'schema');
  assert.equal(rows[0].num_children, 8n);
  const expect = {
    _timestamp: ['INT64', 'TIMESTAMP_MICROS', 'TIMESTAMP WITH TIME ZONE'],
    ts_extreme: ['INT64', 'TIMESTAMP_MICROS', 'TIMESTAMP WITH TIME ZONE'],
    i64: ['INT64', null, 'BIGINT'],
    f64: ['DOUBLE', null, 'DOUBLE'],
    str: ['BYTE_ARRAY', 'UTF8', 'VARCHAR'],
    flag: ['BOOLEAN', null, 'BOOLEAN'],
  };
  for (const [name, [type, converted, duck]] of Object.entries(expect)) {
    assert.equal(by[name].type, type, name);
    assert.equal(by[name].repetition_type, 'OPTIONAL', name);
    assert.equal(by[name].converted_type, converted, name);
    assert.equal(by[name].duckdb_type, duck, name);
  }
  assert.match(by._timestamp.logical_type, /TimestampType\(isAdjustedToUTC=1, unit=TimeUnit\(.*MICROS=MicroSeconds\(\)/);
  assert.equal(by.str.logical_type, 'StringType()');
  assert.equal(by.i64.logical_type, null);
});

// ---- statistics ---------------------------------------------------------------------------------

const utf8 = (s) => Buffer.from(s, 'utf8');
const STAT_LIMIT = 64; // bytes kept of a string bound (kMaxStringStatBytes)

// The lower bound the writer may store for string s: s itself, or its longest prefix of at most
// 64 bytes that ends on a UTF-8 character boundary.
function stringMin(s) {
  const b = utf8(s);
  if (b.length <= STAT_LIMIT) return { value: s, exact: true };
  let cut = STAT_LIMIT;
  while (cut > 0 && (b[cut] & 0xc0) === 0x80) cut--;
  return { value: b.subarray(0, cut).toString('utf8'), exact: false };
}
// The upper bound: s, or a prefix ending in an ASCII byte below 0x7F, that byte incremented.
function stringMax(s) {
  const b = utf8(s);
  if (b.length <= STAT_LIMIT) return { value: s, exact: true };
  for (let i = STAT_LIMIT - 1; i >= 0; i--) {
    if (b[i] < 0x7f) {
      const p = Buffer.from(b.subarray(0, i + 1));
      p[i] += 1;
      return { value: p.toString('utf8'), exact: false };
    }
  }
  return { value: s, exact: true };
}

// What parquet_metadata must show for a column chunk holding `values` (JS values, null = null).
function expectedStats(type, values) {
  const present = values.filter((v) => v !== null);
  const nulls = BigInt(values.length - present.length);
  let lo = null;
  let hi = null;
  const consider = (v, less) => {
    if (lo === null || less(v, lo)) lo = v;
    if (hi === null || less(hi, v)) hi = v;
  };
  switch (type) {
    case 'int64':
    case 'timestamp':
      present.forEach((v) => consider(v, (a, b) => a < b));
      return { nulls, min: lo, max: hi, minExact: true, maxExact: true };
    case 'float64': {
      present.filter((v) => !Number.isNaN(v)).forEach((v) => consider(v, (a, b) => a < b));
      // DuckDB shows no bound that is not finite.
      const show = (v) => (v === null || !Number.isFinite(v) ? null : v);
      return { nulls, min: show(lo), max: show(hi), minExact: true, maxExact: true };
    }
    case 'bool':
      present.forEach((v) => consider(v, (a, b) => !a && b));
      return { nulls, min: lo === null ? null : String(lo), max: hi === null ? null : String(hi),
        minExact: true, maxExact: true };
    default: {
      present.forEach((v) => consider(v, (a, b) => Buffer.compare(utf8(a), utf8(b)) < 0));
      if (lo === null) return { nulls, min: null, max: null, minExact: true, maxExact: true };
      const mn = stringMin(lo);
      const mx = stringMax(hi);
      return { nulls, min: mn.value, max: mx.value, minExact: mn.exact, maxExact: mx.exact };
    }
  }
}

async function metadata(name) {
  return query(`SELECT row_group_id, row_group_num_rows, path_in_schema, num_values,
      stats_min_value, stats_max_value, stats_null_count, min_is_exact, max_is_exact,
      epoch_us(TRY_CAST(stats_min_value AS TIMESTAMPTZ)) AS min_us,
      epoch_us(TRY_CAST(stats_max_value AS TIMESTAMPTZ)) AS max_us,
      compression, encodings, dictionary_page_offset, data_page_offset,
      total_compressed_size, total_uncompressed_size
    FROM parquet_metadata(${file(name)}) ORDER BY row_group_id, column_id`);
}

function assertStats(meta, type, want, where) {
  assert.equal(meta.stats_null_count, want.nulls, `${where} null_count`);
  const shown = (raw, us) => {
    if (raw === null) return null;
    switch (type) {
      case 'int64': return BigInt(raw);
      case 'timestamp': return us;
      case 'float64': return Number(raw);
      default: return raw;
    }
  };
  const min = shown(meta.stats_min_value, meta.min_us);
  const max = shown(meta.stats_max_value, meta.max_us);
  if (type === 'float64' && want.min !== null) {
    assert.ok(min === want.min, `${where} min: got ${min}, want ${want.min}`); // -0 == 0 here
    assert.ok(max === want.max, `${where} max: got ${max}, want ${want.max}`);
  } else {
    assert.deepEqual(min, want.min, `${where} min`);
    assert.deepEqual(max, want.max, `${where} max`);
  }
  if (want.min !== null) {
    assert.equal(meta.min_is_exact, want.minExact, `${where} min exact`);
    assert.equal(meta.max_is_exact, want.maxExact, `${where} max exact`);
  }
}

for (const name of ['special_values', 'mixed_nulls']) {
  test(`${name}: statistics (min/max/null_count) match the values`, async () => {
    const f = fixtures[name];
    const meta = await metadata(name);
    assert.equal(meta.length, f.columns.length); // one row group
    f.columns.forEach((c, i) => {
      const values = f.values[c.name].map((v) => fromManifest(c.type, v));
      assertStats(meta[i], c.type, expectedStats(c.type, values), `${name}.${c.name}`);
    });
  });
}

test('special_values: long strings get cut, inexact bounds', async () => {
  const meta = await metadata('special_values');
  const long = meta.find((m) => m.path_in_schema === 'long_str');
  assert.equal(long.stats_min_value, 'a'.repeat(64));
  assert.equal(long.stats_max_value, `${'c'.repeat(63)}d`);
  assert.equal(long.min_is_exact, false);
  assert.equal(long.max_is_exact, false);
});

test('multi_row_group: row groups, per-row-group statistics, encodings', async () => {
  const f = fixtures.multi_row_group;
  const meta = await metadata('multi_row_group');
  const groups = [...new Set(meta.map((m) => m.row_group_id))];
  assert.deepEqual(groups, [0n, 1n, 2n]);
  // 250,000 rows under a 100,000-row limit: three equal groups.
  const sizes = groups.map((g) => meta.find((m) => m.row_group_id === g).row_group_num_rows);
  assert.deepEqual(sizes, [83334n, 83333n, 83333n]);
  let begin = 0;
  for (const g of groups) {
    const n = Number(sizes[Number(g)]);
    const rows = Array.from({ length: n }, (_, i) => formulaRow(begin + i));
    for (const c of f.columns) {
      const m = meta.find((x) => x.row_group_id === g && x.path_in_schema === c.name);
      assert.equal(m.num_values, BigInt(n));
      assertStats(m, c.type, expectedStats(c.type, rows.map((r) => r[c.name])), `rg${g}.${c.name}`);
    }
    begin += n;
  }
  for (const m of meta) {
    assert.equal(m.compression, 'ZSTD');
    // Low-cardinality columns get a dictionary; unique ones and booleans stay PLAIN.
    const dictionary = m.path_in_schema === 'level' || m.path_in_schema === 'bucket';
    assert.equal(m.encodings, dictionary ? 'PLAIN, RLE, RLE_DICTIONARY' : 'PLAIN, RLE', m.path_in_schema);
    assert.equal(m.dictionary_page_offset !== null, dictionary, m.path_in_schema);
    if (dictionary) assert.ok(m.dictionary_page_offset < m.data_page_offset);
  }
  // 64 KiB pages: the id chunks (8 bytes x 83k values) span several pages.
  const id = meta.find((m) => m.path_in_schema === 'id');
  assert.ok(id.total_uncompressed_size > 8n * 65536n);
});

test('multi_row_group: created_by, key-value metadata, column orders', async () => {
  const [m] = await query(`SELECT created_by, num_rows, num_row_groups, format_version,
      column_orders::VARCHAR AS orders FROM parquet_file_metadata(${file('multi_row_group')})`);
  assert.equal(m.created_by, 'ingot version 0.1.0');
  assert.equal(m.num_rows, 250000n);
  assert.equal(m.num_row_groups, 3n);
  assert.equal(m.format_version, 1n);
  assert.match(m.orders, /TYPE_ORDER/);
  const kv = await query(`SELECT decode(key) AS k, decode(value) AS v
    FROM parquet_kv_metadata(${file('multi_row_group')})`);
  assert.deepEqual(kv, [{ k: 'ingot.fixture', v: 'formula' }, { k: 'ingot.empty', v: '' }]);
});

test('dictionary_limit: a dictionary past the limit falls back to PLAIN', async () => {
  const meta = await metadata('dictionary_limit');
  const enc = Object.fromEntries(meta.map((m) => [m.path_in_schema, m.encodings]));
  assert.equal(enc.level, 'PLAIN, RLE, RLE_DICTIONARY'); // 34 bytes of dictionary
  assert.equal(enc.bucket, 'PLAIN, RLE'); // 800 bytes > 500
});

test('every codec is recorded and readable', async () => {
  const want = { codec_zstd: 'ZSTD', codec_snappy: 'SNAPPY', codec_lz4: 'LZ4_RAW', codec_none: 'UNCOMPRESSED' };
  const sizes = {};
  for (const [name, codec] of Object.entries(want)) {
    const meta = await metadata(name);
    for (const m of meta) assert.equal(m.compression, codec, `${name}.${m.path_in_schema}`);
    sizes[name] = meta.reduce((s, m) => s + m.total_compressed_size, 0n);
    const raw = meta.reduce((s, m) => s + m.total_uncompressed_size, 0n);
    if (codec === 'UNCOMPRESSED') assert.equal(sizes[name], raw);
    else assert.ok(sizes[name] < raw, `${name} compresses`);
  }
  assert.ok(sizes.codec_zstd < sizes.codec_snappy);
});
