/**
 * Contract test: the mini-program's pages and utils/api.js against the RUNNING backend.
 *
 * start_backend.py starts the real stack (throwaway MariaDB database with the demo community,
 * its own Redis DB, the WeChat emulator, gunicorn and a Celery worker); wx.request and
 * wx.uploadFile are forwarded to it over HTTP, wx.login and the phone button get their codes
 * from the emulator. The walk, as the pages would show it:
 *
 *   staff set-up  the admin configures the notice subscribe template (linli + emulator)
 *   login         the demo resident opens 我的: logged in silently, not yet bound
 *   bind          they bind their phone (13800138000, primary tenant of 1-1-0101 on the demo
 *                 roster): masked number, role 居民, flat 1-1-0101 bound automatically
 *   subscribe     they turn on notice reminders: the popup's answer reaches linli as a credit
 *   compose       the admin publishes a pinned notice needing 已知晓 to the whole community;
 *                 the first answer is lost on the way back and the retry (same
 *                 Idempotency-Key) still makes exactly one notice
 *   deliver       the report page follows the WeChat push until the resident's message is
 *                 sent (recorded by the emulator, opening the notice page)
 *   read          the resident sees it on 首页 and in 通知, opens it and taps 已知晓
 *   report        the admin sees 1 reader and 1 confirming household, nobody left unreached
 *   re-login      a revoked token is replaced silently on the next page load
 *   upload        utils/api.js uploads a file with progress to the real multipart endpoint
 *                 (the roster upload, until report photos have theirs)
 *
 * TODO(issue 7, when issues 5 and 6 land): add the acceptance's remaining steps to this walk —
 *   "report with a photo" (報事 form: wx.chooseMedia → api.upload with progress → submit →
 *   subscribe popup for report_update → my reports / detail timeline) and "sign up" (activity
 *   list → detail → sign-up with household members → subscribe popup for activity_signup →
 *   my sign-ups) — once the backend has those endpoints.
 */

const { capturePage } = require('../helpers/pages');
const { settle } = require('../helpers/wx');
const { startStack, installRealWx, httpJson } = require('./stack');

const RESIDENT = 'o_demo_resident';
const ADMIN = 'o_demo_admin';
const TEMPLATE = 'tpl_mp_contract_notice';

let stack;
let wx;
const walk = {};

jest.setTimeout(90000);

beforeAll(async () => {
  stack = await startStack();
  wx = installRealWx(stack);
}, 120000);

afterAll(async () => {
  if (stack) await stack.stop();
}, 60000);

async function until(check, what, seconds = 30) {
  const deadline = Date.now() + seconds * 1000;
  for (;;) {
    // eslint-disable-next-line no-await-in-loop
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`gave up waiting for ${what}`);
    // eslint-disable-next-line no-await-in-loop
    await new Promise((resolve) => setTimeout(resolve, 300));
  }
}

async function open(pagePath, query) {
  const page = capturePage(pagePath);
  if (page.onLoad) page.onLoad(query || {});
  page.onShow();
  await until(() => page.data.state && page.data.state !== 'loading', `${pagePath} to load`);
  return page;
}

/** Let a page's tap handler and the real HTTP round trips it started finish. */
async function done(promise) {
  await promise;
  await settle();
}

test('staff set-up: the admin configures the notice template', async () => {
  wx.switchTo(ADMIN);
  const fields = { thing1: 'thing', time2: 'time', thing3: 'thing' };
  await httpJson(stack.emulator, 'POST', '/__emulator__/templates', { template_id: TEMPLATE, fields });
  const api = require('../../utils/api'); // eslint-disable-line global-require
  // The demo community comes with a notice template; the admin points it at another one.
  const seeded = (await api.get('/admin/subscribe-templates')).find((t) => t.purpose === 'notice');

  const template = await api.patch(`/admin/subscribe-templates/${seeded.id}`, {
    template_id: TEMPLATE,
    title: '社区通知',
    fields,
    mapping: { thing1: 'title', time2: 'published_at', thing3: 'author' },
    page: 'pages/notice-detail/index',
  });

  expect(template).toMatchObject({ purpose: 'notice', template_id: TEMPLATE, is_active: true });
});

