/** @jest-environment jsdom */
// 扫码签到: picking an activity, scanning codes one after another (check-in and check-out),
// who each scan was, the count checked in; a second scan of the same code is harmless and
// says so; a forged code (403) and other refusals are shown on the result card.

const { FakeBackend, installWx, settle, reply, jsonError } = require('../helpers/wx');
const { renderPage, capturePage, texts } = require('../helpers/pages');
const act = require('../helpers/activities-fixtures');
const f = require('../helpers/fixtures');

const { beijing } = f;

const HOUR = 60 * 60 * 1000;

/** An AdminActivitySchema: under way since half an hour, organised by user 12. */
function activity(id, overrides = {}) {
  return act.activity(id, {
    starts_at: beijing(-0.5 * HOUR),
    ends_at: beijing(2 * HOUR),
    organiser_user_id: 12,
    checkin_scene: 'abc',
    ...overrides,
  });
}

/** A confirmed sign-up for activity 8: two seats, made two days ago. */
function signup(id, overrides = {}) {
  return act.signup(id, {
    activity_id: 8,
    seats: 2,
    household_id: 5,
    created_at: beijing(-48 * HOUR),
    ...overrides,
  });
}

function row(s, overrides = {}) {
  return {
    signup: s,
    nickname: '王**',
    phone_masked: '138****1234',
    flat: '1-1-0102',
    shop_name: null,
    companions: [],
    ...overrides,
  };
}

/** What goes over the wire is a copy, never the fake server's own rows. */
function copy(value) {
  return JSON.parse(JSON.stringify(value));
}

const EARLIER = beijing(-20 * 60 * 1000);
const NOW = () => beijing(0);

let backend;
let wx;
let state; // sign-up id → its current row on the "server"

beforeEach(() => {
  state = {
    21: signup(21),
    22: signup(22, { seats: 1, checked_in_at: EARLIER }),
  };
  backend = new FakeBackend();
  backend.on('GET /me', reply(f.me({ roles: ['org_staff'] })));
  backend.on(
    'GET /admin/activities',
    reply(
      f.page([
        activity(8),
        activity(7, { title: '已结束的活动', starts_at: beijing(-30 * HOUR), ends_at: beijing(-27 * HOUR) }),
        activity(9, { title: '明天的活动', starts_at: beijing(24 * HOUR), ends_at: beijing(26 * HOUR) }),
      ])
    )
  );
  backend.on('GET /admin/activities/:id/signups', () =>
    reply(copy(f.page([row(state[21]), row(state[22], { nickname: '李**', flat: '2-1-0301' })])))
  );
  // The real rule: a genuine code checks in once; scanning again returns the same sign-up.
  backend.on('POST /admin/activities/:id/scans', (call) => {
    const id = { 'code-21': 21, 'code-22': 22 }[call.data.code];
    if (!id) return jsonError(403, 'checkin_code_invalid', '签到码无效');
    const s = state[id];
    if (call.data.action === 'checkin' && !s.checked_in_at) s.checked_in_at = NOW();
    if (call.data.action === 'checkout') {
      if (!s.checked_in_at) return jsonError(409, 'not_checked_in', '尚未签到，不能签退');
      if (!s.checked_out_at) s.checked_out_at = NOW();
    }
    return reply(copy(s));
  });
  wx = installWx(backend);
});

async function open(query = {}) {
  const page = capturePage('pages/staff/checkin-scanner/index.js');
  page.onLoad(query);
  page.onShow();
  await settle();
  return page;
}

async function scan(page, code) {
  wx.will('scanCode', { result: code, scanType: 'QR_CODE' });
  page.scan();
  await settle();
}

test('lists the activities whose check-in is open or to come, soonest first; picking one reads its roster', async () => {
  const page = await open();

  expect(page.data.activities.map((a) => [a.title, a.live])).toEqual([
    ['活动 8', true],
    ['明天的活动', false],
  ]);
  page.choose({ currentTarget: { dataset: { id: 8 } } });
  await settle();

  expect(backend.callsTo('GET /admin/activities/8/signups')[0].query).toMatchObject({
    status: 'confirmed',
    page: '1',
  });
  expect(page.data.roster).toMatchObject({ available: true, total: 2, checkedIn: 1, people: 1 });
});

test('a scan posts the code and the mode, shows who it was and counts them in', async () => {
  const page = await open({ id: '8' });
  await scan(page, 'code-21');

  const [call] = backend.callsTo('POST /admin/activities/8/scans');
  expect(call.data).toEqual({ code: 'code-21', action: 'checkin' });
  expect(wx.scanCode).toHaveBeenCalledWith(
    expect.objectContaining({ onlyFromCamera: true, scanType: ['qrCode'] })
  );
  expect(page.data.result).toMatchObject({ tone: 'ok', title: '签到成功', who: '王** · 1-1-0102 · 2 人' });
  expect(page.data.roster).toMatchObject({ checkedIn: 2, total: 2, people: 3 });
});

