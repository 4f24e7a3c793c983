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
 * wx.request / wx.uploadFile as WeChat runs them, sent to the stack instead of config's
 * apiBaseUrl. `drop(predicate)` makes the next matching request reach the server but lose its
 * answer on the way back (a phone losing its connection), to test retries.
 */
function forwarder(apiBase) {
  const target = new URL(apiBase);
  const drops = [];

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
    const req = http.request(url, { method, headers }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c) => {
        text += c;
      });
      res.on('end', () => (dropped ? onFail('request:fail connection reset') : onAnswer(res, text)));
    });
    req.setTimeout(config.requestTimeoutMs, () => req.destroy(new Error('timeout')));
    req.on('error', (e) => onFail(`request:fail ${e.message}`));
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
      onAnswer: (res, text) =>
        options.success({
          statusCode: res.statusCode,
          data: parse(text, res.headers['content-type']),
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
        onAnswer: (res, text) => options.success({ statusCode: res.statusCode, data: text }),
        onFail: (errMsg) => options.fail({ errMsg }),
      })
    );
    return { onProgressUpdate: (cb) => listeners.push(cb), abort() {} };
  }

  return { request, uploadFile, drop: (predicate) => drops.push(predicate) };
}

/**
 * A `wx` on the real stack for one phone: wx.login gets its code from the emulator for
 * `wx.persona` (an openid), and the subscribe popup answers `wx.subscribeAnswer` and, like
 * WeChat, grants the accepted sends at the emulator.
 */
function installRealWx(stack) {
  const wx = installWx(new FakeBackend());
  const net = forwarder(stack.api);
  wx.persona = 'o_demo_resident';
  wx.subscribeAnswer = 'accept';
  wx.request.mockImplementation(net.request);
  wx.uploadFile.mockImplementation(net.uploadFile);
  wx.drop = net.drop;
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
