// A stand-in for WeChat's `wx` in tests, and a fake linli backend that wx.request,
// wx.uploadFile and wx.downloadFile talk to. Every stub is a jest.fn, so tests can read what
// pages asked for.

const API_PREFIX = '/api/v1';

/**
 * A response of the fake backend: {status, body}; `{fail: errMsg}` is a network failure. A
 * download's body is the temporary path WeChat saved the file to.
 */
function reply(body, status = 200) {
  return { status, body };
}

function jsonError(status, reason, message, errors = {}) {
  return { status, body: { code: status, status: 'Error', reason, message, errors } };
}

/**
 * Routes "METHOD /path" (path below /api/v1, may hold :params) to a response or a function.
 * Media (GET /media/<id>/<variant>) download as wxfile://tmp/media-<id>-<variant>.jpg.
 */
class FakeBackend {
  constructor() {
    this.routes = [];
    this.calls = [];
    this.tokens = 0;
    this.on('POST /auth/login', () => {
      this.tokens += 1;
      return reply({ token: `token-${this.tokens}`, expires_at: 4102444800, user: { id: 1 } });
    });
    this.on('GET /media/:id/:variant', (call) =>
      reply(`wxfile://tmp/media-${call.params.id}-${call.params.variant}.jpg`)
    );
  }

  /** `responder`: a reply, or a function of the call answering one. Later routes win. */
  on(route, responder) {
    const [method, path] = route.split(' ');
    const names = [];
    const pattern = new RegExp(
      `^${path.replace(/:([a-z_]+)/g, (m, name) => {
        names.push(name);
        return '([^/]+)';
      })}$`
    );
    this.routes.unshift({ method, pattern, names, responder });
    return this;
  }

  callsTo(route) {
    const [method, path] = route.split(' ');
    return this.calls.filter((c) => c.method === method && c.path === path);
  }

  handle(request) {
    const url = new URL(request.url);
    const path = url.pathname.slice(API_PREFIX.length);
    const call = {
      method: request.method || 'GET',
      path,
      query: Object.fromEntries(url.searchParams.entries()),
      header: request.header || {},
      data: request.data,
      request,
    };
    this.calls.push(call);
    for (const route of this.routes) {
      const match = route.method === call.method && route.pattern.exec(path);
      if (match) {
        call.params = {};
        route.names.forEach((name, i) => {
          call.params[name] = match[i + 1];
        });
        return typeof route.responder === 'function' ? route.responder(call) : route.responder;
      }
    }
    return jsonError(404, 'not_found', '找不到该内容');
  }
}

// Captured at load, so tests that fake timers (polling) still get their stubs answered.
const realDefer = typeof setImmediate === 'function' ? setImmediate : (fn) => setTimeout(fn, 0); // jsdom has none

function later(fn) {
  realDefer(fn);
}

// WeChat's own screens a person acts on: the photo picker, the map, the camera.
const USER_SCREENS = ['chooseMedia', 'chooseLocation', 'scanCode'];

/**
 * A fresh global `wx` wired to `backend`. Options: subscribeAnswers (what the subscribe popup
 * answers, or a function of tmplIds), modalConfirm (wx.showModal's answer).
 *
 * What a person does on WeChat's own screens is queued with `wx.will(name, result)`: each call
 * of wx.chooseMedia, wx.chooseLocation or wx.scanCode takes the next result for its success
 * (`{fail: errMsg}` for a failure); none left is a cancel.
 */
