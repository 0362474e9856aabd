/**
 * Upload throughput of the disk backend's signed PUT route, beside a bare Node `http`
 * server that streams the same bytes to a file. Both servers run as their own processes
 * on this machine; the same client sends the same bytes to each. Prints MB/s for both,
 * their ratio, and the DocuVault server's peak RSS growth during its upload (sampled from
 * /proc). Then a multipart upload (BENCH_MULTIPART_MIB, default 2 GiB, four parts at a time
 * through the parts API) on disk against the same bare limit, and on the S3 test server
 * (Swift + s3api) against a bare AWS SDK v3 multipart upload (BENCH_S3=0 skips that).
 * No assertions: it reports. Run from the repository root:
 *
 *   node --import tsx bench/upload-throughput/run.ts            # 1 GiB PUT, 2 GiB multipart
 *   BENCH_UPLOAD_MIB=256 BENCH_MULTIPART_MIB=256 node --import tsx bench/upload-throughput/run.ts
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  DeleteObjectCommand,
  HeadObjectCommand,
  S3Client,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import { buildOnce, spawnServer, waitHealthy } from '../../server/src/test-support/spawn-server.js';
import { freePort } from '../../server/src/test-support/free-port.js';
import { getTestS3, type TestS3Server } from '../../server/src/test-support/s3-server.js';
import { jsonApi } from '../support/bench-kit.js';

const MIB = 1024 * 1024;
const TOTAL = Number(process.env.BENCH_UPLOAD_MIB ?? 1024) * MIB;
const CHUNK = Buffer.alloc(MIB, 0x5a);
const CONTENT_TYPE = 'application/octet-stream';

/** Sends TOTAL bytes with Content-Length, honouring backpressure; returns seconds and status. */
function putStream(url: string): Promise<{ seconds: number; status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const t0 = process.hrtime.bigint();
    const req = http.request(
      url,
      { method: 'PUT', headers: { 'content-type': CONTENT_TYPE, 'content-length': String(TOTAL) } },
      (res) => {
        let body = '';
        res.on('data', (d) => (body += d));
        res.on('end', () => resolve({ seconds: Number(process.hrtime.bigint() - t0) / 1e9, status: res.statusCode ?? 0, body }));
      },
    );
    req.on('error', reject);
    let sent = 0;
    const pump = () => {
      while (sent < TOTAL) {
        const n = Math.min(CHUNK.length, TOTAL - sent);
        sent += n;
        if (!req.write(n === CHUNK.length ? CHUNK : CHUNK.subarray(0, n))) return void req.once('drain', pump);
      }
      req.end();
    };
    pump();
  });
}

function rssBytes(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) * 1024 : 0;
}

/** Samples a process's RSS every 20 ms until stopped; returns the peak. */
function sampleRss(pid: number) {
  let peak = rssBytes(pid);
  const timer = setInterval(() => {
    try {
      peak = Math.max(peak, rssBytes(pid));
    } catch {
      // process gone
    }
  }, 20);
  return { stop: () => (clearInterval(timer), peak) };
}

// The bare baseline: stream the request body to a file, fsync it (as the disk backend
// does), answer 204. Nothing else.
const BARE_SERVER = `
const http = require('node:http'); const fs = require('node:fs'); const { pipeline } = require('node:stream/promises');
const dir = process.argv[1]; let n = 0;
http.createServer(async (req, res) => {
  const file = dir + '/bare-' + (n++);
  const out = fs.createWriteStream(file);
  await pipeline(req, out);
  const fd = fs.openSync(file, 'r+'); fs.fsyncSync(fd); fs.closeSync(fd);
  res.statusCode = 204; res.end();
}).listen(Number(process.argv[2]), '127.0.0.1', () => console.log('ready'));
`;

async function startBare(dir: string): Promise<{ child: ChildProcess; url: string }> {
  const port = await freePort();
  const child = spawn(process.execPath, ['-e', BARE_SERVER, dir, String(port)], { stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise<void>((resolve) => child.stdout!.once('data', () => resolve()));
  return { child, url: `http://127.0.0.1:${port}/upload` };
}

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 2);
const MULTIPART_TOTAL = Number(process.env.BENCH_MULTIPART_MIB ?? 2048) * MIB;
const PARALLEL_PARTS = 4;

/** Sends `length` bytes to a part URL with Content-Length; resolves with the status. */
function putPart(url: string, length: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: 'PUT', headers: { 'content-length': String(length) } }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    let sent = 0;
    const pump = () => {
      while (sent < length) {
        const n = Math.min(CHUNK.length, length - sent);
        sent += n;
        if (!req.write(n === CHUNK.length ? CHUNK : CHUNK.subarray(0, n))) return void req.once('drain', pump);
      }
      req.end();
    };
    pump();
  });
}

