/** @jest-environment jsdom */
// 扫码签到: the activities open for scanning now (GET /admin/activities?scannable=true, an ended
// one still there for late check-outs), scanning codes one after another (check-in and
// check-out), who each scan admitted (the answer's `attendee`), the count checked in; a second
// scan of the same code is harmless and the answer says so (`changed: false`); a forged code
// (403) and other refusals are shown on the result card.

const { FakeBackend, installWx, settle, reply, jsonError } = require('../helpers/wx');
const { renderPage, capturePage, texts } = require('../helpers/pages');
const act = require('../helpers/activities-fixtures');
const f = require('../helpers/fixtures');

const { beijing } = f;

const HOUR = 60 * 60 * 1000;

/** An AdminActivitySchema: under way since half an hour, organised by user 12. */
function activity(id, overrides = {}) {
  return act.adminActivity(id, {
    starts_at: beijing(-0.5 * HOUR),
    ends_at: beijing(2 * HOUR),
    ...overrides,
  });
}

// What the backend lists as scannable now, soonest first: one ended an hour ago (check-out
// stays open two hours after the end), one under way, one starting within the hour.
const SCANNABLE = [
  activity(7, { title: '楼道清扫', starts_at: beijing(-3 * HOUR), ends_at: beijing(-HOUR) }),
  activity(8),
  activity(9, { title: '书法课', starts_at: beijing(0.5 * HOUR), ends_at: beijing(2 * HOUR) }),
];

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

/** A SignupRowSchema: the roster's row (the person's own nickname, unmasked for organisers). */
function row(s, overrides = {}) {
  return {
    signup: s,
    nickname: '北焦小王',
    phone_masked: '138****1234',
    flat: '1-1-0102',
    shop_name: null,
    companions: [],
    ...overrides,
  };
}

