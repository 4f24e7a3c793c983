// utils/subscribe.js: the popup at the moment of intent, and the answers reported to linli.

const { FakeBackend, installWx, reply, jsonError } = require('../helpers/wx');

const TEMPLATES = [
  {
    purpose: 'notice',
    template_id: 'tpl_notice',
    title: '社区通知',
    long_term: false,
    count: 0,
    last_status: null,
  },
  {
    purpose: 'report_update',
    template_id: 'tpl_report',
    title: '报事进度',
    long_term: false,
    count: 2,
    last_status: 'accept',
  },
  {
    purpose: 'activity_signup',
    template_id: 'tpl_signup',
    title: '报名结果',
    long_term: false,
    count: 0,
    last_status: null,
  },
  {
    purpose: 'activity_reminder',
    template_id: 'tpl_remind',
    title: '活动提醒',
    long_term: false,
    count: 0,
    last_status: null,
  },
  {
    purpose: 'waitlist_promotion',
    template_id: 'tpl_wait',
    title: '候补成功',
    long_term: true,
    count: 0,
    last_status: 'accept',
  },
];

let backend;
let wx;
let subscribe;

beforeEach(() => {
  jest.resetModules();
  backend = new FakeBackend();
  backend.on('GET /me/subscriptions', reply(TEMPLATES));
  backend.on('POST /me/subscriptions', (call) => reply(TEMPLATES.map((t) => ({ ...t, count: t.count + 1 }))));
  wx = installWx(backend);
  wx.storage.set('linli.session', { token: 't', expires_at: 4102444800 });
  subscribe = require('../../utils/subscribe'); // eslint-disable-line global-require
});

test('asks for the templates of the purposes and reports every answer to linli', async () => {
  wx.subscribeAnswers = { tpl_notice: 'accept' };
  await subscribe.prepare();

  const outcome = await subscribe.ask(['notice']);

  expect(wx.requestSubscribeMessage.mock.calls[0][0].tmplIds).toEqual(['tpl_notice']);
  expect(backend.callsTo('POST /me/subscriptions')[0].data).toEqual({
    results: [{ template_id: 'tpl_notice', status: 'accept' }],
  });
  expect(outcome).toEqual({
    asked: true,
    results: [{ template_id: 'tpl_notice', status: 'accept' }],
    accepted: 1,
  });
});

test('never asks for more than 3 templates in one popup', async () => {
  await subscribe.prepare();

  await subscribe.ask(['notice', 'report_update', 'activity_signup', 'activity_reminder']);

  expect(wx.requestSubscribeMessage.mock.calls[0][0].tmplIds).toEqual([
    'tpl_notice',
    'tpl_report',
    'tpl_signup',
  ]);
});

test('with the templates loaded, the popup opens within the tap, before anything is awaited', async () => {
  await subscribe.prepare();

  const pending = subscribe.ask(['notice']);
  // Synchronously after the call: WeChat only shows the popup from the tap itself.
  expect(wx.requestSubscribeMessage).toHaveBeenCalledTimes(1);
  await pending;
});

test('a long-term template that was accepted is not asked again', async () => {
  await subscribe.prepare();

  const outcome = await subscribe.ask(['waitlist_promotion']);

  expect(outcome.asked).toBe(false);
  expect(wx.requestSubscribeMessage).not.toHaveBeenCalled();
});

test('without a template for the purpose there is no popup and nothing is reported', async () => {
  backend.on('GET /me/subscriptions', reply([]));

  const outcome = await subscribe.ask(['notice']);

  expect(outcome).toMatchObject({ asked: false, accepted: 0 });
  expect(wx.requestSubscribeMessage).not.toHaveBeenCalled();
  expect(backend.callsTo('POST /me/subscriptions')).toHaveLength(0);
});

test('rejections are reported too; the extra keys of the answer are not', async () => {
  wx.subscribeAnswers = {
    tpl_notice: 'reject',
    tpl_report: 'acceptWithAudio',
    errMsg: 'x',
    tpl_unknown: 'accept',
  };
  await subscribe.prepare();

  const outcome = await subscribe.ask(['notice', 'report_update']);

  expect(backend.callsTo('POST /me/subscriptions')[0].data.results).toEqual([
    { template_id: 'tpl_notice', status: 'reject' },
    { template_id: 'tpl_report', status: 'acceptWithAudio' },
  ]);
  expect(outcome.accepted).toBe(1);
});

test('a popup WeChat refuses (subscriptions switched off) reports nothing and does not throw', async () => {
  wx.subscribeAnswers = null;
  await subscribe.prepare();

  const outcome = await subscribe.ask(['notice']);

  expect(outcome).toMatchObject({ asked: true, results: [], accepted: 0 });
  expect(backend.callsTo('POST /me/subscriptions')).toHaveLength(0);
});

test('a failed report neither throws nor shows a toast: the action that prompted it stands', async () => {
  backend.on(
    'POST /me/subscriptions',
    jsonError(422, 'subscribe_template_unknown', '包含本社区未配置的订阅消息模板')
  );
  await subscribe.prepare();

  const outcome = await subscribe.ask(['notice']);

  expect(outcome).toMatchObject({ asked: true, accepted: 1 });
  expect(outcome.error.reason).toBe('subscribe_template_unknown');
  expect(wx.showToast).not.toHaveBeenCalled();
});
