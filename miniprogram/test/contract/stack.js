// The real linli stack for the contract test, and a `wx` whose network calls reach it.
//
// startStack() runs start_backend.py (Python from the repository's .venv, or $LINLI_PYTHON),
// which builds a throwaway database, seeds the demo community and starts the WeChat emulator,
// gunicorn and a Celery worker; stop() closes its stdin and it tears everything down.

const { spawn } = require('child_process');
const fs = require('fs');
const http = require('http');
const path = require('path');

const config = require('../../config');
const { FakeBackend, installWx } = require('../helpers/wx');

const REPO = path.resolve(__dirname, '../../..');
const PYTHON = process.env.LINLI_PYTHON || path.join(REPO, '.venv', 'bin', 'python');
const LAUNCHER = path.join(__dirname, 'start_backend.py');

function startStack() {
  return new Promise((resolve, reject) => {
    const child = spawn(PYTHON, [LAUNCHER], { cwd: REPO, stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    let ready = false;
    const exited = new Promise((done) => child.on('exit', done));
    const stop = () => {
      child.stdin.end();
      return exited;
    };
    child.stdout.on('data', (chunk) => {
      out += chunk;
      const end = out.indexOf('\n');
      if (!ready && end >= 0) {
        ready = true;
        resolve({ ...JSON.parse(out.slice(0, end)), stop });
      }
    });
    child.stderr.on('data', (chunk) => {
      err += chunk;
    });
    child.on('error', (e) =>
      reject(new Error(`cannot run ${PYTHON} (${e.message}); make test builds .venv, or set LINLI_PYTHON`))
    );
    exited.then((code) => {
      if (!ready) reject(new Error(`the backend launcher exited with ${code}:\n${err.slice(-4000)}`));
    });
  });
}

/** Plain JSON over HTTP, for the emulator's control API (what WeChat itself would do). */
function httpJson(base, method, pathname, body) {
  const url = new URL(pathname, base);
  const payload = body === undefined ? undefined : JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = http.request(
      url,
      { method, headers: payload ? { 'Content-Type': 'application/json' } : {} },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (c) => {
          text += c;
        });
        res.on('end', () => {
          const data = text ? JSON.parse(text) : null;
          if (res.statusCode >= 300) reject(new Error(`${method} ${pathname}: ${res.statusCode} ${text}`));
          else resolve(data);
        });
      }
    );
    req.on('error', reject);
    req.end(payload);
  });
}

function parse(text, contentType) {
  if (!text) return '';
  if (!/json/.test(contentType || '')) return text;
  try {
    return JSON.parse(text);
  } catch (error) {
    return text;
  }
}

/**
 * wx.request / wx.uploadFile / wx.downloadFile as WeChat runs them, sent to the stack instead of
 * config's apiBaseUrl; downloads are saved under `downloadDir` as WeChat's temporary files.
 * `drop(predicate)` makes the next matching request reach the server but lose its answer on the
 * way back (a phone losing its connection), to test retries. `exchanges` records every round
 * trip as the server answered it ({method, path, query, sent, status, data, dropped}: `sent`
 * and `data` are the JSON bodies, if any); `pending()` counts those still under way.
 */
