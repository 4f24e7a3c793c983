// 通知发布情况: figures, live delivery progress (polled while sending), not reached by grid,
// withdrawing.

const { FakeBackend, installWx, settle, reply } = require('../helpers/wx');
const { capturePage } = require('../helpers/pages');
const f = require('../helpers/fixtures');

const SENDING = { queued: 6, sending: 2, sent: 2, no_credit: 0, failed: 0, cancelled: 0, total: 10 };
const HALF = { queued: 2, sending: 1, sent: 6, no_credit: 1, failed: 0, cancelled: 0, total: 10 };
const DONE = { queued: 0, sending: 0, sent: 8, no_credit: 1, failed: 1, cancelled: 0, total: 10 };
const GRID = {
  grid_id: 1,
  grid_name: '第一网格',
  households: [
    { household_id: 5, flat: '1-1-0102', primary_tenant: '王*国', reasons: ['no_credit'] },
    { household_id: 6, flat: '1-1-0103', primary_tenant: null, reasons: ['no_delivery'] },
  ],
};

let backend;
let wx;
let progress;

beforeEach(() => {
  jest.useFakeTimers();
  progress = [SENDING, HALF, DONE];
  backend = new FakeBackend();
  backend.on('GET /admin/notices/:id', () =>
    reply(f.report(41, progress.length > 1 ? progress.shift() : progress[0]))
  );
  backend.on('GET /admin/notices/:id/not-reached', reply(f.notReached(41, [GRID])));
  wx = installWx(backend);
});

afterEach(() => {
  jest.useRealTimers();
});

async function open() {
  const page = capturePage('pages/staff/report/index.js');
  page.onLoad({ id: '41' });
  page.onShow();
  await settle();
  return page;
}

async function tick() {
  jest.advanceTimersByTime(3000);
  await settle();
}

test('shows who read and confirmed, and the push while it goes out', async () => {
  const page = await open();

  expect(page.data.report).toMatchObject({
    title: '通知 41',
    statusText: '已发布',
    audienceText: '2 个网格',
    read: 4,
    recipients: 10,
    acknowledgedHouseholds: 2,
    households: 8,
    pushText: '微信消息推送',
    progress: SENDING,
    sending: true,
  });
});

test('the progress refreshes every 3 seconds while sending and stops once everything is out', async () => {
  const page = await open();

  await tick();
  expect(page.data.report.progress).toEqual(HALF);
  await tick();
  expect(page.data.report).toMatchObject({ progress: DONE, sending: false });
  const reads = backend.callsTo('GET /admin/notices/41').length;

  await tick();
  await tick();
  expect(backend.callsTo('GET /admin/notices/41')).toHaveLength(reads);
  // The final not-reached list is fetched once the push has finished.
  expect(backend.callsTo('GET /admin/notices/41/not-reached')).toHaveLength(2);
});

test('leaving the page stops the polling; coming back resumes it', async () => {
  const page = await open();
  page.onHide();
  await tick();
  await tick();
  expect(backend.callsTo('GET /admin/notices/41')).toHaveLength(1);

  page.onShow();
  await tick();
  expect(backend.callsTo('GET /admin/notices/41')).toHaveLength(2);
  page.onUnload();
});

test('a failed refresh says so and keeps polling', async () => {
  const page = await open();
  backend.on('GET /admin/notices/:id', { fail: 'request:fail' });
  await tick();
  expect(wx.toasts()).toEqual(['刷新失败：网络连接失败，请检查网络后重试']);

  backend.on('GET /admin/notices/:id', reply(f.report(41, DONE)));
  await tick();
  expect(page.data.report.sending).toBe(false);
});

test('households not reached are grouped by grid with their reasons in Chinese', async () => {
  const page = await open();

  expect(page.data.notReached.total).toBe(2);
  expect(page.data.notReached.grids[0]).toMatchObject({ name: '第一网格', count: 2, more: 0 });
  expect(page.data.notReached.grids[0].households).toEqual([
    { id: 5, flat: '1-1-0102', tenant: '王*国', reasons: '未订阅提醒' },
    { id: 6, flat: '1-1-0103', tenant: '', reasons: '无微信账号' },
  ]);
  page.toggleGrid({ currentTarget: { dataset: { index: 0 } } });
  expect(page.data.expanded[0]).toBe(true);
});

test('a push that is off or has no template is labelled, and nothing is polled', async () => {
  backend.on('GET /admin/notices/:id', reply(f.report(41, null, { push: 'unavailable' })));
  const page = await open();

  expect(page.data.report).toMatchObject({ pushText: '未配置通知模板，未推送', sending: false });
  await tick();
  expect(backend.callsTo('GET /admin/notices/41')).toHaveLength(1);
});

test('withdrawing asks first, sends the cancel with a key and shows the notice withdrawn', async () => {
  const page = await open();
  backend.on('POST /admin/notices/:id/cancel', reply(f.staffNotice(41, { status: 'cancelled' })));
  backend.on(
    'GET /admin/notices/:id',
    reply(
      f.report(
        41,
        { ...SENDING, queued: 0, sending: 0, cancelled: 8 },
        { notice: f.staffNotice(41, { status: 'cancelled' }) }
      )
    )
  );

  await page.cancel();
  await settle();

  expect(wx.showModal.mock.calls[0][0].title).toBe('撤回通知');
  expect(backend.callsTo('POST /admin/notices/41/cancel')[0].header['Idempotency-Key']).toMatch(/^mp-/);
  expect(page.data.report).toMatchObject({ status: 'cancelled', statusText: '已撤回', sending: false });
  expect(wx.toasts()).toEqual(['已撤回']);
});
