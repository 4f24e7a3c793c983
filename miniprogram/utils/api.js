// The one way pages talk to linli: our own login token, silent re-login, error toasts,
// Idempotency-Key on writes, uploads with progress, and downloads of files behind our login.
//
// Every failure rejects with an ApiError carrying `status` (0 when nothing came back), the
// backend's stable `reason` (pages branch on it) and a Chinese `message` (already shown as a
// toast unless the caller passed `toast: false`).

const config = require('../config');

const SESSION_KEY = 'linli.session';
const API_PREFIX = '/api/v1';
const WRITES = ['POST', 'PUT', 'PATCH', 'DELETE'];
// A token this close to expiry is replaced before use rather than sent to earn a 401.
const EXPIRY_MARGIN_MS = 60 * 1000;

const MESSAGES = {
  busy: '服务繁忙，请稍后再试',
  network: '网络连接失败，请检查网络后重试',
  timeout: '网络超时，请稍后重试',
  login: '微信登录失败，请稍后重试',
  unknown: '请求失败，请稍后再试',
};

class ApiError extends Error {
  constructor({ status = 0, reason = 'unknown', message = MESSAGES.unknown, errors = {} }) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.reason = reason;
    this.errors = errors || {};
  }
}

/**
 * The first message for each field a 422 refused (`error.errors`: field → [messages]), as a form
 * shows it under the field. A nested field's errors (an object) read 填写有误.
 */
function fieldMessages(errors) {
  const out = {};
  Object.keys(errors || {}).forEach((field) => {
    const value = errors[field];
    const text = Array.isArray(value) ? value[0] : value;
    out[field] = typeof text === 'string' ? text : '填写有误';
  });
  return out;
}

/** A fresh key for one user action; pass it again to retry that same action. */
function newIdempotencyKey() {
  const random = Math.random().toString(36).slice(2, 12).padEnd(10, '0');
  return `mp-${Date.now().toString(36)}-${random}`;
}

// -- the session ----------------------------------------------------------------------------

function readSession() {
  const session = wx.getStorageSync(SESSION_KEY);
  return session && session.token ? session : null;
}

function saveSession(result) {
  const session = { token: result.token, expires_at: result.expires_at, user: result.user };
  wx.setStorageSync(SESSION_KEY, session);
  return session;
}

function clearSession() {
  wx.removeStorageSync(SESSION_KEY);
}

/** The profile that came with the last login (may be stale; GET /me is the truth). */
function cachedUser() {
  const session = readSession();
  return session ? session.user : null;
}

function wxLoginCode() {
  return new Promise((resolve, reject) => {
    wx.login({
      success: (res) =>
        res.code
          ? resolve(res.code)
          : reject(new ApiError({ reason: 'wx_login_failed', message: MESSAGES.login })),
      fail: () => reject(new ApiError({ reason: 'wx_login_failed', message: MESSAGES.login })),
    });
  });
}

let loginInFlight = null;

/** wx.login → POST /auth/login; concurrent callers share one login. Resolves the session. */
function login() {
  if (!loginInFlight) {
    loginInFlight = (async () => {
      const code = await wxLoginCode();
      const response = await transmit(jsonTransport, {
        method: 'POST',
        path: '/auth/login',
        data: { code, community: config.community },
      });
      if (response.statusCode !== 200) throw errorFrom(response);
      return saveSession(response.data);
    })();
    const forget = () => {
      loginInFlight = null;
    };
    loginInFlight.then(forget, forget);
  }
  return loginInFlight;
}

async function currentToken() {
  const session = readSession();
  if (session && session.expires_at * 1000 - EXPIRY_MARGIN_MS > Date.now()) return session.token;
  return (await login()).token;
}

// -- transports -----------------------------------------------------------------------------

function queryString(query) {
  const parts = Object.keys(query || {})
    .filter((key) => query[key] !== undefined && query[key] !== null && query[key] !== '')
    .map((key) => `${encodeURIComponent(key)}=${encodeURIComponent(String(query[key]))}`);
  return parts.length ? `?${parts.join('&')}` : '';
}

/** `path` is below /api/v1 ('/notices'); one the API handed out ('/api/v1/media/…') is taken as is. */
function urlOf(path, query) {
  const full = path.indexOf(`${API_PREFIX}/`) === 0 ? path : `${API_PREFIX}${path}`;
  return `${config.apiBaseUrl}${full}${queryString(query)}`;
}

function networkError(err) {
  const text = (err && err.errMsg) || '';
  return /timeout/i.test(text)
    ? new ApiError({ reason: 'timeout', message: MESSAGES.timeout })
    : new ApiError({ reason: 'network_error', message: MESSAGES.network });
}

function jsonTransport(options, header) {
  return new Promise((resolve, reject) => {
    const hasBody = options.data !== undefined && options.method !== 'GET';
    wx.request({
      url: urlOf(options.path, options.query),
      method: options.method,
      data: hasBody ? options.data : undefined,
      header: hasBody ? { ...header, 'Content-Type': 'application/json' } : header,
      timeout: config.requestTimeoutMs,
      success: resolve,
      fail: (err) => reject(networkError(err)),
    });
  });
}