test('login: 我的 shows the newly logged-in resident, not yet bound', async () => {
  wx.switchTo(RESIDENT);
  const me = await open('pages/me/index.js');

  expect(wx.login).toHaveBeenCalled();
  expect(me.data.state).toBe('ready');
  expect(me.data.profile).toMatchObject({
    nickname: '北焦居民小王',
    communityName: '北焦社区',
    phoneBound: false,
    roles: [],
  });
  expect(me.data.bindings).toEqual([]);
  walk.me = me;
});

test('bind: the phone button binds 13800138000 and with it flat 1-1-0101', async () => {
  const { code } = await httpJson(stack.emulator, 'POST', '/__emulator__/phone_codes', {
    openid: RESIDENT,
    phone: '13800138000',
  });

  await done(walk.me.onGetPhoneNumber({ detail: { code, errMsg: 'getPhoneNumber:ok' } }));

  expect(walk.me.data.profile).toMatchObject({ phone: '138****8000', phoneBound: true, roles: ['居民'] });
  expect(walk.me.data.bindings).toEqual([
    expect.objectContaining({ flat: '1-1-0101', relationText: '承租人', methodText: '手机号自动绑定' }),
  ]);
  expect(wx.toasts()).toContain('已绑定房屋 1-1-0101');

  // The same code again is spent: the page shows the backend's message and stays bound.
  await done(walk.me.onGetPhoneNumber({ detail: { code } }));
  expect(wx.toasts()).toContain('手机号授权已失效，请重新授权');
  expect(walk.me.data.profile.phoneBound).toBe(true);
});

test('subscribe: turning on reminders grants linli one notice message', async () => {
  const notices = await open('pages/notices/index.js');
  expect(notices.data.state).toBe('empty');

  await done(notices.enableReminders());

  expect(wx.requestSubscribeMessage.mock.calls[0][0].tmplIds).toEqual([TEMPLATE]);
  expect(wx.toasts()).toContain('已开启，下一条通知将通过微信提醒您');
  const api = require('../../utils/api'); // eslint-disable-line global-require
  const mine = (await api.get('/me/subscriptions')).find((t) => t.purpose === 'notice');
  expect(mine).toMatchObject({ purpose: 'notice', template_id: TEMPLATE, count: 1, last_status: 'accept' });
});

test('compose: the admin publishes to the whole community; a lost answer is retried, not doubled', async () => {
  wx.switchTo(ADMIN);
  const compose = await open('pages/staff/compose/index.js');
  expect(compose.data.kind).toBe('community');
  const type = (field, value) =>
    compose.onInput({ currentTarget: { dataset: { field } }, detail: { value } });
  type('title', '1号楼明日停水');
  type('body', '因管道维修，1号楼明天 9:00-12:00 停水，请提前储水。');
  compose.onSwitch({ currentTarget: { dataset: { field: 'pinned' } }, detail: { value: true } });
  compose.onSwitch({ currentTarget: { dataset: { field: 'requires_ack' } }, detail: { value: true } });

  wx.drop((method, pathname) => method === 'POST' && pathname === '/api/v1/admin/notices');
  await done(compose.submit());
  expect(wx.toasts()).toContain('网络连接失败，请检查网络后重试');
  expect(wx.redirectTo).not.toHaveBeenCalled();

  await done(compose.submit());

  const [{ url }] = wx.redirectTo.mock.calls[0];
  walk.noticeId = Number(/id=(\d+)/.exec(url)[1]);
  const api = require('../../utils/api'); // eslint-disable-line global-require
  const list = await api.get('/admin/notices');
  expect(list.items.map((n) => n.id)).toEqual([walk.noticeId]);
  expect(list.items[0]).toMatchObject({
    title: '1号楼明日停水',
    pinned: true,
    requires_ack: true,
    audience: { kind: 'community' },
  });
});