/** The part size the app chooses for MULTIPART_TOTAL (8 MiB up to 78 GiB). */
const MULTIPART_PART = Math.max(8 * MIB, Math.ceil(MULTIPART_TOTAL / 10_000 / MIB) * MIB);

/** MULTIPART_TOTAL bytes to the bare server in `partSize` PUTs, four at a time; returns seconds. */
async function bareParallel(url: string, partSize: number): Promise<number> {
  const count = Math.ceil(MULTIPART_TOTAL / partSize);
  const lengthOf = (n: number) => Math.min(partSize, MULTIPART_TOTAL - (n - 1) * partSize);
  let next = 1;
  const t0 = process.hrtime.bigint();
  await Promise.all(
    Array.from({ length: PARALLEL_PARTS }, async () => {
      while (next <= count) {
        const n = next++;
        const status = await putPart(url, lengthOf(n));
        if (status !== 204) throw new Error(`bare server answered ${status}`);
      }
    }),
  );
  return Number(process.hrtime.bigint() - t0) / 1e9;
}

/**
 * One multipart upload of MULTIPART_TOTAL bytes, four parts at a time, from upload-url to
 * confirm (which joins the parts: on disk a rename). Returns seconds.
 */
async function multipartUpload(
  api: ReturnType<typeof jsonApi>,
  baseUrl: string,
  token: string,
): Promise<{ seconds: number; partSize: number }> {
  const t0 = process.hrtime.bigint();
  const start = await api('POST', '/api/documents/upload-url', {
    token,
    body: { filename: 'big.bin', content_type: CONTENT_TYPE, size_bytes: MULTIPART_TOTAL, multipart: true },
  });
  const { document_id: id, part_size: partSize, part_count: count } = start;
  const lengthOf = (n: number) => Math.min(partSize, MULTIPART_TOTAL - (n - 1) * partSize);
  let next = 1;
  await Promise.all(
    Array.from({ length: PARALLEL_PARTS }, async () => {
      while (next <= count) {
        const batch: number[] = [];
        while (batch.length < 8 && next <= count) batch.push(next++);
        const { urls } = await api('POST', `/api/documents/${id}/parts`, { token, body: { part_numbers: batch } });
        for (const n of batch) {
          const u = urls[String(n)] as string;
          const status = await putPart(u.startsWith('http') ? u : baseUrl + u, lengthOf(n));
          if (status >= 300) throw new Error(`part ${n} answered ${status}`);
        }
      }
    }),
  );
  const confirmed = await api('POST', `/api/documents/${id}/confirm`, { token });
  if (confirmed.size_bytes !== MULTIPART_TOTAL) throw new Error(`confirmed ${confirmed.size_bytes} bytes`);
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  await api('DELETE', `/api/documents/${id}`, { token });
  return { seconds, partSize };
}

/** The app's settings for the S3 test server (as server/src/test-support/test-app.ts sets them). */
function appS3Env(s3: TestS3Server): Record<string, string> {
  return {
    STORAGE_BACKEND: 's3',
    S3_ENDPOINT: s3.endpoint,
    S3_PUBLIC_ENDPOINT: s3.endpoint,
    S3_REGION: s3.region,
    S3_ACCESS_KEY: s3.accessKeyId,
    S3_SECRET_KEY: s3.secretAccessKey,
    S3_BUCKET: s3.bucket,
    S3_FORCE_PATH_STYLE: 'true',
  };
}

/**
 * The bare limit on S3: the AWS SDK v3 itself, CreateMultipartUpload → UploadPart (four at
 * a time, the same part size the app chose, the same bytes) → CompleteMultipartUpload.
 * Returns seconds; the object is checked by HEAD and deleted.
 */
async function bareSdkMultipart(s3: TestS3Server, partSize: number): Promise<number> {
  const client = new S3Client({
    endpoint: s3.endpoint,
    region: s3.region,
    forcePathStyle: true,
    credentials: { accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey },
  });
  const body = Buffer.alloc(partSize, 0x5a);
  const count = Math.ceil(MULTIPART_TOTAL / partSize);
  const lengthOf = (n: number) => Math.min(partSize, MULTIPART_TOTAL - (n - 1) * partSize);
  const Key = `bench/bare-sdk-${Date.now()}`;
  const t0 = process.hrtime.bigint();
  const { UploadId } = await client.send(new CreateMultipartUploadCommand({ Bucket: s3.bucket, Key, ContentType: CONTENT_TYPE }));
  const etags = new Map<number, string>();
  let next = 1;
  await Promise.all(
    Array.from({ length: PARALLEL_PARTS }, async () => {
      while (next <= count) {
        const n = next++;
        const len = lengthOf(n);
        const r = await client.send(
          new UploadPartCommand({
            Bucket: s3.bucket,
            Key,
            UploadId,
            PartNumber: n,
            Body: len === body.length ? body : body.subarray(0, len),
            ContentLength: len,
          }),
        );
        etags.set(n, r.ETag!);
      }
    }),
  );
  await client.send(
    new CompleteMultipartUploadCommand({
      Bucket: s3.bucket,
      Key,
      UploadId,
      MultipartUpload: { Parts: [...etags].sort((a, b) => a[0] - b[0]).map(([PartNumber, ETag]) => ({ PartNumber, ETag })) },
    }),
  );
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  const head = await client.send(new HeadObjectCommand({ Bucket: s3.bucket, Key }));
  if (head.ContentLength !== MULTIPART_TOTAL) throw new Error(`bare SDK stored ${head.ContentLength} bytes`);
  await client.send(new DeleteObjectCommand({ Bucket: s3.bucket, Key }));
  client.destroy();
  return seconds;
}