test('scanning the same code again changes nothing and says it was done before', async () => {
  const page = await open({ id: '8' });
  await scan(page, 'code-21');
  await scan(page, 'code-21');

  expect(backend.callsTo('POST /admin/activities/8/scans')).toHaveLength(2);
  expect(page.data.result).toMatchObject({
    tone: 'again',
    title: '已签到过，无需重复签到',
    who: '王** · 1-1-0102 · 2 人',
  });
  expect(page.data.roster.checkedIn).toBe(2);
  expect(wx.showToast).not.toHaveBeenCalled();

  // Someone checked in before the page opened: the roster says so.
  await scan(page, 'code-22');
  expect(page.data.result).toMatchObject({ tone: 'again', who: '李** · 2-1-0301 · 1 人' });
});

test('a forged code is refused (403) with its message on the result card, and the next scan goes on', async () => {
  const comp = renderPage('pages/staff/checkin-scanner/index');
  comp.instance.onLoad({ id: '8' });
  comp.instance.onShow();
  await settle();

  await scan(comp.instance, 'forged-payload');
  expect(texts(comp, '.result-title')).toEqual(['签到码无效']);
  expect(texts(comp, '.result-detail')).toEqual(['请确认扫的是本活动的签到码']);
  expect(comp.dom.querySelector('.main--result-fail')).not.toBeNull();
  expect(comp.instance.data.roster.checkedIn).toBe(1);
  expect(wx.showToast).not.toHaveBeenCalled(); // on the card, not a toast that vanishes mid-queue
  expect(texts(comp, '.scan-btn')).toEqual(['扫下一位']);

  await scan(comp.instance, 'code-21');
  expect(texts(comp, '.result-title')).toEqual(['签到成功']);
  expect(texts(comp, '.checked-in-count')).toEqual(['2 / 2']);
});

test('check-out mode sends checkout; checking out someone not checked in is explained', async () => {
  const page = await open({ id: '8' });
  page.setMode({ currentTarget: { dataset: { mode: 'checkout' } } });

  await scan(page, 'code-21');
  expect(backend.callsTo('POST /admin/activities/8/scans')[0].data).toEqual({
    code: 'code-21',
    action: 'checkout',
  });
  expect(page.data.result).toMatchObject({
    tone: 'fail',
    title: '尚未签到，不能签退',
    detail: '请先为该居民签到',
  });

  await scan(page, 'code-22');
  expect(page.data.result).toMatchObject({ tone: 'ok', title: '签退成功', who: '李** · 2-1-0301 · 1 人' });
  expect(page.data.roster.checkedOut).toBe(1);
});

test('a grid worker who does not organise it scans without the roster: no names, counts this session', async () => {
  backend.on('GET /me', reply(f.me({ roles: ['grid_worker'] })));
  backend.on('GET /admin/activities', reply(f.page([])));
  backend.on('GET /activities', reply(f.page([activity(8, { organiser_user_id: 99 })])));
  backend.on(
    'GET /admin/activities/:id/signups',
    jsonError(403, 'not_activity_organiser', '只有活动的组织者可以进行此操作')
  );
  const page = await open();
  expect(page.data.activities.map((a) => a.id)).toEqual([8]);
  page.choose({ currentTarget: { dataset: { id: 8 } } });
  await settle();
  expect(page.data.roster).toMatchObject({ available: false, checkedIn: 0 });
  expect(wx.showToast).not.toHaveBeenCalled();

  await scan(page, 'code-21');
  expect(page.data.result).toMatchObject({ title: '签到成功', who: '报名号 21 · 2 人' });
  await scan(page, 'code-21');
  expect(page.data.result.title).toBe('已签到过，无需重复签到');
  // Checked in 20 minutes before this page knew of it: still recognised as done before.
  await scan(page, 'code-22');
  expect(page.data.result.tone).toBe('again');
  expect(page.data.roster.checkedIn).toBe(2);
});

test('closing the camera sends nothing', async () => {
  const page = await open({ id: '8' });
  page.scan();
  await settle();
  expect(wx.scanCode).toHaveBeenCalled();
  expect(backend.callsTo('POST /admin/activities/8/scans')).toHaveLength(0);
  expect(page.data.result).toBeNull();
});

test('residents are told who may scan; nothing to scan and a failed load are shown in the page', async () => {
  backend.on('GET /me', reply(f.me({ roles: ['resident'] })));
  let page = await open();
  expect(page.data).toMatchObject({ state: 'empty', emptyText: '只有活动组织者和网格员可以扫码签到' });

  backend.on('GET /me', reply(f.me({ roles: ['admin'] })));
  backend.on('GET /admin/activities', reply(f.page([])));
  page = await open();
  expect(page.data).toMatchObject({ state: 'empty', emptyText: '近期没有可以签到的活动' });

  backend.on('GET /admin/activities', { fail: 'request:fail' });
  page = await open();
  expect(page.data).toMatchObject({ state: 'error', error: '网络连接失败，请检查网络后重试' });
});
