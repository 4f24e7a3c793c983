// utils/api.js against a fake backend: tokens, silent re-login, toasts, idempotency keys,
// network failures and uploads.

const { FakeBackend, installWx, reply, jsonError } = require('../helpers/wx');

const KEY_FORMAT = /^[A-Za-z0-9_\-:.]{8,64}$/; // app/core/idempotency.py
const SESSION = 'linli.session';

let backend;
let wx;
let api;

beforeEach(() => {
  jest.resetModules();
  backend = new FakeBackend();
  wx = installWx(backend);
  api = require('../../utils/api'); // eslint-disable-line global-require
});

function storeToken(token, expiresAt = 4102444800) {
  wx.storage.set(SESSION, { token, expires_at: expiresAt, user: { id: 7 } });
}

describe('login and tokens', () => {
  test('without a stored token it logs in with the wx.login code and the community slug', async () => {
    backend.on('GET /me', (call) => reply({ id: 1, auth: call.header.Authorization }));

    const me = await api.get('/me');

    const [login] = backend.callsTo('POST /auth/login');
    expect(login.data).toEqual({ code: 'wx-code-1', community: 'beijiao' });
    expect(login.header.Authorization).toBeUndefined();
    expect(me.auth).toBe('Bearer token-1');
    expect(wx.storage.get(SESSION).token).toBe('token-1');
  });

  test('a stored token is sent as a bearer token without logging in again', async () => {
    storeToken('kept');
    backend.on('GET /notices/unread-count', (call) =>
      reply({ unread: call.header.Authorization === 'Bearer kept' ? 2 : -1 })
    );

    await expect(api.get('/notices/unread-count')).resolves.toEqual({ unread: 2 });
    expect(wx.login).not.toHaveBeenCalled();
  });

  test('an expired stored token is replaced before the request goes out', async () => {
    storeToken('old', Math.floor(Date.now() / 1000) - 10);
    backend.on('GET /me', (call) => reply({ auth: call.header.Authorization }));

    await expect(api.get('/me')).resolves.toEqual({ auth: 'Bearer token-1' });
    expect(backend.calls.filter((c) => c.header.Authorization === 'Bearer old')).toHaveLength(0);
  });

  test('a 401 logs in again silently and repeats the request once, with the same Idempotency-Key', async () => {
    storeToken('stale');
    backend.on('POST /notices/:id/acknowledge', (call) =>
      call.header.Authorization === 'Bearer stale'
        ? jsonError(401, 'token_invalid', '登录已失效，请重新登录')
        : reply({ id: 5, acknowledged: true })
    );

    const notice = await api.post('/notices/5/acknowledge', undefined, { idempotencyKey: 'mp-ack-000001' });

    expect(notice.acknowledged).toBe(true);
    const tries = backend.callsTo('POST /notices/5/acknowledge');
    expect(tries.map((c) => c.header.Authorization)).toEqual(['Bearer stale', 'Bearer token-1']);
    expect(tries.map((c) => c.header['Idempotency-Key'])).toEqual(['mp-ack-000001', 'mp-ack-000001']);
    expect(wx.showToast).not.toHaveBeenCalled();
  });

  test('a second 401 is an error, not a loop', async () => {
    storeToken('stale');
    backend.on('GET /me', jsonError(401, 'token_invalid', '登录已失效，请重新登录'));

    await expect(api.get('/me')).rejects.toMatchObject({ status: 401, reason: 'token_invalid' });

    expect(backend.callsTo('GET /me')).toHaveLength(2);
    expect(backend.callsTo('POST /auth/login')).toHaveLength(1);
    expect(wx.toasts()).toEqual(['登录已失效，请重新登录']);
  });

  test('requests that get a 401 together share one new login', async () => {
    storeToken('stale');
    backend.on('GET /me', (call) =>
      call.header.Authorization === 'Bearer stale'
        ? jsonError(401, 'token_invalid', '登录已失效')
        : reply({ ok: true })
    );

    await Promise.all([api.get('/me'), api.get('/me'), api.get('/me')]);

    expect(backend.callsTo('POST /auth/login')).toHaveLength(1);
  });

  test('a failing wx.login is reported as such', async () => {
    wx.login.mockImplementation(({ fail }) => fail({ errMsg: 'login:fail' }));

    await expect(api.get('/me')).rejects.toMatchObject({ reason: 'wx_login_failed' });
    expect(wx.toasts()).toEqual(['微信登录失败，请稍后重试']);
    expect(backend.callsTo('GET /me')).toHaveLength(0);
  });
});

