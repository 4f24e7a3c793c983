// 发布通知: who may be addressed, checks before sending, the request, retries, scheduling.

const { FakeBackend, installWx, settle, reply, jsonError } = require('../helpers/wx');
const { capturePage } = require('../helpers/pages');
const f = require('../helpers/fixtures');

const GRIDS = [
  { id: 1, name: '第一网格', building_ids: [10, 11], worker_user_ids: [12] },
  { id: 2, name: '第二网格', building_ids: [20], worker_user_ids: [13] },
];
const BUILDINGS = [
  { id: 10, code: '1', name: '1号楼', grid_id: 1 },
  { id: 11, code: '2', name: '2号楼', grid_id: 1 },
  { id: 20, code: '3', name: '3号楼', grid_id: 2 },
];

let backend;
let wx;

beforeEach(() => {
  backend = new FakeBackend();
  backend.on('GET /me', reply(f.me({ id: 12, roles: ['grid_worker'] })));
  backend.on('GET /admin/grids', reply(GRIDS));
  backend.on('GET /admin/buildings', reply(BUILDINGS));
  backend.on('POST /admin/notices', (call) => reply(f.staffNotice(41, { title: call.data.title }), 201));
  wx = installWx(backend);
});

async function open() {
  const page = capturePage('pages/staff/compose/index.js');
  page.onLoad();
  page.onShow();
  await settle();
  return page;
}

function type(page, field, value) {
  page.onInput({ currentTarget: { dataset: { field } }, detail: { value } });
}

test('a grid worker may address only their own grid and its buildings, not the community', async () => {
  const page = await open();

  expect(page.data.kinds.map((k) => k.value)).toEqual(['grids', 'buildings']);
  expect(page.data.grids).toEqual([{ id: 1, name: '第一网格', checked: true }]); // their only grid
  expect(page.data.buildings.map((b) => b.name)).toEqual(['1号楼', '2号楼']);
});

test('an admin starts with the whole community and may pick any grid or building', async () => {
  backend.on('GET /me', reply(f.me({ id: 1, roles: ['admin'] })));
  const page = await open();

  expect(page.data.kind).toBe('community');
  expect(page.data.kinds.map((k) => k.label)).toEqual(['全社区', '按网格', '按楼栋']);
  expect(page.data.grids).toHaveLength(2);
  expect(page.data.buildings).toHaveLength(3);
});

test('a grid worker with no grid gets an explanation instead of a form', async () => {
  backend.on('GET /me', reply(f.me({ id: 99, roles: ['grid_worker'] })));
  const page = await open();
  expect(page.data.state).toBe('empty');
});

test('missing title, text or audience are shown and nothing is sent', async () => {
  const page = await open();
  page.onPick({ currentTarget: { dataset: { list: 'grids' } }, detail: { value: [] } });

  await page.submit();

  expect(page.data.errors).toEqual({
    title: '请填写标题',
    body: '请填写通知内容',
    audience: '请至少选择一个网格',
  });
  expect(backend.callsTo('POST /admin/notices')).toHaveLength(0);
});

test('publishing sends the notice with its options and an Idempotency-Key, then opens its report', async () => {
  const page = await open();
  type(page, 'title', ' 3号楼明日停水 ');
  type(page, 'body', '明天 9:00-12:00 停水，请提前储水。');
  page.onKindChange({ detail: { value: 'buildings' } });
  page.onPick({ currentTarget: { dataset: { list: 'buildings' } }, detail: { value: ['11'] } });
  page.onSwitch({ currentTarget: { dataset: { field: 'pinned' } }, detail: { value: true } });
  page.onSwitch({ currentTarget: { dataset: { field: 'requires_ack' } }, detail: { value: true } });

  await page.submit();
  await settle();

  expect(wx.showModal.mock.calls[0][0].content).toBe(
    '将立即发布给1 栋楼的住户，并通过微信消息提醒已订阅的住户。'
  );
  const [sent] = backend.callsTo('POST /admin/notices');
  expect(sent.data).toEqual({
    title: '3号楼明日停水',
    body: '明天 9:00-12:00 停水，请提前储水。',
    audience: { kind: 'buildings', ids: [11] },
    pinned: true,
    requires_ack: true,
    push: true,
    publish_at: null,
  });
  expect(sent.header['Idempotency-Key']).toMatch(/^[A-Za-z0-9_\-:.]{8,64}$/);
  expect(wx.redirectTo).toHaveBeenCalledWith({ url: '/pages/staff/report/index?id=41' });
});

test('after a failure, 发布 again is the same notice (same key); an edit makes it a new one', async () => {
  backend.on('POST /admin/notices', { fail: 'request:fail' });
  const page = await open();
  type(page, 'title', '停电通知');
  type(page, 'body', '今晚检修');

  await page.submit();
  await page.submit();
  type(page, 'body', '今晚 22:00 检修');
  await page.submit();

  const keys = backend.callsTo('POST /admin/notices').map((c) => c.header['Idempotency-Key']);
  expect(keys).toHaveLength(3);
  expect(keys[1]).toBe(keys[0]);
  expect(keys[2]).not.toBe(keys[0]);
  expect(wx.redirectTo).not.toHaveBeenCalled();
});

test('a cancelled confirmation sends nothing', async () => {
  const page = await open();
  type(page, 'title', 't');
  type(page, 'body', 'b');
  wx.modalConfirm = false;

  await page.submit();

  expect(backend.callsTo('POST /admin/notices')).toHaveLength(0);
});

test('a scheduled notice carries its Beijing time; a time in the past is refused before sending', async () => {
  const page = await open();
  type(page, 'title', '周末义诊');
  type(page, 'body', '周六上午社区医院义诊');
  page.onSwitch({ currentTarget: { dataset: { field: 'scheduled' } }, detail: { value: true } });
  page.onDate({ detail: { value: '2020-01-01' } });
  await page.submit();
  expect(page.data.errors.publish_at).toBe('定时发布的时间须晚于现在');

  const next = new Date(Date.now() + 3 * 24 * 3600 * 1000);
  const day = `${next.getFullYear()}-${String(next.getMonth() + 1).padStart(2, '0')}-${String(next.getDate()).padStart(2, '0')}`;
  page.onDate({ detail: { value: day } });
  page.onTime({ detail: { value: '09:30' } });
  await page.submit();

  expect(backend.callsTo('POST /admin/notices')[0].data.publish_at).toBe(`${day}T09:30:00`);
});

test("the backend's field errors land under their fields", async () => {
  backend.on('POST /admin/notices', jsonError(403, 'not_your_grid', '只能向自己负责网格内的住户发布通知'));
  const page = await open();
  type(page, 'title', 't');
  type(page, 'body', 'b');
  await page.submit();
  expect(wx.toasts()).toEqual(['只能向自己负责网格内的住户发布通知']);

  backend.on(
    'POST /admin/notices',
    jsonError(422, 'validation_failed', '提交的内容有误', { title: ['Longer than maximum length 64.'] })
  );
  await page.submit();
  expect(page.data.errors.title).toBe('Longer than maximum length 64.');
});
