// A static file server for the demo on 127.0.0.1 (no server-side logic: it only serves files).
//   node bindings/wasm/demo/serve.mjs [port]      then open http://127.0.0.1:<port>/
// Also imported by the browser test: `startServer(dir, port, {gzip})` resolves to { url, close }.
// Text and WebAssembly are sent compressed to a browser that accepts it (unless `gzip: false`):
// as the brotli file build-wasm.sh wrote beside it (`<file>.br`, quality 11, too slow to make per
// request) when there is one as new as the file, else gzipped here.
import { createServer } from 'node:http';
import { readFile, stat } from 'node:fs/promises';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { gzip as gzipCallback } from 'node:zlib';

const gzipBuffer = promisify(gzipCallback);

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.wasm': 'application/wasm',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
};
const COMPRESSIBLE = new Set(['.html', '.js', '.mjs', '.css', '.json', '.wasm', '.svg']);

export function startServer(dir = fileURLToPath(new URL('.', import.meta.url)), port = 0, { gzip = true } = {}) {
  const root = resolve(dir);
  // Each file's gzipped bytes, made once per version of the file (its mtime and size).
  const zipped = new Map();
  const gzipped = async (path, info, body) => {
    const version = `${info.mtimeMs}:${info.size}`;
    const hit = zipped.get(path);
    if (hit && hit.version === version) return hit.body;
    const z = await gzipBuffer(body);
    zipped.set(path, { version, body: z });
    return z;
  };
  const server = createServer(async (req, res) => {
    try {
      const url = new URL(req.url, 'http://127.0.0.1');
      let path = normalize(join(root, decodeURIComponent(url.pathname)));
      if (path !== root && !path.startsWith(root + sep)) throw Object.assign(new Error('forbidden'), { status: 403 });
      let info = await stat(path);
      if (info.isDirectory()) {
        path = join(path, 'index.html');
        info = await stat(path);
      }
      let body = await readFile(path);
      const ext = extname(path);
      const headers = { 'content-type': TYPES[ext] || 'application/octet-stream', 'cache-control': 'no-store' };
      if (gzip && COMPRESSIBLE.has(ext)) {
        headers.vary = 'accept-encoding';
        const accepts = req.headers['accept-encoding'] || '';
        const br = /\bbr\b/.test(accepts) ? await stat(`${path}.br`).catch(() => null) : null;
        if (br && br.mtimeMs >= info.mtimeMs) {
          body = await readFile(`${path}.br`);
          headers['content-encoding'] = 'br';
        } else if (/\bgzip\b/.test(accepts)) {
          body = await gzipped(path, info, body);
          headers['content-encoding'] = 'gzip';
        }
      }
      res.writeHead(200, { ...headers, 'content-length': body.length });
      res.end(body);
    } catch (e) {
      res.writeHead(e.status || 404, { 'content-type': 'text/plain' });
      res.end(e.status === 403 ? 'forbidden' : 'not found');
    }
  });
  return new Promise((ok, fail) => {
    server.once('error', fail);
    server.listen(port, '127.0.0.1', () => {
      const { port: p } = server.address();
      // close() also ends the browser's idle keep-alive connections, so it does not wait for them.
      const close = () => new Promise((done) => {
        server.close(done);
        server.closeAllConnections();
      });
      ok({ url: `http://127.0.0.1:${p}/`, close });
    });
  });
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const { url } = await startServer(undefined, Number(process.argv[2] || 8080));
  console.log(`huimin demo: ${url}  (Ctrl-C to stop)`);
}