// Whom each code admits, as the backend names them: the occupant's masked name and the flat.
const ATTENDEES = {
  21: { name: '王*', flat: '1-1-0102' },
  22: { name: '李**', flat: '2-1-0301' },
};

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
  backend.on('GET /admin/activities', (call) =>
    call.query.scannable === 'true' ? reply(f.page(SCANNABLE, 3, 1, 50)) : jsonError(500, 'wrong_list', '')
  );
  backend.on('GET /admin/activities/:id/signups', () =>
    reply(copy(f.page([row(state[21]), row(state[22], { nickname: '老李', flat: '2-1-0301' })])))
  );
  // The real rule (services/checkin.py _apply): a genuine code checks in once; scanning again
  // returns the same sign-up with `changed: false`; every staff scan names the attendee.
  backend.on('POST /admin/activities/:id/scans', (call) => {
    const id = { 'code-21': 21, 'code-22': 22 }[call.data.code];
    if (!id) return jsonError(403, 'checkin_code_invalid', '签到码无效');
    const s = state[id];
    let changed = false;
    if (call.data.action === 'checkin' && !s.checked_in_at) {
      s.checked_in_at = NOW();
      changed = true;
    }
    if (call.data.action === 'checkout') {
      if (!s.checked_in_at) return jsonError(409, 'not_checked_in', '尚未签到，不能签退');
      if (!s.checked_out_at) {
        s.checked_out_at = NOW();
        changed = true;
      }
    }
    return reply(act.scanResult(copy(s), changed, ATTENDEES[id]));
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

test('lists the activities open for scanning now, as the backend gives them; picking one reads its roster', async () => {
  const page = await open();

  expect(backend.callsTo('GET /admin/activities').map((c) => c.query)).toEqual([
    { scannable: 'true', page_size: '50' },
  ]);
  expect(page.data.activities.map((a) => [a.title, a.stageText])).toEqual([
    ['楼道清扫', '已结束，仍可签退'],
    ['活动 8', '进行中'],
    ['书法课', '即将开始'],
  ]);
  page.choose({ currentTarget: { dataset: { id: 8 } } });
  await settle();

  expect(page.data.mode).toBe('checkin');
  expect(backend.callsTo('GET /admin/activities/8/signups')[0].query).toMatchObject({
    status: 'confirmed',
    page: '1',
  });
  expect(page.data.roster).toMatchObject({ available: true, total: 2, checkedIn: 1, people: 1 });
});

test('an activity that has ended is still offered, and opens on check-out', async () => {
  const comp = renderPage('pages/staff/checkin-scanner/index');
  comp.instance.onLoad({});
  comp.instance.onShow();
  await settle();
  expect(texts(comp, '.activity-stage')).toEqual(['已结束，仍可签退', '进行中', '即将开始']);

  comp.instance.choose({ currentTarget: { dataset: { id: 7 } } });
  await settle();
  expect(comp.instance.data.mode).toBe('checkout');
  expect(texts(comp, '.scan-btn')).toEqual(['扫码签退']);
});

test('a scan posts the code and the mode, shows whom the backend says it admitted and counts them in', async () => {
  const page = await open({ id: '8' });
  await scan(page, 'code-21');

  const [call] = backend.callsTo('POST /admin/activities/8/scans');
  expect(call.data).toEqual({ code: 'code-21', action: 'checkin' });
  expect(wx.scanCode).toHaveBeenCalledWith(
    expect.objectContaining({ onlyFromCamera: true, scanType: ['qrCode'] })
  );
  // The attendee's masked name, not the roster's nickname.
  expect(page.data.result).toMatchObject({ tone: 'ok', title: '签到成功', who: '王* · 1-1-0102 · 2 人' });
  expect(page.data.roster).toMatchObject({ checkedIn: 2, total: 2, people: 3 });
});

test('scanning the same code again changes nothing, and the answer’s changed: false says so', async () => {
  const page = await open({ id: '8' });
  await scan(page, 'code-21');
  await scan(page, 'code-21');

  expect(backend.callsTo('POST /admin/activities/8/scans')).toHaveLength(2);
  expect(page.data.result).toMatchObject({
    tone: 'again',
    title: '已签到过，无需重复签到',
    who: '王* · 1-1-0102 · 2 人',
  });
  expect(page.data.roster.checkedIn).toBe(2);
  expect(wx.showToast).not.toHaveBeenCalled();

  // Someone checked in before the page opened.
  await scan(page, 'code-22');
  expect(page.data.result).toMatchObject({ tone: 'again', who: '李** · 2-1-0301 · 1 人' });
});

test('someone another phone checked in after the roster was read: the answer, not the roster, says done before', async () => {
  const page = await open({ id: '8' });
  expect(page.data.roster.checkedIn).toBe(1);
  state[21].checked_in_at = NOW(); // a second helper at the door scanned them a moment ago

  await scan(page, 'code-21');
  expect(page.data.result).toMatchObject({ tone: 'again', title: '已签到过，无需重复签到' });
  expect(page.data.roster.checkedIn).toBe(2);
});

test('without an attendee in the answer, the roster names the person', async () => {
  backend.on('POST /admin/activities/:id/scans', () => {
    const answer = act.scanResult(signup(21, { checked_in_at: NOW() }), true);
    delete answer.attendee;
    return reply(answer);
  });
  const page = await open({ id: '8' });
  await scan(page, 'code-21');
  expect(page.data.result.who).toBe('北焦小王 · 1-1-0102 · 2 人');
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

test.each([
  ['activity_cancelled', 409, '活动已取消', '已取消的活动不能签到签退，请换一个活动'],
  ['activity_not_found', 404, '找不到该活动', '请返回重新选择活动'],
])('a scan refused with %s says what to do', async (reason, status, message, hint) => {
  backend.on('POST /admin/activities/:id/scans', jsonError(status, reason, message));
  const page = await open({ id: '8' });
  await scan(page, 'code-21');
  expect(page.data.result).toMatchObject({ tone: 'fail', title: message, detail: hint });
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
  await scan(page, 'code-22');
  expect(page.data.result).toMatchObject({ tone: 'again', title: '已签退过，无需重复签退' });
  expect(page.data.roster.checkedOut).toBe(1);
});

test('a grid worker who does not organise it scans without the roster: the answer names each person', async () => {
  backend.on('GET /me', reply(f.me({ roles: ['grid_worker'] })));
  backend.on('GET /admin/activities', (call) =>
    reply(f.page(call.query.scannable === 'true' ? [activity(8, { organiser_user_id: 99 })] : []))
  );
  backend.on(
    'GET /admin/activities/:id/signups',
    jsonError(403, 'not_activity_organiser', '只有活动的组织者可以进行此操作')
  );
  const page = await open();
  expect(page.data.activities.map((a) => a.id)).toEqual([8]);
  expect(backend.calls.filter((c) => c.path === '/activities')).toHaveLength(0);
  page.choose({ currentTarget: { dataset: { id: 8 } } });
  await settle();
  expect(page.data.roster).toMatchObject({ available: false, checkedIn: 0 });
  expect(wx.showToast).not.toHaveBeenCalled();

  await scan(page, 'code-21');
  expect(page.data.result).toMatchObject({ title: '签到成功', who: '王* · 1-1-0102 · 2 人' });
  await scan(page, 'code-21');
  expect(page.data.result.title).toBe('已签到过，无需重复签到');
  // Checked in before this page knew of it: the backend says the scan changed nothing.
  await scan(page, 'code-22');
  expect(page.data.result).toMatchObject({ tone: 'again', who: '李** · 2-1-0301 · 1 人' });
  expect(page.data.roster.checkedIn).toBe(2);
});

test('opened for one activity: picked from the scannable list, never read by id (grid workers may not)', async () => {
  backend.on('GET /me', reply(f.me({ roles: ['grid_worker'] })));
  backend.on(
    'GET /admin/activities/:id',
    jsonError(403, 'not_activity_organiser', '只有活动的组织者可以进行此操作')
  );
  let page = await open({ id: '9' });
  expect(page.data.activity).toMatchObject({ id: 9, title: '书法课' });

  // One not open now: the open ones are offered, with why.
  page = await open({ id: '5' });
  expect(page.data).toMatchObject({ state: 'ready', activity: null });
  expect(page.data.notice).toContain('该活动现在不能扫码签到');
  expect(page.data.activities.map((a) => a.id)).toEqual([7, 8, 9]);
  expect(backend.callsTo('GET /admin/activities/5')).toHaveLength(0);
  expect(backend.callsTo('GET /admin/activities/9')).toHaveLength(0);
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
  expect(page.data.state).toBe('empty');
  expect(page.data.emptyText).toContain('现在没有可以扫码签到的活动');

  backend.on('GET /admin/activities', { fail: 'request:fail' });
  page = await open();
  expect(page.data).toMatchObject({ state: 'error', error: '网络连接失败，请检查网络后重试' });
});
