// 发布记录: the staff member's notices with their state; refused to non-staff.

const { FakeBackend, installWx, settle, reply, jsonError } = require('../helpers/wx');
const { capturePage } = require('../helpers/pages');
const f = require('../helpers/fixtures');

let backend;
let wx;

beforeEach(() => {
  backend = new FakeBackend();
  backend.on(
    'GET /admin/notices',
    reply(
      f.page([
        f.staffNotice(3, {
          status: 'scheduled',
          published_at: null,
          publish_at: '2025-04-01T09:00:00+08:00',
        }),
        f.staffNotice(2, { status: 'cancelled', pinned: true }),
        f.staffNotice(1),
      ])
    )
  );
  wx = installWx(backend);
});

async function open() {
  const page = capturePage('pages/staff/notices/index.js');
  page.onLoad();
  page.onShow();
  await settle();
  return page;
}

test('lists the notices with their state and time (the planned time for scheduled ones)', async () => {
  const page = await open();

  expect(page.data.items.map((n) => [n.id, n.statusText, n.timeText])).toEqual([
    [3, '待发布', '2025-04-01 09:00'],
    [2, '已撤回', '2025-03-05 14:30'],
    [1, '已发布', '2025-03-05 14:30'],
  ]);
  page.openReport({ currentTarget: { dataset: { id: 2 } } });
  expect(wx.navigateTo).toHaveBeenCalledWith({ url: '/pages/staff/report/index?id=2' });
});

test('someone without a staff role sees why', async () => {
  backend.on('GET /admin/notices', jsonError(403, 'role_required', '当前身份无权进行此操作'));
  const page = await open();
  expect(page.data).toMatchObject({ state: 'error', error: '当前身份无权进行此操作' });
});

test('nothing published yet is an empty state', async () => {
  backend.on('GET /admin/notices', reply(f.page([])));
  const page = await open();
  expect(page.data.state).toBe('empty');
});
