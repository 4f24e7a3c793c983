/** @jest-environment jsdom */
// 首页, rendered: greeting, unread count, pinned notices, quick actions, the workbench per role
// (报事处理, 扫码签到 also for organisers, the notice tools), states.

const { FakeBackend, installWx, settle, reply, jsonError } = require('../helpers/wx');
const { renderPage, texts, tap } = require('../helpers/pages');
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
  // 通知 is the fourth tab: 首页 · 报事 · 活动 · 通知 · 我的
  expect(wx.setTabBarBadge).toHaveBeenCalledWith(expect.objectContaining({ index: 3, text: '3' }));
});

test('without pinned notices it shows the latest three, and no badge when all are read', async () => {
  backend.on('GET /notices/unread-count', reply({ unread: 0 }));
  backend.on('GET /notices', reply(f.page([1, 2, 3, 4].map((id) => f.notice(id, { read: true })))));

  const comp = await open();

  expect(texts(comp, '.section-title')).toEqual(['最新通知']);
  expect(comp.instance.data.notices.map((n) => n.id)).toEqual([1, 2, 3]);
  expect(texts(comp, '.unread-none')).toEqual(['没有未读通知']);
  expect(wx.removeTabBarBadge).toHaveBeenCalledWith(expect.objectContaining({ index: 3 }));
});

test('the quick actions open 我要报事 and 志愿时长, and the 活动 and 报事 tabs', async () => {
  const comp = await open();
  expect(texts(comp, '.quick-action')).toEqual([
    '我要报事路灯、电梯、卫生等问题',
    '社区活动看看近期活动并报名',
    '我的报事查看处理进展',
    '志愿时长我的志愿服务记录',
  ]);

  tap(comp, '.action-main');
  await settle();
  comp.instance.goActivities();
  comp.instance.goMyReports();
  comp.instance.goHours();

  expect(wx.navigateTo.mock.calls.map(([arg]) => arg.url)).toEqual([
    '/pages/reports/new/index',
    '/pages/volunteer-hours/index',
  ]);
  expect(wx.switchTab.mock.calls.map(([arg]) => arg.url)).toEqual([
    '/pages/activities/index',
    '/pages/reports/mine/index',
  ]);
});

test('someone bound to no flat is asked to bind and has no workbench; a resident is not asked', async () => {
  backend.on('GET /me', reply(f.me({ roles: [] })));
  let comp = await open();
  expect(comp.dom.querySelector('.main--notice-bind')).not.toBeNull();
  expect(comp.dom.querySelector('.main--workbench')).toBeNull();

  backend.on('GET /me', reply(f.me({ roles: ['resident', 'merchant'] })));
  comp = await open();
  expect(comp.dom.querySelector('.main--notice-bind')).toBeNull();
  expect(comp.dom.querySelector('.main--workbench')).toBeNull();
  expect(backend.callsTo('GET /admin/activities')).toHaveLength(0);
});

test.each([
  [['grid_worker'], ['报事处理', '扫码签到', '发布通知', '发布记录']],
  [['admin'], ['报事处理', '扫码签到', '发布通知', '发布记录']],
  [['org_staff', 'resident'], ['报事处理']],
])('%j get the workbench %j', async (roles, buttons) => {
  backend.on('GET /me', reply(f.me({ roles })));
  backend.on('GET /admin/activities', reply(f.page([])));
  const comp = await open();

  expect(comp.dom.querySelector('.main--notice-bind')).toBeNull();
  expect(texts(comp, '.staff-action').map((text) => text.slice(0, 4))).toEqual(buttons);
  // Only organisation staff are asked whether they organise: the others scan anywhere.
  expect(backend.callsTo('GET /admin/activities')).toHaveLength(roles.includes('org_staff') ? 1 : 0);
});

test('organisation staff who organise an activity also get 扫码签到; the workbench opens each tool', async () => {
  backend.on('GET /me', reply(f.me({ roles: ['org_staff'] })));
  backend.on('GET /admin/activities', reply(f.page([{ id: 8, title: '义诊' }], 1, 1, 1)));
  const comp = await open();

  expect(backend.callsTo('GET /admin/activities')[0].query).toEqual({ status: 'published', page_size: '1' });
  expect(texts(comp, '.staff-action').map((text) => text.slice(0, 4))).toEqual(['报事处理', '扫码签到']);
  expect(comp.dom.querySelector('.main--notice-bind')).toBeNull();

  comp.instance.goStaffReports();
  comp.instance.goScanner();
  expect(wx.navigateTo.mock.calls.map(([arg]) => arg.url)).toEqual([
    '/pages/staff/reports/index',
    '/pages/staff/checkin-scanner/index',
  ]);

  comp.instance.onShow(); // back on the page: asked once per visit, the button stays
  await settle();
  expect(backend.callsTo('GET /admin/activities')).toHaveLength(1);
  expect(comp.instance.data.work.scan).toBe(true);
});

test('when whether one organises cannot be read, 扫码签到 is simply not offered', async () => {
  backend.on('GET /me', reply(f.me({ roles: ['org_staff'] })));
  backend.on('GET /admin/activities', { fail: 'request:fail' });
  const comp = await open();

  expect(comp.instance.data.state).toBe('ready');
  expect(texts(comp, '.staff-action').map((text) => text.slice(0, 4))).toEqual(['报事处理']);
  expect(wx.showToast).not.toHaveBeenCalled();
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