function uploadTransport(options, header) {
  return new Promise((resolve, reject) => {
    const task = wx.uploadFile({
      url: urlOf(options.path),
      filePath: options.filePath,
      name: options.name || 'file',
      formData: options.formData || {},
      header,
      timeout: config.requestTimeoutMs,
      success: (res) => resolve({ ...res, data: parseBody(res.data) }),
      fail: (err) => reject(networkError(err)),
    });
    if (task && options.onProgress) {
      task.onProgressUpdate((res) => options.onProgress(res.progress, res));
    }
  });
}

// A download's body is the file: a 2xx answers its temporary path, an error only its status
// (what the server said lies in that file, which we do not read).
function downloadTransport(options, header) {
  return new Promise((resolve, reject) => {
    wx.downloadFile({
      url: urlOf(options.path, options.query),
      header: { ...header, Accept: '*/*' }, // an image, or whatever the file is
      timeout: config.requestTimeoutMs,
      success: (res) => {
        const ok = res.statusCode >= 200 && res.statusCode < 300;
        if (ok && !res.tempFilePath) reject(new ApiError({ reason: 'download_failed' }));
        else resolve({ statusCode: res.statusCode, data: ok ? res.tempFilePath : null });
      },
      fail: (err) => reject(networkError(err)),
    });
  });
}

function parseBody(data) {
  if (typeof data !== 'string' || !data) return data;
  try {
    return JSON.parse(data);
  } catch (error) {
    return data;
  }
}

function transmit(transport, options, token, idempotencyKey) {
  const header = { Accept: 'application/json' };
  if (token) header.Authorization = `Bearer ${token}`;
  if (idempotencyKey) header['Idempotency-Key'] = idempotencyKey;
  return transport(options, header);
}

// -- answers --------------------------------------------------------------------------------

function errorFrom(response) {
  const status = response.statusCode;
  const body = response.data && typeof response.data === 'object' ? response.data : null;
  if (body && body.reason) {
    return new ApiError({
      status,
      reason: body.reason,
      message: body.message || MESSAGES.unknown,
      errors: body.errors,
    });
  }
  if (status >= 500) return new ApiError({ status, reason: 'unavailable', message: MESSAGES.busy });
  return new ApiError({ status, reason: `http_${status}`, message: MESSAGES.unknown });
}

function showError(error) {
  wx.showToast({ title: error.message || MESSAGES.unknown, icon: 'none', duration: 2500 });
}

/**
 * One call with our token; a 401 drops it, logs in again and repeats the call ONCE with the
 * same Idempotency-Key. A second 401 is an error like any other: never a loop.
 */
async function call(transport, options) {
  const method = (options.method || 'GET').toUpperCase();
  const opts = { ...options, method };
  const key = WRITES.includes(method) ? options.idempotencyKey || newIdempotencyKey() : null;
  try {
    if (options.auth === false) return answer(await transmit(transport, opts, null, key));
    const token = await currentToken();
    let response = await transmit(transport, opts, token, key);
    if (response.statusCode === 401) {
      const stored = readSession();
      // Another call may have logged in again meanwhile: use its token instead of a new login.
      const fresh = stored && stored.token !== token ? stored.token : null;
      if (!fresh) clearSession();
      response = await transmit(transport, opts, fresh || (await login()).token, key);
    }
    return answer(response);
  } catch (error) {
    const failure = error instanceof ApiError ? error : new ApiError({ reason: 'client_error' });
    if (failure !== error) failure.cause = error; // a bug of ours: keep it for the console
    if (options.toast !== false) showError(failure);
    throw failure;
  }
}

function answer(response) {
  if (response.statusCode >= 200 && response.statusCode < 300) {
    return response.statusCode === 204 ? null : response.data;
  }
  throw errorFrom(response);
}

/**
 * request({method, path, query, data, idempotencyKey, toast, auth}) → the body of a 2xx.
 * `path` is below /api/v1 (e.g. '/notices'). Writes always carry an Idempotency-Key.
 */
function request(options) {
  return call(jsonTransport, options);
}

/**
 * upload({path, filePath, name, formData, onProgress(percent), idempotencyKey, toast}) →
 * the parsed body of a 2xx; a multipart POST through wx.uploadFile.
 */
function upload(options) {
  return call(uploadTransport, { ...options, method: 'POST' });
}

/**
 * download({path, query, toast}) → the temporary path of the file, fetched through
 * wx.downloadFile with our token (what <image src> cannot send, e.g. /api/v1/media/<id>/thumb).
 * `path` as for request(), or the '/api/v1/…' path the API gave. Same re-login and errors.
 */
function download(options) {
  return call(downloadTransport, { ...options, method: 'GET' });
}

module.exports = {
  ApiError,
  MESSAGES,
  fieldMessages,
  request,
  upload,
  download,
  login,
  ensureLogin: currentToken,
  clearSession,
  cachedUser,
  newIdempotencyKey,
  get: (path, query, opts = {}) => request({ ...opts, method: 'GET', path, query }),
  post: (path, data, opts = {}) => request({ ...opts, method: 'POST', path, data }),
  put: (path, data, opts = {}) => request({ ...opts, method: 'PUT', path, data }),
  patch: (path, data, opts = {}) => request({ ...opts, method: 'PATCH', path, data }),
  del: (path, opts = {}) => request({ ...opts, method: 'DELETE', path }),
};
