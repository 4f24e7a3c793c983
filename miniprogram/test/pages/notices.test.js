// 通知 (list): paging, the unread filter, states, and the reminder popup.

const { FakeBackend, installWx, settle, reply, jsonError } = require('../helpers/wx');
const { capturePage } = require('../helpers/pages');
const f = require('../helpers/fixtures');

let backend;
let wx;

function numbered(from, count) {
  return Array.from({ length: count }, (_, i) => f.notice(from + i));
}

beforeEach(() => {
  backend = new FakeBackend();
  backend.on('GET /notices', (call) => {
    const pageNumber = Number(call.query.page);
    return reply(f.page(pageNumber === 1 ? numbered(1, 20) : numbered(21, 5), 25, pageNumber));
  });
  backend.on('GET /me/subscriptions', reply([f.subscription('notice', 'tpl_notice')]));
  backend.on('POST /me/subscriptions', reply([]));
  wx = installWx(backend);
});

async function open() {
  const page = capturePage('pages/notices/index.js');
  page.onLoad();
  page.onShow();
  await settle();
  return page;
}

test('shows the first page, then the rest as the resident scrolls, and stops at the total', async () => {
  const page = await open();
  expect(page.data).toMatchObject({ state: 'ready', total: 25, hasMore: true });
  expect(page.data.items).toHaveLength(20);

  page.onReachBottom();
  await settle();
  expect(page.data.items.map((n) => n.id)).toEqual(numbered(1, 25).map((n) => n.id));
  expect(page.data.hasMore).toBe(false);

  page.onReachBottom();
  await settle();
  expect(backend.callsTo('GET /notices').map((c) => c.query.page)).toEqual(['1', '2']);
});

test('"只看未读" asks the backend for unread notices only and says so when there are none', async () => {
  const page = await open();
  backend.on('GET /notices', (call) => reply(f.page([], 0)));

  page.toggleUnread({ detail: { value: true } });
  await settle();

  expect(backend.calls[backend.calls.length - 1].query).toMatchObject({ unread_only: 'true', page: '1' });
  expect(page.data.state).toBe('empty');
});

test('a failed first load shows the error in the page; a failed refresh keeps the list', async () => {
  backend.on('GET /notices', { status: 503, body: 'Service Unavailable' });
  const page = await open();
  expect(page.data).toMatchObject({ state: 'error', error: '服务繁忙，请稍后再试' });

  backend.on('GET /notices', reply(f.page([f.notice(1)])));
  page.retry();
  await settle();
  expect(page.data.state).toBe('ready');

  backend.on('GET /notices', jsonError(503, 'database_unavailable', '数据服务暂时不可用，请稍后再试'));
  page.onShow();
  await settle();
  expect(page.data.state).toBe('ready');
  expect(wx.toasts()).toEqual(['数据服务暂时不可用，请稍后再试']);
});

test('a tap on a notice opens it', async () => {
  const page = await open();
  page.openNotice({ detail: { id: 7 } });
  expect(wx.navigateTo).toHaveBeenCalledWith({ url: '/pages/notice-detail/index?id=7' });
});

test('开启提醒 asks for the notice template and reports the answer', async () => {
  const page = await open();

  await page.enableReminders();

  expect(wx.requestSubscribeMessage.mock.calls[0][0].tmplIds).toEqual(['tpl_notice']);
  expect(backend.callsTo('POST /me/subscriptions')[0].data.results).toEqual([
    { template_id: 'tpl_notice', status: 'accept' },
  ]);
  expect(wx.toasts()).toEqual(['已开启，下一条通知将通过微信提醒您']);
});

test('开启提醒 in a community without a notice template says so', async () => {
  backend.on('GET /me/subscriptions', reply([]));
  const page = await open();

  await page.enableReminders();

  expect(wx.requestSubscribeMessage).not.toHaveBeenCalled();
  expect(wx.toasts()).toEqual(['社区暂未开通消息提醒']);
});
