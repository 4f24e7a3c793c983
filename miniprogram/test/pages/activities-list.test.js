/** @jest-environment jsdom */
// 活动 (list): what each card shows, the kind filter, paging, pull-down refresh, covers, states.

const { FakeBackend, installWx, settle, reply, jsonError } = require('../helpers/wx');
const { capturePage, renderPage, texts, sel } = require('../helpers/pages');
const f = require('../helpers/fixtures');
const a = require('../helpers/activities-fixtures');

let backend;
let wx;

function numbered(from, count) {
  return Array.from({ length: count }, (_, i) => a.activity(from + i));
}

beforeEach(() => {
  backend = new FakeBackend();
  backend.on('GET /activities', (call) => {
    const pageNumber = Number(call.query.page);
    return reply(f.page(pageNumber === 1 ? numbered(1, 10) : numbered(11, 3), 13, pageNumber, 10));
  });
  wx = installWx(backend);
});

async function open(query = {}) {
  const page = capturePage('pages/activities/index.js');
  page.onLoad(query);
  page.onShow();
  await settle();
  return page;
}

async function render(query = {}) {
  const comp = renderPage('pages/activities/index');
  comp.instance.onLoad(query);
  comp.instance.onShow();
  await settle();
  return comp;
}

test('each card shows the kind, time, place, seats and where sign-up stands', async () => {
  backend.on(
    'GET /activities',
    reply(
      f.page([
        a.activity(1, {
          title: '端午包粽子',
          place: '1号楼活动室',
          starts_at: '2031-06-02T09:30:00+08:00',
          ends_at: '2031-06-02T11:30:00+08:00',
          seats_left: 5,
          capacity: 20,
        }),
        a.activity(2, {
          kind: 'volunteer_service',
          title: '楼道清扫',
          seats_left: 0,
          waiting: 3,
        }),
        a.activity(3, {
          kind: 'youth_lounge',
          title: '青年联谊',
          signup_opens_at: '2031-05-20T09:00:00+08:00',
        }),
        a.activity(4, { title: '已截止的活动', signup_closes_at: a.beijing(-a.HOUR_MS) }),
        a.activity(5, { title: '满员无候补', seats_left: 0, waitlist_capacity: 0 }),
      ])
    )
  );
  const comp = await render();

  expect(texts(comp, '.activity-title')).toEqual([
    '端午包粽子',
    '楼道清扫',
    '青年联谊',
    '已截止的活动',
    '满员无候补',
  ]);
  expect(texts(comp, '.kind-tag').slice(0, 3)).toEqual(['社区活动', '志愿服务', '青年会客厅']);
  expect(texts(comp, '.time')[0]).toBe('时间：2031年6月2日（周一）09:30–11:30');
  expect(texts(comp, '.place')[0]).toBe('地点：1号楼活动室');
  expect(texts(comp, '.seats').slice(0, 2)).toEqual(['剩余 5 / 20 个名额', '名额已满 · 3 人候补']);
  expect(texts(comp, '.window-tag')).toEqual([
    '正在报名',
    '名额已满，可候补',
    '2031年5月20日（周二）09:00 开始报名',
    '报名已截止',
    '名额已满',
  ]);
});

test('a kind tab asks the backend for that kind only; a kind from a link is preselected', async () => {
  const page = await open();
  expect(backend.callsTo('GET /activities')[0].query).toEqual({ page: '1', page_size: '10' });

  page.chooseKind({ currentTarget: { dataset: { kind: 'volunteer_service' } } });
  await settle();
  expect(backend.calls[backend.calls.length - 1].query).toMatchObject({
    kind: 'volunteer_service',
    page: '1',
  });
  expect(page.data.kind).toBe('volunteer_service');

  const other = await open({ kind: 'youth_lounge' });
  expect(other.data.kind).toBe('youth_lounge');
  expect(backend.calls[backend.calls.length - 1].query).toMatchObject({ kind: 'youth_lounge' });

  const unknown = await open({ kind: 'party' });
  expect(unknown.data.kind).toBe('');
});