test('deliver: the report follows the WeChat push until the resident has been sent the message', async () => {
  const report = await open('pages/staff/report/index.js', { id: String(walk.noticeId) });
  report.stopPolling(); // this test drives the refreshes itself instead of waiting on timers
  expect(report.data.report).toMatchObject({
    title: '1号楼明日停水',
    recipients: 1,
    households: 1,
    push: 'queued',
  });

  await until(async () => {
    await report.poll();
    report.stopPolling();
    return !report.data.report.sending;
  }, 'the push to finish');

  expect(report.data.report.progress).toMatchObject({ sent: 1, total: 1 });
  const sends = await httpJson(
    stack.emulator,
    'GET',
    `/__emulator__/sends?openid=${RESIDENT}&template_id=${TEMPLATE}`
  );
  expect(sends.items).toHaveLength(1);
  expect(JSON.stringify(sends.items[0])).toContain(`pages/notice-detail/index?id=${walk.noticeId}`);
});

test('read: the resident sees the notice pinned on 首页 and in 通知, opens it and confirms', async () => {
  wx.switchTo(RESIDENT);
  const home = await open('pages/index/index.js');
  expect(home.data).toMatchObject({ unread: 1, noticesArePinned: true, needsHousehold: false });
  expect(home.data.notices.map((n) => n.title)).toEqual(['1号楼明日停水']);

  const list = await open('pages/notices/index.js');
  expect(list.data.items).toEqual([
    expect.objectContaining({
      id: walk.noticeId,
      pinned: true,
      requires_ack: true,
      read: false,
      acknowledged: false,
    }),
  ]);

  const detail = await open('pages/notice-detail/index.js', { id: String(walk.noticeId) });
  expect(detail.data.notice).toMatchObject({
    title: '1号楼明日停水',
    read: true,
    requires_ack: true,
    acknowledged: false,
  });
  expect(detail.data.notice.body).toContain('请提前储水');

  await done(detail.acknowledge());

  expect(detail.data.notice.acknowledged).toBe(true);
  expect(detail.data.notice.acknowledgedText).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}$/);
  expect(wx.requestSubscribeMessage).toHaveBeenCalledTimes(1); // the 已知晓 tap asked for the next one

  home.onShow();
  await until(() => home.data.unread === 0, '首页 to show no unread notice');
});

test('report: the admin sees one reader, one confirming household and nobody unreached', async () => {
  wx.switchTo(ADMIN);
  const report = await open('pages/staff/report/index.js', { id: String(walk.noticeId) });
  report.stopPolling();

  expect(report.data.report).toMatchObject({
    read: 1,
    recipients: 1,
    readHouseholds: 1,
    acknowledgedHouseholds: 1,
  });
  expect(report.data.notReached).toEqual({ total: 0, grids: [] });
});

test('re-login: a token the server no longer knows is replaced without the resident noticing', async () => {
  wx.switchTo(RESIDENT);
  const api = require('../../utils/api'); // eslint-disable-line global-require
  await api.get('/me');
  await api.post('/auth/logout'); // the stored token is now dead on the server
  const logins = wx.login.mock.calls.length;

  const me = await open('pages/me/index.js');

  expect(me.data.state).toBe('ready');
  expect(me.data.profile.phone).toBe('138****8000');
  expect(wx.login.mock.calls.length).toBe(logins + 1);
});

test('upload: a multipart upload with progress reaches the real backend', async () => {
  wx.switchTo(ADMIN);
  const api = require('../../utils/api'); // eslint-disable-line global-require
  const progress = [];

  const upload = await api.upload({
    path: '/admin/roster-imports',
    filePath: stack.roster_file,
    name: 'file',
    onProgress: (percent) => progress.push(percent),
  });

  expect(upload).toMatchObject({ filename: 'demo-roster.xlsx', file_format: 'xlsx' });
  expect(progress[progress.length - 1]).toBe(100);
});