describe('writes carry an Idempotency-Key', () => {
  beforeEach(() => storeToken('t'));

  test.each(['POST', 'PUT', 'PATCH', 'DELETE'])(
    '%s gets a well-formed key; GET gets none',
    async (method) => {
      backend.on(`${method} /things`, reply(null, 204));
      backend.on('GET /things', reply({ items: [] }));

      await api.request({ method, path: '/things', data: { a: 1 } });
      await api.get('/things');

      const [write] = backend.callsTo(`${method} /things`);
      expect(write.header['Idempotency-Key']).toMatch(KEY_FORMAT);
      expect(backend.callsTo('GET /things')[0].header['Idempotency-Key']).toBeUndefined();
    }
  );

  test('two actions get two keys; a caller can reuse its key to retry the same action', async () => {
    backend.on('POST /things', reply({}, 201));

    await api.post('/things', {});
    await api.post('/things', {});
    const key = api.newIdempotencyKey();
    await api.post('/things', {}, { idempotencyKey: key });
    await api.post('/things', {}, { idempotencyKey: key });

    const keys = backend.callsTo('POST /things').map((c) => c.header['Idempotency-Key']);
    expect(keys[0]).not.toBe(keys[1]);
    expect(keys[2]).toBe(key);
    expect(keys[3]).toBe(key);
    expect(key).toMatch(KEY_FORMAT);
  });

  test('a JSON body is sent as JSON, a query string is built without empty values', async () => {
    backend.on('POST /me/phone', (call) => reply({ got: call.data, type: call.header['Content-Type'] }));
    backend.on('GET /notices', (call) => reply({ query: call.query }));

    await expect(api.post('/me/phone', { code: 'c1' })).resolves.toEqual({
      got: { code: 'c1' },
      type: 'application/json',
    });
    await expect(
      api.get('/notices', { page: 2, unread_only: true, skip: undefined, none: null })
    ).resolves.toEqual({
      query: { page: '2', unread_only: 'true' },
    });
  });
});

