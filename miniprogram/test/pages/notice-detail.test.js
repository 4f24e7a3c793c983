/** @jest-environment jsdom */
// 通知详情, rendered: the notice, and 已知晓 with the subscribe popup in the same tap.

const { FakeBackend, installWx, settle, reply, jsonError } = require('../helpers/wx');
const { renderPage, texts, tap } = require('../helpers/pages');
const f = require('../helpers/fixtures');

let backend;
let wx;

beforeEach(() => {
  backend = new FakeBackend();
  backend.on('GET /notices/:id', (call) =>
    reply(f.noticeDetail(Number(call.params.id), { title: '3号楼停水', requires_ack: true }))
  );
  backend.on('POST /notices/:id/acknowledge', (call) =>
    reply(
      f.noticeDetail(Number(call.params.id), {
        title: '3号楼停水',
        requires_ack: true,
        acknowledged: true,
        acknowledged_at: '2025-03-06T08:00:00+08:00',
      })
    )
  );
  backend.on('GET /me/subscriptions', reply([f.subscription('notice', 'tpl_notice')]));
  backend.on('POST /me/subscriptions', reply([]));
  wx = installWx(backend);
});

async function open(id = '5') {
  const comp = renderPage('pages/notice-detail/index');
  comp.instance.onLoad({ id });
  comp.instance.onShow();
  await settle();
  return comp;
}

test('shows the notice and, when it asks for one, the 已知晓 button', async () => {
  const comp = await open();

  expect(backend.callsTo('GET /notices/5')).toHaveLength(1);
  expect(texts(comp, '.notice-title')).toEqual(['3号楼停水']);
  expect(texts(comp, '.body')[0]).toContain('通知 5 的全文');
  expect(texts(comp, '.ack-btn')).toEqual(['已知晓']);
});

test('a notice that asks for nothing has no 已知晓', async () => {
  backend.on('GET /notices/:id', reply(f.noticeDetail(5)));
  const comp = await open();
  expect(comp.dom.querySelector('.main--ack-card')).toBeNull();
});

test('已知晓 opens the subscribe popup in the tap, confirms with an Idempotency-Key and shows it', async () => {
  const comp = await open();

  const handled = comp.instance.acknowledge(); // what the button's tap runs
  expect(wx.requestSubscribeMessage).toHaveBeenCalledTimes(1); // still inside the tap
  await handled;
  await settle();

  const [ack] = backend.callsTo('POST /notices/5/acknowledge');
  expect(ack.header['Idempotency-Key']).toMatch(/^mp-/);
  expect(backend.callsTo('POST /me/subscriptions')).toHaveLength(1);
  expect(comp.dom.querySelector('.main--ack-btn')).toBeNull();
  expect(texts(comp, '.ack-card .tag-done')).toEqual(['已确认知晓']);
  expect(texts(comp, '.ack-time')).toEqual(['2025-03-06 08:00']);
});

test('a failed 已知晓 keeps the button; the retry is the same action (same key)', async () => {
  backend.on('POST /notices/:id/acknowledge', { fail: 'request:fail' });
  const comp = await open();

  tap(comp, '.ack-btn');
  await settle();
  expect(wx.toasts()).toContain('网络连接失败，请检查网络后重试');
  expect(texts(comp, '.ack-btn')).toEqual(['已知晓']);

  backend.on(
    'POST /notices/:id/acknowledge',
    reply(f.noticeDetail(5, { requires_ack: true, acknowledged: true }))
  );
  tap(comp, '.ack-btn');
  await settle();

  const keys = backend.callsTo('POST /notices/5/acknowledge').map((c) => c.header['Idempotency-Key']);
  expect(keys).toHaveLength(2);
  expect(keys[0]).toBe(keys[1]);
  expect(comp.dom.querySelector('.main--ack-btn')).toBeNull();
});

test("someone else's notice shows the backend's not-found message", async () => {
  backend.on('GET /notices/:id', jsonError(404, 'notice_not_found', '找不到该通知'));
  const comp = await open('99');

  expect(comp.instance.data.state).toBe('error');
  expect(comp.dom.textContent).toContain('找不到该通知');
});
