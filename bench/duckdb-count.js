// The ingest bench's DuckDB comparison, as a whole process: reads FILE, takes each line's time,
// SRC, PROTO and DPT with regexp_extract, and counts events and distinct sources per hour, proto
// and port, the rollups' own grouping; it prints how many groups, events and sources (summed over
// the groups, so that no count can be optimised away) it counted, and DuckDB's version. `approx`
// counts sources with approx_count_distinct (a HyperLogLog, as our sketches are), `exact` with
// count(DISTINCT). Plain JavaScript, as the process it is compared with runs no TypeScript loader.
//   node bench/duckdb-count.js approx|exact FILE
const { DuckDBInstance } = await import('@duckdb/node-api');

const [mode, file] = process.argv.slice(2);
const distinct = mode === 'exact' ? 'count(DISTINCT src)' : 'approx_count_distinct(src)';
// One VARCHAR column per line: the delimiter (0x01) never occurs in a log line, and no quoting.
const lines =
  `read_csv('${file.replaceAll("'", "''")}', columns = {'line': 'VARCHAR'}, delim = E'\\x01', ` +
  `header = false, quote = '', escape = '', auto_detect = false)`;
const sql = `
  SELECT count(*) AS groups, sum(events) AS events, sum(sources) AS sources, version() AS version FROM (
    SELECT date_trunc('hour', ts) AS hour, proto, port, count(*) AS events, ${distinct} AS sources
    FROM (
      SELECT CAST(regexp_extract(line, '^(\\S+)', 1) AS TIMESTAMPTZ) AS ts,
        regexp_extract(line, ' SRC=(\\S+)', 1) AS src,
        regexp_extract(line, ' PROTO=(\\w+)', 1) AS proto,
        CAST(regexp_extract(line, ' DPT=(\\d+)', 1) AS INTEGER) AS port
      FROM ${lines})
    GROUP BY ALL)`;
const instance = await DuckDBInstance.create(':memory:');
const con = await instance.connect();
const [[groups, events, sources, version]] = (await con.runAndReadAll(sql)).getRows();
console.log(JSON.stringify({ groups: Number(groups), events: Number(events), sources: Number(sources), version }));
