import fs from 'node:fs';
import http from 'node:http';
import { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { FileLogCollector, readNewLines } from './FileLogCollector';
import { tenantLogSources } from './logSources';

/** What a store took: each request's tenant headers, stream fields and rows. */
interface Received {
  accountId: string;
  projectId: string;
  streamFields: string | null;
  rows: Array<Record<string, unknown>>;
}

/** An HTTP server in VictoriaLogs' place, answering `status()` to every insert. */
async function startReceiver(status: () => number) {
  const received: Received[] = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', chunk => {
      body += chunk;
    });
    req.on('end', () => {
      const code = status();
      if (code === 204) {
        received.push({
          accountId: String(req.headers.accountid),
          projectId: String(req.headers.projectid),
          streamFields: new URL(req.url!, 'http://x').searchParams.get(
            '_stream_fields',
          ),
          rows: body.split('\n').map(line => JSON.parse(line)),
        });
      }
      res.writeHead(code).end();
    });
  });
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    received,
    close: () =>
      new Promise(resolve => {
        server.closeAllConnections();
        server.close(resolve);
      }),
  };
}

describe('FileLogCollector', () => {
  let dir: string;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  let status = 204;
  beforeEach(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'collector-'));
    fs.mkdirSync(path.join(dir, 'alpha', 'logs'), { recursive: true });
    status = 204;
    receiver = await startReceiver(() => status);
  });
  afterEach(async () => {
    await receiver.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const sources = () =>
    tenantLogSources('local', {
      namespace: 'clusters',
      name: 'alpha',
      clusterDir: path.join(dir, 'alpha'),
      etcdMembers: 1,
    });
  const append = (file: string, text: string) =>
    fs.appendFileSync(path.join(dir, 'alpha', 'logs', file), text);
  const collector = () => {
    const c = new FileLogCollector({
      storeUrl: receiver.url,
      checkpointsPath: path.join(dir, 'checkpoints.json'),
    });
    c.setSources(sources());
    return c;
  };
  const messages = () =>
    receiver.received.flatMap(r => r.rows.map(row => row._msg));

  it("sends each complete line once, under its source's tenant and stream fields", async () => {
    const c = collector();
    append('kube-apiserver.log', 'I1208 10:15:00.000001 1 a.go:1] one\n\ntw');
    expect(await c.collect()).toBe(true);
    append('kube-apiserver.log', 'o\n');
    append('etcd.log', '{"level":"info","msg":"three"}\n');
    expect(await c.collect()).toBe(true);
    expect(await c.collect()).toBe(true);

    // One request per file and pass: etcd's file comes before the API server's.
    expect(messages()).toEqual([
      'I1208 10:15:00.000001 1 a.go:1] one',
      'three',
      'two',
    ]);
    const apiserver = sources().find(s => s.fields.pod === 'kube-apiserver')!;
    expect(receiver.received[0]).toMatchObject({
      accountId: String(apiserver.tenant.accountId),
      projectId: String(apiserver.tenant.projectId),
      streamFields: 'hub,namespace,cluster,component,pod',
    });
    expect(receiver.received[0].rows[0]).toMatchObject(apiserver.fields);
  });

  it('keeps what the store refused and sends it once the store takes lines again', async () => {
    const c = collector();
    status = 503;
    append('etcd.log', 'while down\n');
    expect(await c.collect()).toBe(false);
    expect(await c.collect()).toBe(false);
    status = 204;
    expect(await c.collect()).toBe(true);
    expect(messages()).toEqual(['while down']);
  });

  it('resumes where it was after a restart, and reads a replaced file from its start', async () => {
    append('etcd.log', 'first\n');
    await collector().collect();
    append('etcd.log', 'second\n');
    await collector().collect();
    expect(messages()).toEqual(['first', 'second']);

    const file = path.join(dir, 'alpha', 'logs', 'etcd.log');
    fs.rmSync(file);
    fs.writeFileSync(file, 'new file\n');
    await collector().collect();
    expect(messages()).toEqual(['first', 'second', 'new file']);
  });

  it('dates each line as it says, and a line that says no time as the line before it', async () => {
    const c = collector();
    const dated = JSON.stringify({
      ts: '2026-12-08T10:19:58.123456Z',
      msg: 'a',
    });
    append('etcd.log', `${dated}\n`);
    await c.collect();
    append('etcd.log', 'continued\n');
    const before = Date.now();
    append('kube-scheduler.log', 'nothing before it\n');
    await c.collect();

    const rows = receiver.received.flatMap(r => r.rows);
    expect(rows.map(r => [r._msg, r._time])).toEqual([
      ['a', '2026-12-08T10:19:58.123456Z'],
      ['continued', '2026-12-08T10:19:58.123456Z'],
      ['nothing before it', expect.any(String)],
    ]);
    expect(Date.parse(String(rows[2]._time))).toBeGreaterThanOrEqual(before);
  });

  it('polls on its own once started, and stops', async () => {
    const c = new FileLogCollector({
      storeUrl: receiver.url,
      checkpointsPath: path.join(dir, 'checkpoints.json'),
      pollIntervalMs: 50,
    });
    c.setSources(sources());
    c.start();
    try {
      append('kube-scheduler.log', 'polled\n');
      const deadline = Date.now() + 2_000;
      while (messages().length === 0 && Date.now() < deadline) {
        await new Promise(resolve => setTimeout(resolve, 20));
      }
      expect(messages()).toEqual(['polled']);
    } finally {
      await c.stop();
    }
  });
});

describe('readNewLines', () => {
  it('says nothing for a missing file or one with nothing new', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'read-'));
    try {
      const file = path.join(dir, 'x.log');
      expect(readNewLines(file, undefined)).toBeUndefined();
      fs.writeFileSync(file, 'a\nb');
      const read = readNewLines(file, undefined)!;
      // The partial last line waits for its end; the file counts as read to its end.
      expect(read).toMatchObject({ lines: ['a'], atEnd: true });
      expect(readNewLines(file, read.position)).toBeUndefined();
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