/**
 * The same multipart upload through DocuVault on the S3 test server (part URLs presigned by
 * the app, bytes straight to S3, complete at confirm) beside the bare SDK upload, best of
 * ROUNDS alternating rounds; plus the app's RSS growth (it is not in the data path here).
 */
async function s3Section(work: string): Promise<void> {
  const s3 = await getTestS3();
  const server = await spawnServer({
    DATA_DIR: join(work, 'docuvault-s3'),
    DEFAULT_QUOTA_BYTES: String(MULTIPART_TOTAL * 2),
    LOG_LEVEL: 'warn',
    ...appS3Env(s3),
  });
  try {
    await waitHealthy(server, 60_000);
    const { api, token } = await benchUser(server.baseUrl);
    const pid = server.child.pid!;
    await new Promise((r) => setTimeout(r, 500));
    const baseline = rssBytes(pid);
    const sdkRates: number[] = [];
    const appRates: number[] = [];
    let peak = baseline;
    let partSize = 0;
    for (let round = 0; round < ROUNDS; round++) {
      const sampler = sampleRss(pid);
      const app = await multipartUpload(api, server.baseUrl, token);
      peak = Math.max(peak, sampler.stop());
      partSize = app.partSize;
      const sdk = await bareSdkMultipart(s3, partSize);
      appRates.push(MULTIPART_TOTAL / 1e6 / app.seconds);
      sdkRates.push(MULTIPART_TOTAL / 1e6 / sdk);
      console.log(
        `S3 round ${round + 1}: bare SDK ${(MULTIPART_TOTAL / 1e6 / sdk).toFixed(1)} MB/s, DocuVault ${(MULTIPART_TOTAL / 1e6 / app.seconds).toFixed(1)} MB/s`,
      );
    }
    const bestSdk = Math.max(...sdkRates);
    const bestApp = Math.max(...appRates);
    console.log('');
    console.log(
      `S3 test server (${s3.kind}), ${MULTIPART_TOTAL / MIB} MiB in ${partSize / MIB} MiB parts, ${PARALLEL_PARTS} in parallel:`,
    );
    console.log(
      `bare SDK v3 multipart   ${bestSdk.toFixed(1).padStart(8)} MB/s   (CreateMultipartUpload → UploadPart → Complete)`,
    );
    console.log(
      `DocuVault multipart     ${bestApp.toFixed(1).padStart(8)} MB/s   (upload-url → parts URLs → PUT to S3 → confirm)`,
    );
    console.log(`ratio DocuVault / SDK   ${(bestApp / bestSdk).toFixed(2).padStart(8)}        (target ≥ 0.8)`);
    console.log(`server RSS, S3          peak growth ${((peak - baseline) / MIB).toFixed(1)} MiB (target < 64 MiB)`);
  } finally {
    await server.stop();
    await s3.stop();
  }
}

async function benchUser(baseUrl: string) {
  const api = jsonApi(baseUrl);
  const email = 'bench@example.com';
  const password = 'bench password 123';
  await api('POST', '/api/auth/register', { body: { email, password } });
  const { access_token: token } = await api('POST', '/api/auth/login', { body: { email, password } });
  return { api, token: token as string };
}

