/** @jest-environment jsdom */
// 我的志愿时长: the balance, and the ledger (credits and corrections) by service team.

const { FakeBackend, installWx, settle, reply } = require('../helpers/wx');
const { capturePage, renderPage, texts } = require('../helpers/pages');
const f = require('../helpers/fixtures');
const a = require('../helpers/activities-fixtures');

let backend;
let wx;

// Newest first, as the ledger lists them.
const ENTRIES = [
  a.hoursEntry(4, {
    kind: 'correction',
    minutes: -30,
    signup_id: 41,
    corrects_entry_id: 1,
    reason: '提前离开，按实际时长更正',
  }),
  a.hoursEntry(3, { team_id: 3, team_name: '蓝队', activity_id: 8, activity_title: '助老送餐', minutes: 90 }),
  a.hoursEntry(2, { minutes: 150 }),
  a.hoursEntry(1, { minutes: 120 }),
];

function hours(items, minutes, total = items.length, pageNumber = 1) {
  return { ...f.page(items, total, pageNumber, 50), minutes };
}

beforeEach(() => {
  backend = new FakeBackend();
  backend.on('GET /me/volunteer-hours', reply(hours(ENTRIES, 330)));
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
  expect(texts(comp, '.team-name')).toEqual(['红队', '蓝队']);
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
  // the entries carry their names: no activity is read one by one
  expect(backend.calls.filter((c) => c.method === 'GET').map((c) => c.path)).toEqual(['/me/volunteer-hours']);
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

test('entries without a team or an activity still count, under plain names', async () => {
  backend.on(
    'GET /me/volunteer-hours',
    reply(
      hours(
        [
          // hours credited before teams were kept: no team, no activity
          a.hoursEntry(2, {
            team_id: null,
            team_name: null,
            activity_id: null,
            activity_title: null,
            signup_id: null,
          }),
          a.hoursEntry(1, { minutes: 60 }),
        ],
        180
      )
    )
  );
  const page = capturePage('pages/volunteer-hours/index.js');
  page.onLoad();
  await settle();

  expect(page.data.state).toBe('ready');
  expect(page.data.groups.map((g) => g.name)).toEqual(['其他志愿服务', '红队']);
  expect(page.data.groups[0].entries[0].title).toBe('志愿服务');
  expect(page.data.groups[1].entries[0].title).toBe('楼道清扫');
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
