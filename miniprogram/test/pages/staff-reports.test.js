/** @jest-environment jsdom */
// 报事处理: the queues a person has (grid, organisation, whole community), rendered with
// status and overdue marks, the status and overdue filters, paging, empty and error states.

const { FakeBackend, installWx, settle, reply, jsonError } = require('../helpers/wx');
const { renderPage, capturePage, texts } = require('../helpers/pages');
const f = require('../helpers/fixtures');

function item(id, overrides = {}) {
  return {
    id,
    category_id: 2,
    category_name: '路灯不亮',
    summary: `报事 ${id}：楼下路灯不亮`,
    status: 'submitted',
    status_label: '已提交',
    building_id: 3,
    building_name: '3号楼',
    asset_code: null,
    supporter_count: 0,
    thumb_url: null,
    created_at: '2020-03-05T09:10:00+08:00',
    organisation_id: 4,
    grid_id: 1,
    moderation: 'pass',
    is_public: true,
    response_due_at: '2020-03-05T13:10:00+08:00',
    resolution_due_at: '2020-03-07T09:10:00+08:00',
    escalation_level: 0,
    overdue: false,
    ...overrides,
  };
}

let backend;
let wx;

beforeEach(() => {
  backend = new FakeBackend();
  backend.on('GET /me', reply(f.me({ roles: ['grid_worker', 'org_staff', 'resident'] })));
  backend.on(
    'GET /admin/reports/grid-queue',
    reply(
      f.page([
        item(7, { overdue: true, escalation_level: 1, supporter_count: 2 }),
        item(6, { status: 'in_progress', status_label: '处理中', asset_code: 'LD-12' }),
      ])
    )
  );
  backend.on('GET /admin/reports/org-queue', reply(f.page([item(9, { status: 'accepted' })])));
  wx = installWx(backend);
});

async function render() {
  const comp = renderPage('pages/staff/reports/index');
  comp.instance.onLoad();
  comp.instance.onShow();
  await settle();
  return comp;
}

async function open() {
  const page = capturePage('pages/staff/reports/index.js');
  page.onLoad();
  page.onShow();
  await settle();
  return page;
}

test('a grid worker who is also organisation staff gets both queues; the grid queue first, rendered', async () => {
  const comp = await render();

  expect(texts(comp, '.tab')).toEqual(['我的网格', '我的单位']);
  expect(backend.callsTo('GET /admin/reports/grid-queue')[0].query).toEqual({
    status: 'open',
    page: '1',
    page_size: '20',
  });
  expect(texts(comp, '.item-category')).toEqual(['路灯不亮', '路灯不亮']);
  expect(texts(comp, '.item-status')).toEqual(['待受理', '处理中']);
  // Only the overdue report is marked, with its deadline in red.
  expect(texts(comp, '.item-overdue-tag')).toEqual(['已超时']);
  expect(comp.dom.querySelectorAll('.main--item-overdue')).toHaveLength(1);
  expect(texts(comp, '.item-due')).toEqual(['· 受理时限 2020-03-05 13:10', '· 办结时限 2020-03-07 09:10']);
  expect(texts(comp, '.item-place')).toEqual(['3号楼', '3号楼 · 设施编号 LD-12']);
  expect(texts(comp, '.item-supporters')).toEqual(['另有 2 位邻居反映同一问题']);

  comp.instance.openReport({ currentTarget: { dataset: { id: 7 } } });
  expect(wx.navigateTo).toHaveBeenCalledWith({ url: '/pages/staff/report-detail/index?id=7' });
});

test('switching the tab reads the organisation queue', async () => {
  const page = await open();
  page.switchQueue({ currentTarget: { dataset: { key: 'org' } } });
  await settle();

  expect(backend.callsTo('GET /admin/reports/org-queue')).toHaveLength(1);
  expect(page.data.items.map((r) => [r.id, r.statusText])).toEqual([[9, '已受理']]);
});

test('organisation staff only get their organisation queue; admins the whole community', async () => {
  backend.on('GET /me', reply(f.me({ roles: ['org_staff'] })));
  let page = await open();
  expect(page.data.queues.map((q) => q.key)).toEqual(['org']);
  expect(backend.callsTo('GET /admin/reports/grid-queue')).toHaveLength(0);
  expect(page.data.items.map((r) => r.id)).toEqual([9]);

  backend.on('GET /me', reply(f.me({ roles: ['admin'] })));
  backend.on('GET /admin/reports', reply(f.page([item(1)])));
  page = await open();
  expect(page.data.queues.map((q) => q.label)).toEqual(['全社区']);
  expect(page.data.items.map((r) => r.id)).toEqual([1]);
});

test('the status filter and 只看超时 go to the backend as query arguments', async () => {
  const page = await open();

  page.onFilter({ detail: { value: '5' } }); // 已办结
  await settle();
  expect(backend.calls.slice(-1)[0].query).toMatchObject({ status: 'resolved' });

  page.onOverdue({ detail: { value: true } });
  await settle();
  expect(backend.calls.slice(-1)[0].query).toMatchObject({ status: 'resolved', overdue: 'true' });
});

test('more reports load at the bottom until all are shown', async () => {
  backend.on('GET /admin/reports/grid-queue', (call) =>
    call.query.page === '1' ? reply(f.page([item(30), item(29)], 3)) : reply(f.page([item(28)], 3, 2))
  );
  const page = await open();
  expect(page.data.hasMore).toBe(true);

  page.onReachBottom();
  await settle();
  expect(page.data.items.map((r) => r.id)).toEqual([30, 29, 28]);
  expect(page.data.hasMore).toBe(false);
  page.onReachBottom();
  await settle();
  expect(backend.callsTo('GET /admin/reports/grid-queue')).toHaveLength(2);
});

test('an empty queue says so, the overdue filter with its own words', async () => {
  backend.on('GET /admin/reports/grid-queue', reply(f.page([])));
  const comp = await render();
  expect(comp.instance.data.state).toBe('empty');
  expect(comp.dom.textContent).toContain('没有需要处理的报事');

  comp.instance.onOverdue({ detail: { value: true } });
  await settle();
  expect(comp.dom.textContent).toContain('没有超时的报事');
});

test('someone without a handling role is told so and nothing is asked of the queues', async () => {
  backend.on('GET /me', reply(f.me({ roles: ['resident'] })));
  const comp = await render();

  expect(comp.instance.data.state).toBe('empty');
  expect(comp.dom.textContent).toContain('您没有处理报事的权限');
  expect(backend.calls.filter((c) => c.path.indexOf('/admin/reports') === 0)).toHaveLength(0);
});

test('a failed load shows the error in the page, and retry loads again', async () => {
  backend.on('GET /admin/reports/grid-queue', jsonError(403, 'role_required', '当前身份无权进行此操作'));
  const comp = await render();

  expect(comp.instance.data.state).toBe('error');
  expect(comp.dom.textContent).toContain('当前身份无权进行此操作');
  expect(wx.showToast).not.toHaveBeenCalled();

  backend.on('GET /admin/reports/grid-queue', reply(f.page([item(1)])));
  comp.instance.retry();
  await settle();
  expect(comp.instance.data.state).toBe('ready');
});
