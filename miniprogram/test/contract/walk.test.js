/**
 * Contract test: the mini-program's pages and utils/api.js against the RUNNING backend.
 *
 * start_backend.py starts the real stack (throwaway MariaDB database with the demo community,
 * its own Redis DB, the WeChat emulator knowing the demo's subscribe templates, gunicorn and a
 * Celery worker); wx.request, wx.uploadFile and wx.downloadFile are forwarded to it over HTTP,
 * wx.login and the phone button get their codes from the emulator, and WeChat's photo picker
 * hands over a real JPEG. The walk, as the pages would show it:
 *
 *   staff set-up  the admin configures the notice subscribe template (linli + emulator); the
 *                 demo's report and activity templates are in place on both sides
 *   login         the demo resident opens 我的: logged in silently, not yet bound
 *   bind          they bind their phone (13800138000, primary tenant of 1-1-0101 on the demo
 *                 roster): masked number, role 居民, flat 1-1-0101 bound automatically
 *   report        我要报事 with a photo: the photo picker uploads it with progress, the building
 *                 comes from the community's list, neighbours' reports are looked up (none),
 *                 the submit tap asks for report_update messages; its answer is lost and the
 *                 retry (same Idempotency-Key) files exactly one report. The detail shows the
 *                 timeline and the photo 审核中 until WeChat's image check passes it, then its
 *                 thumbnail (downloaded with our token); 我的报事 lists it
 *   sign up       活动 lists the demo's 邻里节; its detail offers the flatmates of 1-1-0101;
 *                 the required question is refused unanswered, then answered; the submit tap
 *                 asks for the activity messages; confirmed for 3 seats. 我的报名 lists it and
 *                 its check-in page draws the QR code of the backend's check-in payload
 *   subscribe     they turn on notice reminders: the popup's answer reaches linli as a credit
 *   compose       the admin publishes a pinned notice needing 已知晓 to the whole community;
 *                 the first answer is lost on the way back and the retry (same
 *                 Idempotency-Key) still makes exactly one notice
 *   deliver       the notice's report page follows the WeChat push until the resident's
 *                 message is sent (recorded by the emulator, opening the notice page)
 *   read          the resident sees it on 首页 and in 通知, opens it and taps 已知晓
 *   notice report the admin sees 1 reader and 1 confirming household, nobody left unreached
 *   re-login      a revoked token is replaced silently on the next page load
 *   upload        utils/api.js uploads a file that is no image (the admin's roster) with
 *                 progress to the real multipart endpoint
 */

const fs = require('fs');
const path = require('path');

const { ROOT, capturePage, setPath } = require('../helpers/pages');
const { settle } = require('../helpers/wx');
const { startStack, installRealWx, httpJson } = require('./stack');
const qrcode = require('../../utils/qrcode');

const RESIDENT = 'o_demo_resident';
const ADMIN = 'o_demo_admin';
const TEMPLATE = 'tpl_mp_contract_notice';
// The demo's templates (app/demo/templates.py), which the emulator is started with.
const REPORT_TEMPLATE = 'demo-report-0001';
const SIGNUP_TEMPLATES = ['demo-signup-0001', 'demo-reminder-0001', 'demo-waitlist-0001'];
const FESTIVAL = '北焦社区第三届邻里节';
const JPEG = Buffer.from([0xff, 0xd8, 0xff]);

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
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Every round trip under way has come back and what the pages do with the answers is done. */
async function quiet() {
  do {
    // eslint-disable-next-line no-await-in-loop
    await until(() => wx.pending() === 0, 'the requests under way');
    // eslint-disable-next-line no-await-in-loop
    await settle();
  } while (wx.pending() > 0);
}