describe('errors', () => {
  beforeEach(() => storeToken('t'));

  test("the backend's message becomes a toast; reason, status and errors reach the caller", async () => {
    backend.on(
      'POST /me/households/claims',
      jsonError(422, 'validation_failed', '提交的内容有误，请检查后重试', { flat: ['房号格式不对'] })
    );

    const error = await api.post('/me/households/claims', { flat: 'x' }).catch((e) => e);

    expect(error).toBeInstanceOf(api.ApiError);
    expect(error).toMatchObject({
      status: 422,
      reason: 'validation_failed',
      errors: { flat: ['房号格式不对'] },
    });
    expect(wx.showToast).toHaveBeenCalledWith({
      title: '提交的内容有误，请检查后重试',
      icon: 'none',
      duration: 2500,
    });
  });

  test('toast: false leaves the message to the caller', async () => {
    backend.on('GET /notices/9', jsonError(404, 'notice_not_found', '找不到该通知'));

    await expect(api.get('/notices/9', null, { toast: false })).rejects.toMatchObject({
      reason: 'notice_not_found',
      message: '找不到该通知',
    });
    expect(wx.showToast).not.toHaveBeenCalled();
  });

  test.each([
    [503, '<html>Service Unavailable</html>'],
    [502, ''],
    [504, undefined],
  ])('%i without our JSON error says the service is busy', async (status, body) => {
    backend.on('GET /me', { status, body });

    await expect(api.get('/me')).rejects.toMatchObject({
      status,
      reason: 'unavailable',
      message: '服务繁忙，请稍后再试',
    });
    expect(wx.toasts()).toEqual(['服务繁忙，请稍后再试']);
  });

  test("503 with linli's JSON error keeps its more precise message", async () => {
    backend.on('POST /me/phone', jsonError(503, 'wechat_unavailable', '微信服务暂时不可用，请稍后再试'));

    await expect(api.post('/me/phone', { code: 'c' })).rejects.toMatchObject({
      reason: 'wechat_unavailable',
    });
    expect(wx.toasts()).toEqual(['微信服务暂时不可用，请稍后再试']);
  });

  test('a dropped connection and a timeout each get their own message', async () => {
    backend.on('GET /a', { fail: 'request:fail errcode:-101 cronet_error_code:-101' });
    backend.on('GET /b', { fail: 'request:fail timeout' });

    await expect(api.get('/a')).rejects.toMatchObject({ status: 0, reason: 'network_error' });
    await expect(api.get('/b')).rejects.toMatchObject({ status: 0, reason: 'timeout' });
    expect(wx.toasts()).toEqual(['网络连接失败，请检查网络后重试', '网络超时，请稍后重试']);
  });

  test('204 answers null', async () => {
    backend.on('DELETE /me/households/:id', reply(undefined, 204));
    await expect(api.del('/me/households/3')).resolves.toBeNull();
  });
});

describe('upload', () => {
  test('sends the file through wx.uploadFile with our token and reports progress', async () => {
    storeToken('t');
    backend.on('POST /media', (call) => reply({ url: 'https://x/1.jpg', form: call.data }, 201));
    const progress = [];

    const result = await api.upload({
      path: '/media',
      filePath: 'wxfile://tmp/1.jpg',
      name: 'photo',
      formData: { purpose: 'report' },
      onProgress: (percent) => progress.push(percent),
    });

    expect(result).toEqual({ url: 'https://x/1.jpg', form: { purpose: 'report' } });
    expect(progress).toEqual([50, 100]);
    const [req] = wx.uploadFile.mock.calls[0];
    expect(req).toMatchObject({
      url: 'http://127.0.0.1:8000/api/v1/media',
      filePath: 'wxfile://tmp/1.jpg',
      name: 'photo',
    });
    expect(req.header.Authorization).toBe('Bearer t');
    expect(req.header['Idempotency-Key']).toMatch(KEY_FORMAT);
  });

  test('a 401 during upload logs in again and uploads once more with the same key', async () => {
    storeToken('stale');
    backend.on('POST /media', (call) =>
      call.header.Authorization === 'Bearer stale'
        ? jsonError(401, 'token_invalid', '登录已失效')
        : reply({ ok: 1 }, 201)
    );

    await expect(api.upload({ path: '/media', filePath: 'f' })).resolves.toEqual({ ok: 1 });

    const keys = wx.uploadFile.mock.calls.map(([req]) => req.header['Idempotency-Key']);
    expect(keys).toHaveLength(2);
    expect(keys[0]).toBe(keys[1]);
  });

  test('an upload error shows the backend message', async () => {
    storeToken('t');
    backend.on('POST /media', jsonError(413, 'payload_too_large', '提交的内容太大'));

    await expect(api.upload({ path: '/media', filePath: 'f' })).rejects.toMatchObject({
      reason: 'payload_too_large',
    });
    expect(wx.toasts()).toEqual(['提交的内容太大']);
  });
});