function installWx(backend, options = {}) {
  const storage = new Map();
  const planned = Object.fromEntries(USER_SCREENS.map((name) => [name, []]));
  let codes = 0;
  const onUserScreen = (name) =>
    jest.fn((req) => {
      const next = planned[name].shift();
      later(() => {
        if (next && !next.fail) req.success({ errMsg: `${name}:ok`, ...next });
        else if (req.fail) req.fail({ errMsg: next ? next.fail : `${name}:fail cancel` });
      });
    });
  const wx = {
    storage,
    modalConfirm: options.modalConfirm !== undefined ? options.modalConfirm : true,
    subscribeAnswers:
      options.subscribeAnswers || ((ids) => Object.fromEntries(ids.map((id) => [id, 'accept']))),
    getStorageSync: jest.fn((key) => (storage.has(key) ? storage.get(key) : '')),
    setStorageSync: jest.fn((key, value) => storage.set(key, JSON.parse(JSON.stringify(value)))),
    removeStorageSync: jest.fn((key) => storage.delete(key)),
    login: jest.fn(({ success }) => {
      codes += 1;
      later(() => success({ code: `wx-code-${codes}`, errMsg: 'login:ok' }));
    }),
    request: jest.fn((req) => {
      later(() => {
        const answer = backend.handle(req);
        if (answer.fail) req.fail({ errMsg: answer.fail });
        else
          req.success({
            statusCode: answer.status,
            data: answer.body === undefined ? '' : answer.body,
            header: {},
          });
      });
      return { abort: jest.fn() };
    }),
    uploadFile: jest.fn((req) => {
      const listeners = [];
      later(() => {
        listeners.forEach((cb) => cb({ progress: 50, totalBytesSent: 5, totalBytesExpectedToSend: 10 }));
        listeners.forEach((cb) => cb({ progress: 100, totalBytesSent: 10, totalBytesExpectedToSend: 10 }));
        const answer = backend.handle({ ...req, method: 'POST', data: req.formData });
        if (answer.fail) req.fail({ errMsg: answer.fail });
        else
          req.success({
            statusCode: answer.status,
            data: answer.body === undefined ? '' : JSON.stringify(answer.body),
          });
      });
      return { onProgressUpdate: (cb) => listeners.push(cb), abort: jest.fn() };
    }),
    downloadFile: jest.fn((req) => {
      later(() => {
        const answer = backend.handle({ ...req, method: 'GET' });
        if (answer.fail) req.fail({ errMsg: answer.fail });
        else
          req.success({
            statusCode: answer.status,
            tempFilePath: typeof answer.body === 'string' ? answer.body : '',
          });
      });
      return { onProgressUpdate: jest.fn(), abort: jest.fn() };
    }),
    will: (name, result) => planned[name].push(result),
    chooseMedia: onUserScreen('chooseMedia'),
    chooseLocation: onUserScreen('chooseLocation'),
    scanCode: onUserScreen('scanCode'),
    requestSubscribeMessage: jest.fn((req) => {
      const answers =
        typeof wx.subscribeAnswers === 'function' ? wx.subscribeAnswers(req.tmplIds) : wx.subscribeAnswers;
      later(() =>
        answers
          ? req.success({ errMsg: 'requestSubscribeMessage:ok', ...answers })
          : req.fail({ errMsg: 'requestSubscribeMessage:fail', errCode: 20004 })
      );
    }),
    showToast: jest.fn(),
    showLoading: jest.fn(),
    hideLoading: jest.fn(),
    showModal: jest.fn((req) => {
      later(() => {
        const res = { confirm: !!wx.modalConfirm, cancel: !wx.modalConfirm };
        if (req.success) req.success(res);
        if (req.complete) req.complete(res);
      });
    }),
    navigateTo: jest.fn(),
    redirectTo: jest.fn(),
    navigateBack: jest.fn(),
    switchTab: jest.fn(),
    stopPullDownRefresh: jest.fn(),
    setTabBarBadge: jest.fn(),
    removeTabBarBadge: jest.fn(),
    previewImage: jest.fn(),
    openLocation: jest.fn(),
    toasts: () => wx.showToast.mock.calls.map(([arg]) => arg.title),
  };
  global.wx = wx;
  return wx;
}

/** Let every pending stubbed callback and promise run. */
async function settle(rounds = 30) {
  for (let i = 0; i < rounds; i += 1) {
    // eslint-disable-next-line no-await-in-loop
    await new Promise((resolve) => realDefer(resolve));
  }
}

module.exports = { FakeBackend, installWx, settle, reply, jsonError };