/** `setup(page)` gives the page what WeChat would before onLoad (a canvas, say). */
async function open(pagePath, query, setup) {
  const page = capturePage(pagePath);
  if (setup) setup(page);
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

/**
 * components/<name> as a page holds it: its properties (`props` over the defaults), data and
 * methods on an object that behaves like the instance; its events go to `listeners[name]`.
 */
function captureComponent(name, props, listeners) {
  let definition = null;
  const previous = global.Component;
  global.Component = (def) => {
    definition = def;
  };
  try {
    jest.isolateModules(() => {
      require(path.join(ROOT, `components/${name}/index.js`)); // eslint-disable-line import/no-dynamic-require, global-require
    });
  } finally {
    global.Component = previous;
  }
  const defaults = {};
  Object.keys(definition.properties || {}).forEach((key) => {
    defaults[key] = definition.properties[key].value;
  });
  const clone = (value) => (value === undefined ? undefined : JSON.parse(JSON.stringify(value)));
  const comp = { data: { ...defaults, ...props, ...clone(definition.data) } };
  comp.setData = jest.fn((changes) => {
    Object.keys(changes).forEach((key) => setPath(comp.data, key, clone(changes[key])));
  });
  comp.triggerEvent = (event, detail) => listeners[event]({ detail });
  Object.keys(definition.methods).forEach((key) => {
    comp[key] = definition.methods[key].bind(comp);
  });
  if (definition.lifetimes && definition.lifetimes.created) definition.lifetimes.created.call(comp);
  return comp;
}

/** The 2d canvas node a page's selector query finds (`#qr`), recording what is drawn. */
function withCanvas(page, side) {
  const canvas = { width: 0, height: 0, rects: [] };
  const ctx = {
    fillStyle: '',
    fillRect: (x, y, w, h) => canvas.rects.push({ x, y, w, h, style: ctx.fillStyle }),
  };
  canvas.getContext = () => ctx;
  page.createSelectorQuery = () => ({
    select: () => ({
      fields: () => ({ exec: (callback) => callback([{ node: canvas, width: side, height: side }]) }),
    }),
  });
  return canvas;
}

const tapOn = (dataset) => ({ currentTarget: { dataset } });

test('staff set-up: the admin configures the notice template; the report and activity ones are there', async () => {
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
  // The demo's report and activity templates are set up in linli and known to WeChat.
  const purposes = ['report_update', 'activity_signup', 'activity_reminder', 'waitlist_promotion'];
  const active = (await api.get('/admin/subscribe-templates')).filter((t) => t.is_active);
  expect(purposes.map((p) => active.find((t) => t.purpose === p).template_id)).toEqual([
    REPORT_TEMPLATE,
    ...SIGNUP_TEMPLATES,
  ]);
  const known = (await httpJson(stack.emulator, 'GET', '/__emulator__/templates')).items;
  expect(known.map((t) => t.template_id)).toEqual(
    expect.arrayContaining([REPORT_TEMPLATE, ...SIGNUP_TEMPLATES])
  );
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

test('report with a photo: the photo uploads with progress, the building is picked, one report is filed', async () => {
  // WeChat's image check answers a little later, so the report first shows its photo 审核中.
  await httpJson(stack.emulator, 'POST', '/__emulator__/content_rules', { media_verdict_delay: 3 });
  const form = await open('pages/reports/new/index.js');
  expect(form.data.state).toBe('ready');
  expect(form.data.buildingsError).toBe('');
  expect(form.data.buildingNames).toContain('1号楼');
  const lift = form.data.categories.find((c) => c.name === '电梯');
  expect(lift.is_public).toBe(true);

  // WeChat's photo picker hands over a JPEG; the picker uploads it at once.
  const picker = captureComponent(
    'photo-picker',
    { max: form.data.limits.photos, purpose: 'report' },
    { change: (e) => form.onPhotosChange(e) }
  );
  const size = fs.statSync(stack.photo_file).size;
  wx.will('chooseMedia', {
    type: 'image',
    tempFiles: [{ tempFilePath: stack.photo_file, size, fileType: 'image' }],
  });
  picker.choose();
  await until(() => picker.data.photos.length && picker.data.photos[0].status !== 'uploading', 'the upload');

  expect(wx.chooseMedia.mock.calls[0][0]).toMatchObject({ count: 9, mediaType: ['image'] });
  const [photo] = picker.data.photos;
  expect(photo).toMatchObject({ status: 'done', progress: 100, path: stack.photo_file });
  const progress = picker.setData.mock.calls
    .map(([changes]) => changes)
    .filter((changes) => Object.keys(changes).join() === 'photos[0].progress')
    .map((changes) => changes['photos[0].progress']);
  expect(progress.length).toBeGreaterThan(1);
  expect(progress).toEqual([...progress].sort((a, b) => a - b));
  expect(progress[progress.length - 1]).toBe(100);
  expect(wx.exchanges('POST', '/api/v1/media/images')).toEqual([
    expect.objectContaining({
      status: 201,
      data: expect.objectContaining({ id: photo.mediaId, content_type: 'image/jpeg', moderation: 'pending' }),
    }),
  ]);
  expect(form.data.photos).toEqual({ mediaIds: [photo.mediaId], uploading: 0, failed: 0 });
  walk.photoId = photo.mediaId;

  const text = '1号楼1单元电梯按钮失灵，老人上下楼很不方便';
  form.chooseCategory(tapOn({ id: String(lift.id) }));
  form.onTextInput({ detail: { value: text } });
  const buildingIndex = form.data.buildingNames.indexOf('1号楼');
  form.onBuildingChange({ detail: { value: String(buildingIndex) } });
  form.onUnitChange({ detail: { value: '1' } });
  await quiet();
  const building = form.data.buildings[buildingIndex];

  // 我也遇到: neighbours' open reports of this kind at this building were looked up; none yet.
  expect(wx.exchanges('GET', '/api/v1/reports/similar')).toEqual([
    expect.objectContaining({
      query: { category_id: String(lift.id), building_id: String(building.id) },
      status: 200,
      data: expect.objectContaining({ items: [] }),
    }),
  ]);
  expect(form.data.similar).toEqual([]);

  wx.drop((method, pathname) => method === 'POST' && pathname === '/api/v1/reports');
  const tap = form.submit();
  // Asked within the tap, before anything was awaited: WeChat shows the popup only then.
  expect(wx.requestSubscribeMessage).toHaveBeenCalledTimes(1);
  expect(wx.requestSubscribeMessage.mock.calls[0][0].tmplIds).toEqual([REPORT_TEMPLATE]);
  await done(tap);
  expect(wx.toasts()).toContain('网络连接失败，请检查网络后重试');
  expect(wx.redirectTo).not.toHaveBeenCalled();

  await done(form.submit()); // the same form, tapped again

  expect(wx.requestSubscribeMessage).toHaveBeenCalledTimes(1); // one popup per form
  const [{ url }] = wx.redirectTo.mock.calls[0];
  walk.reportId = Number(/^\/pages\/reports\/detail\/index\?id=(\d+)$/.exec(url)[1]);
  const posts = wx.exchanges('POST', '/api/v1/reports');
  expect(posts.map((e) => [e.status, e.data.id, e.dropped])).toEqual([
    [201, walk.reportId, true],
    [201, walk.reportId, false],
  ]);
  expect(posts[1].sent).toEqual({
    category_id: lift.id,
    text,
    place: { building_id: building.id, unit_id: building.units[0].id },
    media_ids: [photo.mediaId],
  });
  const api = require('../../utils/api'); // eslint-disable-line global-require
  expect((await api.get('/reports/mine')).total).toBe(1);
  await until(async () => {
    const mine = (await api.get('/me/subscriptions')).find((t) => t.purpose === 'report_update');
    return mine.count === 1 && mine.last_status === 'accept';
  }, 'the report_update credit');
});

test('report with a photo: the detail shows the timeline, the photo 审核中, then its thumbnail once passed', async () => {
  const detail = await open('pages/reports/detail/index.js', { id: String(walk.reportId) });

  expect(detail.data.state).toBe('ready');
  expect(detail.data.mine).toBe(true);
  expect(detail.data.report).toMatchObject({
    categoryName: '电梯',
    statusText: '已提交',
    placeText: '1号楼 1单元',
    text: '1号楼1单元电梯按钮失灵，老人上下楼很不方便',
    isPublic: true,
  });
  expect(detail.data.steps.map((s) => s.label)).toContain('撤销报事');
  const submitted = detail.data.timeline[detail.data.timeline.length - 1]; // newest first
  expect(submitted).toMatchObject({ action_label: '提交报事', statusText: '已提交' });
  expect(submitted.timeText).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}$/);
  expect(detail.data.photos).toEqual([
    expect.objectContaining({ id: walk.photoId, label: '审核中', src: '' }),
  ]);
  expect(wx.downloadFile).not.toHaveBeenCalled();

  // WeChat pushes its verdict; the page shows the photo when it is read again.
  await until(async () => {
    await detail.onPullDownRefresh();
    return detail.data.photos[0].label === '';
  }, "WeChat's image check to pass the photo");
  const src = await until(() => detail.data.photos[0].src, 'the thumbnail');
  // WeChat was asked to check it through a signed link to this server.
  const checks = await httpJson(stack.emulator, 'GET', '/__emulator__/media_checks');
  expect(checks.items.map((c) => c.media_url)).toEqual([expect.stringMatching(`^${stack.api}/media/s/`)]);

  const [download] = wx.downloadFile.mock.calls[0];
  expect(download.url).toMatch(new RegExp(`/api/v1/media/${walk.photoId}/thumb$`));
  expect(download.header.Authorization).toMatch(/^Bearer /);
  expect(fs.readFileSync(src).subarray(0, 3)).toEqual(JPEG);
  await httpJson(stack.emulator, 'POST', '/__emulator__/content_rules', { media_verdict_delay: 0.5 });
});

test('report with a photo: 我的报事 lists it with its status and thumbnail', async () => {
  const mine = await open('pages/reports/mine/index.js');

  expect(mine.data.state).toBe('ready');
  expect(mine.data.total).toBe(1);
  expect(mine.data.items).toEqual([
    expect.objectContaining({
      id: walk.reportId,
      category_name: '电梯',
      statusText: '已提交',
      placeText: '1号楼',
      thumb_url: `/api/v1/media/${walk.photoId}/thumb`,
    }),
  ]);
  const src = await until(() => mine.data.items[0].thumbSrc, 'the list thumbnail');
  expect(fs.readFileSync(src).subarray(0, 3)).toEqual(JPEG);
});

test('sign up: 活动 lists the 邻里节, whose detail offers the flatmates of 1-1-0101', async () => {
  const list = await open('pages/activities/index.js');
  const card = list.data.items.find((a) => a.title === FESTIVAL);
  expect(card).toMatchObject({
    kindText: '社区活动',
    windowText: '正在报名',
    seatsText: '剩余 300 / 300 个名额',
    place: '社区中心广场（5号楼南侧）',
  });

  list.openActivity(tapOn({ id: card.id }));
  const [{ url }] = wx.navigateTo.mock.calls[0];
  expect(url).toBe(`/pages/activities/detail?id=${card.id}`);
  const detail = await open('pages/activities/detail.js', { id: String(card.id) });

  expect(detail.data.state).toBe('ready');
  expect(detail.data.activity).toMatchObject({ title: FESTIVAL, canSignUp: true, seatsPerHousehold: 3 });
  expect(detail.data.showForm).toBe(true);
  expect(detail.data.questions).toEqual([
    {
      key: 'program',
      label: '最想参加的项目',
      kind: 'choice',
      required: true,
      choice: true,
      options: ['亲子手工', '邻里百家宴', '便民义诊', '旧物交换'],
    },
  ]);
  expect(detail.data.maxCompanions).toBe(2);
  // The flat's other occupants on the roster, masked, as /me/households gives them.
  const households = wx.exchanges('GET', '/api/v1/me/households').pop().data;
  const [binding] = households.bindings;
  expect(detail.data.flats).toEqual([
    {
      householdId: binding.household_id,
      flat: '1-1-0101',
      companions: binding.companions.map((c) => ({
        id: c.id,
        name: c.name,
        relationText: '同住人',
        checked: false,
      })),
    },
  ]);
  expect(binding.companions).toHaveLength(2);
  binding.companions.forEach((c) => expect(c.name).toMatch(/^\S\*+$/));
  walk.activityId = card.id;
  walk.activity = detail;
});

test('sign up: unanswered, then with both flatmates: the tap asks for the messages and 3 seats are confirmed', async () => {
  const detail = walk.activity;
  const signups = `/api/v1/activities/${walk.activityId}/signups`;
  await quiet(); // the page's subscribe templates are at hand before the tap

  await done(detail.submit());
  expect(wx.toasts()).toContain('请先回答带 * 号的必答题');
  expect(detail.data.errors.program).toBe('请选择一项');
  expect(wx.requestSubscribeMessage).not.toHaveBeenCalled(); // nobody is asked about nothing
  expect(wx.exchanges('POST', signups)).toEqual([]);

  detail.onAnswer({ currentTarget: { dataset: { key: 'program' } }, detail: { value: '便民义诊' } });
  const flat = detail.data.flats[0];
  const companionIds = flat.companions.map((c) => c.id);
  detail.onCompanionsChange({ detail: { value: companionIds.map(String) } });
  expect(detail.data.companionsFull).toBe(true);

  const tap = detail.submit();
  expect(wx.requestSubscribeMessage).toHaveBeenCalledTimes(1);
  expect(wx.requestSubscribeMessage.mock.calls[0][0].tmplIds).toEqual(SIGNUP_TEMPLATES);
  await done(tap);
  await quiet();

  const [signup] = wx.exchanges('POST', signups);
  expect(signup).toMatchObject({
    status: 201,
    sent: { household_id: flat.householdId, companion_ids: companionIds, answers: { program: '便民义诊' } },
    data: { status: 'confirmed', seats: 3 },
  });
  walk.signupId = signup.data.id;
  expect(detail.data.result).toEqual({ status: 'confirmed', text: '报名成功！请按时参加。' });
  expect(detail.data.signup).toMatchObject({
    id: walk.signupId,
    statusText: '报名成功',
    seats: 3,
    confirmed: true,
    canCancel: true,
  });
  expect(detail.data.showForm).toBe(false);
  expect(detail.data.activity.seatsText).toBe('剩余 297 / 300 个名额');
  const api = require('../../utils/api'); // eslint-disable-line global-require
  await until(async () => {
    const mine = await api.get('/me/subscriptions');
    return SIGNUP_TEMPLATES.every((id) => mine.find((t) => t.template_id === id).count === 1);
  }, 'one message granted for each activity template');
});

test('sign up: 我的报名 lists it and its check-in page draws the QR code of the check-in payload', async () => {
  const mine = await open('pages/activities/mine.js');
  expect(mine.data.upcoming).toEqual([
    expect.objectContaining({ id: walk.signupId, title: FESTIVAL, statusText: '报名成功', checkedIn: false }),
  ]);
  expect(mine.data.past).toEqual([]);

  mine.openSignup(tapOn({ id: walk.signupId }));
  const [{ url }] = wx.navigateTo.mock.calls[0];
  expect(url).toBe(`/pages/activities/checkin?id=${walk.signupId}`);
  const box = 260; // the canvas's CSS size; the page draws at pixel ratio 2 without wx.getWindowInfo
  let canvas;
  const checkin = await open('pages/activities/checkin.js', { id: String(walk.signupId) }, (page) => {
    canvas = withCanvas(page, box);
  });
  try {
    expect(checkin.data.signup).toMatchObject({ title: FESTIVAL, statusText: '报名成功', confirmed: true });
    expect(checkin.data.code.expiresText).not.toBe('');
    expect(checkin.refreshTimer).toBeTruthy(); // fetched again before it runs out

    // The dark squares drawn are the modules of the payload the backend signed.
    const [answer] = wx.exchanges('GET', `/api/v1/activities/signups/${walk.signupId}/checkin-code`);
    const matrix = qrcode.encode(answer.data.code, { ecc: 'M', border: 4 });
    const side = box * 2;
    const cell = Math.floor(side / matrix.size);
    const offset = Math.floor((side - cell * matrix.size) / 2);
    const expected = [];
    matrix.data.forEach((row, y) => row.forEach((dark, x) => dark && expected.push(`${x},${y}`)));
    const drawn = canvas.rects
      .filter((r) => r.style === '#000000')
      .map((r) => `${(r.x - offset) / cell},${(r.y - offset) / cell}`);
    expect([canvas.width, canvas.height]).toEqual([side, side]);
    expect(drawn.sort()).toEqual(expected.sort());
  } finally {
    checkin.onUnload(); // leaving the page stops its refresh timer, or it would outlive the walk
  }
  expect(checkin.refreshTimer).toBeNull();
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

test('deliver: the notice report follows the WeChat push until the resident has been sent the message', async () => {
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

test('notice report: the admin sees one reader, one confirming household and nobody unreached', async () => {
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

test('upload: a multipart upload of a file that is no image, with progress, reaches the backend', async () => {
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