async function main() {
  const mb = TOTAL / 1e6;
  console.log(
    `upload-throughput: ${TOTAL / MIB} MiB per PUT, ${ROUNDS} alternating rounds (best of each reported), client and servers on this machine (${process.platform}, node ${process.version})`,
  );
  buildOnce();
  const work = mkdtempSync(join(tmpdir(), 'dv-bench-upload-'));
  const bareDir = join(work, 'bare');
  mkdirSync(bareDir);
  const bare = await startBare(bareDir);
  const server = await spawnServer({
    DATA_DIR: join(work, 'docuvault'),
    DEFAULT_QUOTA_BYTES: String(Math.max(TOTAL, MULTIPART_TOTAL) * 2),
    LOG_LEVEL: 'warn',
  });
  try {
    await waitHealthy(server, 60_000);
    const { api, token } = await benchUser(server.baseUrl);
    const pid = server.child.pid!;
    await new Promise((r) => setTimeout(r, 500)); // let start-up settle
    const baseline = rssBytes(pid);
    let peak = baseline;
    const bareRates: number[] = [];
    const dvRates: number[] = [];

    for (let round = 0; round < ROUNDS; round++) {
      const b = await putStream(bare.url);
      if (b.status !== 204) throw new Error(`bare server answered ${b.status}`);
      const written = statSync(join(bareDir, `bare-${round}`)).size;
      if (written !== TOTAL) throw new Error(`bare server wrote ${written} bytes`);
      rmSync(join(bareDir, `bare-${round}`));
      bareRates.push(mb / b.seconds);

      // A signed URL bound to exactly the file's size, then confirm (size from the disk).
      const upload = await api('POST', '/api/documents/upload-url', {
        token,
        body: { filename: 'big.bin', content_type: CONTENT_TYPE, size_bytes: TOTAL },
      });
      const url = upload.upload_url.startsWith('http') ? upload.upload_url : server.baseUrl + upload.upload_url;
      const sampler = sampleRss(pid);
      const d = await putStream(url);
      peak = Math.max(peak, sampler.stop());
      if (d.status !== 204) throw new Error(`DocuVault answered ${d.status} ${d.body}`);
      const confirmed = await api('POST', `/api/documents/${upload.document_id}/confirm`, { token });
      if (confirmed.size_bytes !== TOTAL) throw new Error(`confirmed ${confirmed.size_bytes} bytes`);
      await api('DELETE', `/api/documents/${upload.document_id}`, { token });
      dvRates.push(mb / d.seconds);
      console.log(`round ${round + 1}: bare ${(mb / b.seconds).toFixed(1)} MB/s, DocuVault ${(mb / d.seconds).toFixed(1)} MB/s`);
    }

    // Multipart: the same bytes in 4 parallel parts, against the bare limit measured right
    // before it the same way (8 MiB PUTs, four at a time, each to a file of its own, fsync'd):
    // on a shared machine the load moves between measurements taken minutes apart.
    const bareParallelSeconds = await bareParallel(bare.url, MULTIPART_PART);
    for (const f of readdirSync(bareDir)) rmSync(join(bareDir, f));
    const bareParallelRate = MULTIPART_TOTAL / 1e6 / bareParallelSeconds;
    const multiSampler = sampleRss(pid);
    const { seconds: multiSeconds } = await multipartUpload(api, server.baseUrl, token);
    const multiPeak = multiSampler.stop();
    const multiRate = MULTIPART_TOTAL / 1e6 / multiSeconds;

    const bestBare = Math.max(...bareRates);
    const bestDv = Math.max(...dvRates);
    console.log('');
    console.log(`bare node http → file   ${bestBare.toFixed(1).padStart(8)} MB/s`);
    console.log(
      `DocuVault signed PUT    ${bestDv.toFixed(1).padStart(8)} MB/s   (temp file, fsync, rename; confirmed and deleted each round)`,
    );
    console.log(`ratio DocuVault / bare  ${(bestDv / bestBare).toFixed(2).padStart(8)}        (target ≥ 0.8)`);
    console.log(
      `server RSS              ${(baseline / MIB).toFixed(1)} MiB before, ${(peak / MIB).toFixed(1)} MiB peak during PUTs → growth ${((peak - baseline) / MIB).toFixed(1)} MiB (target < 64 MiB)`,
    );
    console.log(
      `DocuVault multipart     ${multiRate.toFixed(1).padStart(8)} MB/s   (${MULTIPART_TOTAL / MIB} MiB, ${PARALLEL_PARTS} parts in parallel, upload-url to confirm)`,
    );
    console.log(
      `bare, 4 parallel PUTs   ${bareParallelRate.toFixed(1).padStart(8)} MB/s   (the same bytes in ${MULTIPART_PART / MIB} MiB PUTs, four at a time, just before)`,
    );
    console.log(
      `ratio multipart / bare  ${(multiRate / bestBare).toFixed(2).padStart(8)}        (target ≥ 0.8; against the single-stream bare PUT)`,
    );
    console.log(
      `ratio multipart / bare4 ${(multiRate / bareParallelRate).toFixed(2).padStart(8)}        (target ≥ 0.8; against the 4-parallel bare PUTs)`,
    );
    console.log(
      `server RSS, multipart   peak growth ${((Math.max(multiPeak, baseline) - baseline) / MIB).toFixed(1)} MiB (target < 64 MiB)`,
    );
  } finally {
    bare.child.kill();
    await server.stop();
  }
  try {
    if (process.env.BENCH_S3 !== '0') {
      console.log('');
      await s3Section(work);
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

main().catch((e) => {
  console.error('upload-throughput failed:', e);
  process.exit(1);
});
