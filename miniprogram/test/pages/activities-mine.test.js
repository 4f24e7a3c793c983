/** @jest-environment jsdom */
// 我的报名: my sign-ups with their activities, upcoming first, then the past; a tap opens the
// check-in page.

const { FakeBackend, installWx, settle, reply, jsonError } = require('../helpers/wx');
const { capturePage, renderPage, texts } = require('../helpers/pages');
const f = require('../helpers/fixtures');
const a = require('../helpers/activities-fixtures');

let backend;
let wx;

const SIGNUPS = {
  81: a.signupDetail(
    a.signup(81, { activity_id: 1, status: 'waitlisted' }),
    a.activity(1, { title: '重阳登高' }),
    2
  ),
  82: a.signupDetail(
    a.signup(82, { activity_id: 2, checked_in_at: a.beijing(-2 * a.DAY_MS) }),
    a.activity(2, {
      title: '春节联欢',
      starts_at: a.beijing(-3 * a.DAY_MS),
      ends_at: a.beijing(-3 * a.DAY_MS + a.HOUR_MS),
    })
  ),
  83: a.signupDetail(a.signup(83, { activity_id: 3 }), a.activity(3, { title: '包饺子' })),
  84: a.signupDetail(a.signup(84, { activity_id: 4, status: 'cancelled' }), a.activity(4, { title: '观影' })),
};

beforeEach(() => {
  backend = new FakeBackend();
  backend.on('GET /activities/signups', () =>
    reply(
      f.page(
        Object.keys(SIGNUPS).map((id) => SIGNUPS[id].signup),
        4,
        1,
        10
      )
    )
  );
  backend.on('GET /activities/signups/:id', (call) => reply(SIGNUPS[call.params.id]));
  wx = installWx(backend);
});

test('upcoming sign-ups come first with their status, then the ended and cancelled ones', async () => {
  const comp = renderPage('pages/activities/mine');
  comp.instance.onLoad();
  comp.instance.onShow();
  await settle();

  expect(texts(comp, '.upcoming .signup-title')).toEqual(['重阳登高', '包饺子']);
  expect(texts(comp, '.upcoming .status-tag')).toEqual(['候补中', '报名成功']);
  expect(texts(comp, '.upcoming .secondary')).toContain('候补第 2 位');
  expect(texts(comp, '.past .signup-title')).toEqual(['春节联欢', '观影']);
  expect(texts(comp, '.past .status-tag')).toEqual(['报名成功', '已取消']);
  expect(texts(comp, '.past .checked-in')).toEqual(['已签到']);
  expect(backend.callsTo('GET /activities/signups')[0].query).toEqual({ page: '1', page_size: '10' });
});

test('a tap on a sign-up opens its check-in page', async () => {
  const page = capturePage('pages/activities/mine.js');
  page.onLoad();
  await settle();

  page.openSignup({ currentTarget: { dataset: { id: 83 } } });
  page.openHours();

  expect(wx.navigateTo.mock.calls.map(([arg]) => arg.url)).toEqual([
    '/pages/activities/checkin?id=83',
    '/pages/volunteer-hours/index',
  ]);
});

test('a sign-up whose activity cannot be read still shows, by its status', async () => {
  backend.on('GET /activities/signups/:id', (call) =>
    call.params.id === '83'
      ? jsonError(404, 'signup_not_found', '找不到该报名')
      : reply(SIGNUPS[call.params.id])
  );
  const page = capturePage('pages/activities/mine.js');
  page.onLoad();
  await settle();

  expect(page.data.state).toBe('ready');
  expect(page.data.upcoming.map((r) => r.id)).toEqual([81, 83]);
  expect(page.data.upcoming[1]).toMatchObject({ title: '活动', statusText: '报名成功' });
  expect(page.data.past.map((r) => r.id)).toEqual([82, 84]);
});

test('no sign-ups: the page says so and leads to the activities; a failed load shows the error', async () => {
  backend.on('GET /activities/signups', reply(f.page([])));
  const page = capturePage('pages/activities/mine.js');
  page.onLoad();
  await settle();
  expect(page.data.state).toBe('empty');
  page.browse();
  expect(wx.switchTab).toHaveBeenCalledWith({ url: '/pages/activities/index' });

  backend.on('GET /activities/signups', { status: 502, body: 'Bad Gateway' });
  const failed = capturePage('pages/activities/mine.js');
  failed.onLoad();
  await settle();
  expect(failed.data).toMatchObject({ state: 'error', error: '服务繁忙，请稍后再试' });
});