describe('download', () => {
  test('fetches the file through wx.downloadFile with our token and answers its temporary path', async () => {
    storeToken('t');

    await expect(api.download({ path: '/media/41/thumb' })).resolves.toBe('wxfile://tmp/media-41-thumb.jpg');

    const [req] = wx.downloadFile.mock.calls[0];
    expect(req.url).toBe('http://127.0.0.1:8000/api/v1/media/41/thumb');
    expect(req.header.Authorization).toBe('Bearer t');
    expect(req.header['Idempotency-Key']).toBeUndefined();
    expect(wx.request).not.toHaveBeenCalled();
  });

  test('a path the API handed out (/api/v1/…) is fetched as it is', async () => {
    storeToken('t');

    await api.download({ path: '/api/v1/media/7/original' });

    expect(backend.callsTo('GET /media/7/original')).toHaveLength(1);
    expect(wx.downloadFile.mock.calls[0][0].url).toBe('http://127.0.0.1:8000/api/v1/media/7/original');
  });

  test('a 401 logs in again silently and downloads once more; a second 401 is an error', async () => {
    storeToken('stale');
    backend.on('GET /media/:id/:variant', (call) =>
      call.header.Authorization === 'Bearer stale'
        ? jsonError(401, 'token_invalid', '登录已失效')
        : reply('wxfile://tmp/fresh.jpg')
    );

    await expect(api.download({ path: '/media/5/thumb' })).resolves.toBe('wxfile://tmp/fresh.jpg');
    expect(backend.callsTo('GET /media/5/thumb').map((c) => c.header.Authorization)).toEqual([
      'Bearer stale',
      'Bearer token-1',
    ]);
    expect(wx.showToast).not.toHaveBeenCalled();

    backend.on('GET /media/:id/:variant', jsonError(401, 'token_invalid', '登录已失效'));
    await expect(api.download({ path: '/media/6/thumb' })).rejects.toMatchObject({ status: 401 });
    expect(backend.callsTo('GET /media/6/thumb')).toHaveLength(2);
    expect(backend.callsTo('POST /auth/login')).toHaveLength(2);
  });

  test('errors reject like requests: a toast unless toast: false, network failures by name', async () => {
    storeToken('t');
    backend.on('GET /media/1/thumb', jsonError(404, 'media_not_found', '找不到该图片'));
    backend.on('GET /media/2/thumb', { status: 503, body: '' });
    backend.on('GET /media/3/thumb', { fail: 'downloadFile:fail timeout' });

    await expect(api.download({ path: '/media/1/thumb', toast: false })).rejects.toMatchObject({
      status: 404,
    });
    expect(wx.showToast).not.toHaveBeenCalled();
    await expect(api.download({ path: '/media/2/thumb' })).rejects.toMatchObject({
      status: 503,
      reason: 'unavailable',
    });
    await expect(api.download({ path: '/media/3/thumb' })).rejects.toMatchObject({ reason: 'timeout' });
    expect(wx.toasts()).toEqual(['服务繁忙，请稍后再试', '网络超时，请稍后重试']);
  });

  test('a success without a file is an error, not an empty path', async () => {
    storeToken('t');
    backend.on('GET /media/1/thumb', reply(undefined, 200));

    await expect(api.download({ path: '/media/1/thumb', toast: false })).rejects.toBeInstanceOf(api.ApiError);
  });
});

test("fieldMessages: a 422's first message for each field, as the form shows it under the field", async () => {
  storeToken('t');
  backend.on(
    'POST /me/households/claims',
    jsonError(422, 'validation_failed', '提交的内容有误', {
      flat: ['房号格式应为“楼栋-单元-房号”', '另一条'],
      name: 'Missing data for required field.',
      answers: { contact: ['Field may not be null.'] },
    })
  );

  const error = await api.post('/me/households/claims', {}, { toast: false }).catch((e) => e);

  expect(api.fieldMessages(error.errors)).toEqual({
    flat: '房号格式应为“楼栋-单元-房号”',
    name: 'Missing data for required field.',
    answers: '填写有误',
  });
  expect(api.fieldMessages(undefined)).toEqual({});
});
