/** @jest-environment jsdom */
// 我的志愿时长: the balance, and the ledger (credits and corrections) by service team.

const { FakeBackend, installWx, settle, reply, jsonError } = require('../helpers/wx');
const { capturePage, renderPage, texts } = require('../helpers/pages');
const f = require('../helpers/fixtures');
const a = require('../helpers/activities-fixtures');

let backend;
let wx;

const ACTIVITIES = {
  7: a.activity(7, {
    kind: 'volunteer_service',
    title: '楼道清扫',
    organiser_name: '北焦益家·红队',
    team_id: 2,
  }),
  8: a.activity(8, {
    kind: 'volunteer_service',
    title: '助老送餐',
    organiser_name: '北焦益家·蓝队',
    team_id: 3,
  }),
};

// Newest first, as the ledger lists them.
const ENTRIES = [
  a.hoursEntry(4, {
    kind: 'correction',
    minutes: -30,
    corrects_entry_id: 1,
    reason: '提前离开，按实际时长更正',
  }),
  a.hoursEntry(3, { team_id: 3, activity_id: 8, minutes: 90 }),
  a.hoursEntry(2, { minutes: 150 }),
  a.hoursEntry(1, { minutes: 120 }),
];

function hours(items, minutes, total = items.length, pageNumber = 1) {
  return { ...f.page(items, total, pageNumber, 50), minutes };
}

beforeEach(() => {
  backend = new FakeBackend();
  backend.on('GET /me/volunteer-hours', reply(hours(ENTRIES, 330)));
  backend.on('GET /activities/:id', (call) => reply(a.detail(ACTIVITIES[call.params.id])));
  wx = installWx(backend);
});

async function render() {
  const comp = renderPage('pages/volunteer-hours/index');
  comp.instance.onLoad();
  comp.instance.onShow();
  await settle();
  return comp;
}

test('shows my balance and, per team, each credit and correction with its activity', async () => {
  const comp = await render();

  expect(texts(comp, '.balance')).toEqual(['5 小时 30 分钟']);
  expect(comp.dom.textContent).toContain('约 5.5 小时');
  expect(texts(comp, '.team-name')).toEqual(['北焦益家·红队', '北焦益家·蓝队']);
  expect(texts(comp, '.team-subtotal')).toEqual(['小计 4 小时', '小计 1 小时 30 分钟']);
  expect(texts(comp, '.entry-title')).toEqual(['楼道清扫', '楼道清扫', '楼道清扫', '助老送餐']);
  expect(texts(comp, '.entry-minutes')).toEqual([
    '-30 分钟',
    '+2 小时 30 分钟',
    '+2 小时',
    '+1 小时 30 分钟',
  ]);
  expect(texts(comp, '.entry-reason')).toEqual(['更正原因：提前离开，按实际时长更正']);
  expect(comp.dom.textContent).toContain('时长更正');
  // each activity is read once, however many entries name it
  expect(backend.callsTo('GET /activities/7')).toHaveLength(1);
  expect(backend.callsTo('GET /activities/8')).toHaveLength(1);
});

test('a long ledger is paged; team subtotals appear only once every entry is in', async () => {
  backend.on('GET /me/volunteer-hours', (call) =>
    reply(call.query.page === '1' ? hours(ENTRIES.slice(0, 2), 330, 4) : hours(ENTRIES.slice(2), 330, 4, 2))
  );
  const page = capturePage('pages/volunteer-hours/index.js');
  page.onLoad();
  await settle();
  expect(page.data.hasMore).toBe(true);
  expect(page.data.groups.map((g) => g.subtotalText)).toEqual(['', '']);

  page.onReachBottom();
  await settle();

  expect(backend.callsTo('GET /me/volunteer-hours').map((c) => c.query)).toEqual([
    { page: '1', page_size: '50' },
    { page: '2', page_size: '50' },
  ]);
  expect(page.data.hasMore).toBe(false);
  expect(page.data.groups.map((g) => g.subtotalText)).toEqual(['4 小时', '1 小时 30 分钟']);
});

test('an entry whose activity cannot be read still counts, under a plain name', async () => {
  backend.on('GET /activities/:id', jsonError(404, 'activity_not_found', '找不到该活动'));
  const page = capturePage('pages/volunteer-hours/index.js');
  page.onLoad();
  await settle();

  expect(page.data.state).toBe('ready');
  expect(page.data.groups.map((g) => g.name)).toEqual(['志愿服务队', '志愿服务队']);
  expect(page.data.groups[0].entries[0].title).toBe('志愿服务');
});

test('no hours yet: the page says how to earn them and leads to the volunteer services', async () => {
  backend.on('GET /me/volunteer-hours', reply(hours([], 0)));
  const comp = await render();

  expect(comp.instance.data.state).toBe('empty');
  expect(comp.dom.textContent).toContain('签到并签退后，时长会记在这里');
  comp.instance.browseServices();
  // The 活动 tab takes no query string: the kind waits for it in storage.
  expect(wx.storage.get('linli.activities.kind')).toBe('volunteer_service');
  expect(wx.switchTab).toHaveBeenCalledWith({ url: '/pages/activities/index' });
});

test('a failed load shows the error in the page and retries', async () => {
  backend.on('GET /me/volunteer-hours', { fail: 'request:fail timeout' });
  const page = capturePage('pages/volunteer-hours/index.js');
  page.onLoad();
  await settle();
  expect(page.data).toMatchObject({ state: 'error', error: '网络超时，请稍后重试' });

  backend.on('GET /me/volunteer-hours', reply(hours(ENTRIES, 330)));
  page.retry();
  await settle();
  expect(page.data.state).toBe('ready');
  expect(page.data.balanceText).toBe('5 小时 30 分钟');
});