test('a page opening the tab on a kind is obeyed once, on first open and when the tab is back', async () => {
  const activities = require('../../utils/activities'); // eslint-disable-line global-require
  activities.wantKind('volunteer_service');
  const page = await open();
  expect(page.data.kind).toBe('volunteer_service');
  expect(backend.callsTo('GET /activities').map((c) => c.query.kind)).toEqual(['volunteer_service']);

  page.chooseKind({ currentTarget: { dataset: { kind: '' } } });
  await settle();
  page.onShow(); // back from an activity: the kind chosen stays, the list is refreshed
  await settle();
  expect(page.data.kind).toBe('');

  activities.wantKind('youth_lounge'); // e.g. from 我的志愿时长, while the tab was open
  page.onShow();
  await settle();
  expect(page.data.kind).toBe('youth_lounge');
  expect(page.data.items.length).toBeGreaterThan(0);
  expect(backend.callsTo('GET /activities').map((c) => c.query.kind)).toEqual([
    'volunteer_service',
    undefined,
    undefined,
    'youth_lounge',
  ]);
  expect(wx.storage.has('linli.activities.kind')).toBe(false);
});

test('scrolling loads the next page and stops at the total; pulling down reloads the first', async () => {
  const page = await open();
  expect(page.data).toMatchObject({ state: 'ready', total: 13, hasMore: true });

  page.onReachBottom();
  await settle();
  expect(page.data.items.map((i) => i.id)).toEqual(numbered(1, 13).map((i) => i.id));
  expect(page.data.hasMore).toBe(false);
  page.onReachBottom();
  await settle();
  expect(backend.callsTo('GET /activities').map((c) => c.query.page)).toEqual(['1', '2']);

  await page.onPullDownRefresh();
  expect(backend.callsTo('GET /activities').map((c) => c.query.page)).toEqual(['1', '2', '1']);
  expect(wx.stopPullDownRefresh).toHaveBeenCalled();
});

test('covers are downloaded with the login token and shown once they arrive', async () => {
  backend.on('GET /activities', reply(f.page([a.activity(1, { cover_media_id: 77 }), a.activity(2)])));
  const comp = await render();
  await settle();

  expect(wx.downloadFile).toHaveBeenCalledTimes(1);
  const [req] = wx.downloadFile.mock.calls[0];
  expect(req.url).toMatch(/\/api\/v1\/media\/77\/thumb$/);
  expect(req.header.Authorization).toMatch(/^Bearer token-/);
  const covers = comp.dom.querySelectorAll(sel('.cover'));
  expect(covers).toHaveLength(1); // only the card with a cover, and only once it arrived
  expect(comp.instance.data.items.map((i) => i.coverPath)).toEqual(['wxfile://tmp/media-77-thumb.jpg', '']);
});

test('no activities: the page says so; a failed load shows the error and retries', async () => {
  backend.on('GET /activities', reply(f.page([])));
  const comp = await render();
  expect(comp.instance.data.state).toBe('empty');
  expect(comp.dom.textContent).toContain('暂时没有可以报名的活动');

  backend.on('GET /activities', jsonError(503, 'database_unavailable', '数据服务暂时不可用，请稍后再试'));
  const failed = await render();
  expect(failed.instance.data.state).toBe('error');
  expect(failed.dom.textContent).toContain('数据服务暂时不可用，请稍后再试');

  backend.on('GET /activities', reply(f.page([a.activity(9, { title: '重阳登高' })])));
  failed.instance.retry();
  await settle();
  expect(texts(failed, '.activity-title')).toEqual(['重阳登高']);
});

test('a failed refresh keeps the list and says why in a toast', async () => {
  const page = await open();
  backend.on('GET /activities', { fail: 'request:fail' });
  page.onShow();
  await settle();
  expect(page.data.state).toBe('ready');
  expect(wx.toasts()).toEqual(['网络连接失败，请检查网络后重试']);
});

test('a card opens its activity, and 我的报名 opens my sign-ups', async () => {
  const page = await open();
  page.openActivity({ currentTarget: { dataset: { id: 4 } } });
  page.openMine();
  expect(wx.navigateTo.mock.calls.map(([arg]) => arg.url)).toEqual([
    '/pages/activities/detail?id=4',
    '/pages/activities/mine',
  ]);
});