function forwarder(apiBase, downloadDir) {
  const target = new URL(apiBase);
  const drops = [];
  const exchanges = [];
  let pending = 0;
  let downloads = 0;

  function rewrite(url) {
    if (!url.startsWith(config.apiBaseUrl)) throw new Error(`not an API URL: ${url}`);
    return new URL(url.slice(config.apiBaseUrl.length), target);
  }

  function takeDrop(method, url) {
    const index = drops.findIndex((predicate) => predicate(method, url.pathname));
    return index >= 0 ? drops.splice(index, 1).length > 0 : false;
  }

  function send(method, url, headers, body, { onSent, onAnswer, onFail }) {
    const dropped = takeDrop(method, url);
    const exchange = {
      method,
      path: url.pathname,
      query: Object.fromEntries(url.searchParams.entries()),
      sent: /json/.test(headers['Content-Type'] || '') && body ? parse(body.toString('utf8'), 'json') : null,
      dropped,
    };
    pending += 1;
    let finished = false;
    const finish = (report) => {
      if (finished) return;
      finished = true;
      pending -= 1;
      report();
    };
    const req = http.request(url, { method, headers }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => {
        const raw = Buffer.concat(chunks);
        const type = res.headers['content-type'] || '';
        exchanges.push({
          ...exchange,
          status: res.statusCode,
          data: /json/.test(type) ? parse(raw.toString('utf8'), type) : null,
        });
        finish(() => (dropped ? onFail('request:fail connection reset') : onAnswer(res, raw)));
      });
    });
    req.setTimeout(config.requestTimeoutMs, () => req.destroy(new Error('timeout')));
    req.on('error', (e) => finish(() => onFail(`request:fail ${e.message}`)));
    if (body && onSent) {
      const step = Math.max(1, Math.ceil(body.length / 4));
      for (let sent = 0; sent < body.length; sent += step) {
        req.write(body.subarray(sent, sent + step));
        onSent(Math.min(body.length, sent + step), body.length);
      }
      req.end();
    } else {
      req.end(body);
    }
  }

  function request(options) {
    const method = (options.method || 'GET').toUpperCase();
    const headers = { ...(options.header || {}) };
    let body;
    if (options.data !== undefined && method !== 'GET') {
      body = Buffer.from(typeof options.data === 'string' ? options.data : JSON.stringify(options.data));
      headers['Content-Type'] = headers['Content-Type'] || 'application/json';
    }
    send(method, rewrite(options.url), headers, body, {
      onAnswer: (res, raw) =>
        options.success({
          statusCode: res.statusCode,
          data: parse(raw.toString('utf8'), res.headers['content-type']),
          header: res.headers,
        }),
      onFail: (errMsg) => options.fail({ errMsg }),
    });
    return { abort() {} };
  }

  function uploadFile(options) {
    const listeners = [];
    const boundary = `----linli${Date.now().toString(16)}`;
    const parts = [];
    Object.keys(options.formData || {}).forEach((key) => {
      parts.push(
        Buffer.from(
          `--${boundary}\r\nContent-Disposition: form-data; name="${key}"\r\n\r\n${options.formData[key]}\r\n`
        )
      );
    });
    parts.push(
      Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="${options.name}"; filename="${path.basename(options.filePath)}"\r\n` +
          'Content-Type: application/octet-stream\r\n\r\n'
      ),
      fs.readFileSync(options.filePath),
      Buffer.from(`\r\n--${boundary}--\r\n`)
    );
    const body = Buffer.concat(parts);
    const headers = {
      ...(options.header || {}),
      'Content-Type': `multipart/form-data; boundary=${boundary}`,
      'Content-Length': body.length,
    };
    setImmediate(() =>
      send('POST', rewrite(options.url), headers, body, {
        onSent: (sent, total) =>
          listeners.forEach((cb) =>
            cb({
              progress: Math.round((sent * 100) / total),
              totalBytesSent: sent,
              totalBytesExpectedToSend: total,
            })
          ),
        // wx.uploadFile hands the body over as a string, whatever its type.
        onAnswer: (res, raw) => options.success({ statusCode: res.statusCode, data: raw.toString('utf8') }),
        onFail: (errMsg) => options.fail({ errMsg }),
      })
    );
    return { onProgressUpdate: (cb) => listeners.push(cb), abort() {} };
  }

  // Like WeChat, any answer is saved to a temporary file and reported with its status: an
  // error's body lands in the file too.
  function downloadFile(options) {
    send('GET', rewrite(options.url), { ...(options.header || {}) }, undefined, {
      onAnswer: (res, raw) => {
        const type = res.headers['content-type'] || '';
        const extension = { 'image/jpeg': '.jpg', 'image/png': '.png' }[type.split(';')[0]] || '.bin';
        downloads += 1;
        fs.mkdirSync(downloadDir, { recursive: true });
        const tempFilePath = path.join(downloadDir, `download-${downloads}${extension}`);
        fs.writeFileSync(tempFilePath, raw);
        options.success({ statusCode: res.statusCode, tempFilePath });
      },
      onFail: (errMsg) => options.fail({ errMsg: errMsg.replace(/^request:/, 'downloadFile:') }),
    });
    return { onProgressUpdate() {}, abort() {} };
  }

  return {
    request,
    uploadFile,
    downloadFile,
    drop: (predicate) => drops.push(predicate),
    exchanges,
    pending: () => pending,
  };
}

/**
 * A `wx` on the real stack for one phone: wx.login gets its code from the emulator for
 * `wx.persona` (an openid), and the subscribe popup answers `wx.subscribeAnswer` and, like
 * WeChat, grants the accepted sends at the emulator.
 */
function installRealWx(stack) {
  const wx = installWx(new FakeBackend());
  const net = forwarder(stack.api, path.join(stack.logs, 'downloads'));
  wx.persona = 'o_demo_resident';
  wx.subscribeAnswer = 'accept';
  wx.request.mockImplementation(net.request);
  wx.uploadFile.mockImplementation(net.uploadFile);
  wx.downloadFile.mockImplementation(net.downloadFile);
  wx.drop = net.drop;
  /** The round trips to `method` `pathname` so far, as the server answered them. */
  wx.exchanges = (method, pathname) =>
    net.exchanges.filter((e) => e.method === method && e.path === pathname);
  wx.pending = net.pending;
  wx.login.mockImplementation(({ success, fail }) => {
    httpJson(stack.emulator, 'POST', '/__emulator__/login_codes', { openid: wx.persona }).then(
      (res) => success({ code: res.code, errMsg: 'login:ok' }),
      () => fail({ errMsg: 'login:fail' })
    );
  });
  wx.requestSubscribeMessage.mockImplementation(({ tmplIds, success }) => {
    const answers = Object.fromEntries(tmplIds.map((id) => [id, wx.subscribeAnswer]));
    const grants =
      wx.subscribeAnswer === 'accept'
        ? tmplIds.map((id) =>
            httpJson(stack.emulator, 'POST', '/__emulator__/credits', {
              openid: wx.persona,
              template_id: id,
              count: 1,
            })
          )
        : [];
    Promise.all(grants).then(() => success({ errMsg: 'requestSubscribeMessage:ok', ...answers }));
  });
  /** Another phone: a different WeChat user, with an empty storage. */
  wx.switchTo = (openid) => {
    wx.persona = openid;
    wx.storage.clear();
  };
  return wx;
}

module.exports = { startStack, installRealWx, httpJson };
