/** @jest-environment jsdom */
// 首页, rendered: greeting, unread count, pinned notices, quick actions per role, states.

const { FakeBackend, installWx, settle, reply, jsonError } = require('../helpers/wx');
const { renderPage, texts } = require('../helpers/pages');
const f = require('../helpers/fixtures');

let backend;
let wx;

beforeEach(() => {
  backend = new FakeBackend();
  backend.on('GET /me', reply(f.me({ roles: ['resident'] })));
  backend.on('GET /notices/unread-count', reply({ unread: 3 }));
  backend.on('GET /notices', reply(f.page([f.notice(1, { pinned: true }), f.notice(2), f.notice(3)])));
  wx = installWx(backend);
});

async function open() {
  const comp = renderPage('pages/index/index');
  comp.instance.onLoad();
  comp.instance.onShow();
  await settle();
  return comp;
}

test('greets the resident, shows the unread count and only the pinned notices', async () => {
  const comp = await open();

  expect(texts(comp, '.hello .title')).toEqual(['北焦居民小王，您好']);
  expect(texts(comp, '.hello .secondary')).toEqual(['北焦社区']);
  expect(texts(comp, '.unread-count')).toEqual(['3']);
  expect(texts(comp, '.section-title')).toEqual(['置顶通知']);
  expect(comp.instance.data.notices.map((n) => n.id)).toEqual([1]);
  expect(wx.setTabBarBadge).toHaveBeenCalledWith(expect.objectContaining({ index: 1, text: '3' }));
});

test('without pinned notices it shows the latest three, and no badge when all are read', async () => {
  backend.on('GET /notices/unread-count', reply({ unread: 0 }));
  backend.on('GET /notices', reply(f.page([1, 2, 3, 4].map((id) => f.notice(id, { read: true })))));

  const comp = await open();

  expect(texts(comp, '.section-title')).toEqual(['最新通知']);
  expect(comp.instance.data.notices.map((n) => n.id)).toEqual([1, 2, 3]);
  expect(texts(comp, '.unread-none')).toEqual(['没有未读通知']);
  expect(wx.removeTabBarBadge).toHaveBeenCalled();
});

test('someone bound to no flat is asked to bind; staff get the notice workbench', async () => {
  backend.on('GET /me', reply(f.me({ roles: [] })));
  let comp = await open();
  expect(comp.dom.querySelector('.main--notice-bind')).not.toBeNull();
  expect(comp.dom.querySelectorAll('.main--staff-action')).toHaveLength(0);

  backend.on('GET /me', reply(f.me({ roles: ['grid_worker'] })));
  comp = await open();
  expect(comp.dom.querySelector('.main--notice-bind')).toBeNull();
  expect(texts(comp, '.staff-action')).toEqual(['发布通知向网格住户推送', '发布记录阅读与送达情况']);
});

test('a failed load shows the error with a retry that loads again', async () => {
  backend.on('GET /notices/unread-count', { fail: 'request:fail timeout' });
  const comp = await open();

  expect(comp.instance.data.state).toBe('error');
  expect(comp.dom.textContent).toContain('网络超时，请稍后重试');
  expect(wx.showToast).not.toHaveBeenCalled(); // shown in the page, not twice

  backend.on('GET /notices/unread-count', reply({ unread: 0 }));
  comp.instance.retry();
  await settle();
  expect(comp.instance.data.state).toBe('ready');
});

test('an expired session is renewed silently: the page still shows its data', async () => {
  wx.storage.set('linli.session', { token: 'expired-on-server', expires_at: 4102444800 });
  const real = backend.handle.bind(backend);
  backend.handle = (req) =>
    req.header && req.header.Authorization === 'Bearer expired-on-server'
      ? jsonError(401, 'token_invalid', '登录已失效，请重新登录')
      : real(req);

  const comp = await open();

  expect(comp.instance.data.state).toBe('ready');
  expect(wx.login).toHaveBeenCalledTimes(1);
  expect(texts(comp, '.unread-count')).toEqual(['3']);
});
