/** @jest-environment jsdom */
// 青年会客厅 (merchants): my shops, the Youth Lounge events, signing a shop up as a team (the
// body the backend reads: shop_id, team_size, answers), my shops' sign-ups; participant lists
// of mixers are organiser-only, so the page never asks for any.

const { FakeBackend, installWx, settle, reply, jsonError } = require('../helpers/wx');
const { renderPage, capturePage, texts } = require('../helpers/pages');
const a = require('../helpers/activities-fixtures');
const f = require('../helpers/fixtures');
const subscribe = require('../../utils/subscribe');

const SHOPS = [
  { id: 3, unit_label: 'A-101', name: '青年咖啡', category: '餐饮', building_id: null },
  { id: 4, unit_label: 'A-102', name: '小蜜蜂花店', category: '零售', building_id: null },
];

/** A Youth Lounge event in 2031, open to shops' teams of up to five. */
function lounge(id, overrides = {}) {
  return a.activity(id, {
    kind: 'youth_lounge',
    title: `会客厅 ${id}`,
    description: '',
    place: '青年会客厅',
    starts_at: '2031-05-01T19:00:00+08:00',
    ends_at: '2031-05-01T21:00:00+08:00',
    signup_opens_at: '2031-04-01T09:00:00+08:00',
    signup_closes_at: '2031-04-30T18:00:00+08:00',
    cancel_deadline: '2031-04-30T18:00:00+08:00',
    capacity: 40,
    seats_per_household: 5,
    audience: { kind: 'merchants', ids: [] },
    shop_teams: true,
    ...overrides,
  });
}

/** A SignupSchema: shop 3's team of three for event 51 (POST …/signups answers this). */
function signup(id, overrides = {}) {
  return a.signup(id, {
    activity_id: 51,
    seats: 3,
    household_id: null,
    shop_id: 3,
    created_at: '2031-04-02T10:00:00+08:00',
    ...overrides,
  });
}

/** A MySignupSchema (GET /activities/signups): the sign-up with its activity's summary. */
function mySignup(id, overrides = {}, title = `会客厅 ${overrides.activity_id || 51}`) {
  const value = signup(id, overrides);
  return { ...value, activity: a.summary(lounge(value.activity_id, { title })) };
}

const PAGE = (items) => f.page(items, items.length, 1, 50);

let backend;
let wx;
let mine;

beforeEach(() => {
  subscribe.reset();
  mine = [
    mySignup(70, { activity_id: 53, seats: 4 }, '上月会客厅'),
    mySignup(71, { activity_id: 60, shop_id: null, seats: 1 }, '青年读书会'),
  ];
  backend = new FakeBackend();
  backend.on('GET /me/shops', reply(SHOPS));
  backend.on(
    'GET /activities',
    reply(
      PAGE([
        lounge(51, {
          questions: [{ key: 'contact', label: '联系人', kind: 'text', required: true, options: [] }],
        }),
        lounge(52, { title: '青年联谊', shop_teams: false, participants_private: true }),
      ])
    )
  );
  backend.on('GET /activities/signups', () => reply(PAGE(mine)));
  backend.on('GET /me/subscriptions', reply([f.subscription('activity_signup', 'T-SIGNUP')]));
  backend.on('POST /me/subscriptions', reply([]));
  wx = installWx(backend);
});

async function render() {
  const comp = renderPage('pages/merchant/lounge/index');
  comp.instance.onLoad();
  comp.instance.onShow();
  await settle();
  return comp;
}

async function open() {
  const page = capturePage('pages/merchant/lounge/index.js');
  page.onLoad();
  page.onShow();
  await settle();
  return page;
}

test('shows my shops, the Youth Lounge events and my shops’ sign-ups, never a participant list', async () => {
  const comp = await render();

  expect(backend.callsTo('GET /activities')[0].query).toMatchObject({ kind: 'youth_lounge' });
  expect(texts(comp, '.shop-name')).toEqual(['青年咖啡', '小蜜蜂花店']);
  expect(texts(comp, '.event-title')).toEqual(['会客厅 51', '青年联谊']);
  expect(texts(comp, '.event-personal')).toEqual(['按个人报名']);
  expect(texts(comp, '.event-mixer')).toEqual(['联谊活动 · 名单仅组织者可见']);
  // Only the team event can take a shop; the mixer is for individuals.
  expect(texts(comp, '.signup-btn')).toEqual(['以我的商户组队报名']);
  expect(comp.instance.data.events.map((e) => e.canSignUp)).toEqual([true, false]);
  // My sign-up for my shop (its event is no longer listed: the title comes with the sign-up,
  // no activity is read one by one); my personal sign-up is not a shop's.
  expect(texts(comp, '.signup-title')).toEqual(['上月会客厅']);
  expect(backend.calls.filter((c) => /^\/activities\/\d+$/.test(c.path))).toHaveLength(0);
  expect(comp.dom.textContent).toContain('青年咖啡 · 4 人');
  expect(texts(comp, '.signup-status')).toEqual(['已报名']);
  expect(backend.calls.filter((c) => /participants/.test(c.path))).toHaveLength(0);
});

test('signing my shop up as a team sends the shop, the team size and the answers', async () => {
  const page = await open();
  page.openSignup({ currentTarget: { dataset: { id: 51 } } });
  expect(page.data.form).toMatchObject({ activityId: 51, maxTeam: 5, shopIndex: 0 });

  page.onShop({ detail: { value: '1' } });
  page.onTeamSize({ detail: { value: '3' } });
  page.onAnswer({ currentTarget: { dataset: { index: 0 } }, detail: { value: ' 小李 13800000000 ' } });
  backend.on('POST /activities/:id/signups', (call) => {
    mine = [
      ...mine,
      mySignup(80, { activity_id: 51, shop_id: call.data.shop_id, seats: call.data.team_size }),
    ];
    return reply(signup(80, { shop_id: call.data.shop_id, seats: call.data.team_size }), 201);
  });

  await page.submitSignup();
  await settle();

  const [call] = backend.callsTo('POST /activities/51/signups');
  expect(call.data).toEqual({ shop_id: 4, team_size: 3, answers: { contact: '小李 13800000000' } });
  expect(call.header['Idempotency-Key']).toMatch(/^mp-/);
  // The subscribe popup was asked in the same tap, before the sign-up went out.
  expect(wx.requestSubscribeMessage).toHaveBeenCalledWith(expect.objectContaining({ tmplIds: ['T-SIGNUP'] }));
  const signupRequest = wx.request.mock.calls.findIndex(
    ([r]) => r.method === 'POST' && /signups$/.test(r.url)
  );
  expect(wx.requestSubscribeMessage.mock.invocationCallOrder[0]).toBeLessThan(
    wx.request.mock.invocationCallOrder[signupRequest]
  );
  expect(wx.toasts()).toEqual(['报名成功']);
  expect(page.data.form).toBeNull();
  expect(page.data.events[0]).toMatchObject({ signupText: '已报名', canSignUp: false });
  expect(page.data.signups.map((s) => [s.title, s.shopName, s.seats])).toEqual([
    ['上月会客厅', '青年咖啡', 4],
    ['会客厅 51', '小蜜蜂花店', 3],
  ]);
});

test('the team size and required answers are checked before anything is sent', async () => {
  const page = await open();
  page.openSignup({ currentTarget: { dataset: { id: 51 } } });

  await page.submitSignup();
  expect(page.data.form.errors).toEqual({ team_size: '请填写参加的人数', contact: '此题必答' });

  page.onTeamSize({ detail: { value: '6' } });
  page.onAnswer({ currentTarget: { dataset: { index: 0 } }, detail: { value: '小李' } });
  await page.submitSignup();
  expect(page.data.form.errors).toEqual({ team_size: '每个商户最多 5 人' });
  expect(backend.callsTo('POST /activities/51/signups')).toHaveLength(0);
});

test('a refused sign-up shows the API toast and keeps the form; tapping again retries the same sign-up', async () => {
  const page = await open();
  page.openSignup({ currentTarget: { dataset: { id: 51 } } });
  page.onTeamSize({ detail: { value: '2' } });
  page.onAnswer({ currentTarget: { dataset: { index: 0 } }, detail: { value: '小李' } });
  backend.on('POST /activities/:id/signups', jsonError(409, 'activity_full', '活动名额已满，候补也已满'));

  await page.submitSignup();
  await settle();
  expect(wx.toasts()).toEqual(['活动名额已满，候补也已满']);
  expect(page.data.form).not.toBeNull();

  backend.on('POST /activities/:id/signups', reply(signup(81, { status: 'waitlisted' }), 201));
  await page.submitSignup();
  await settle();
  const calls = backend.callsTo('POST /activities/51/signups');
  expect(calls[1].header['Idempotency-Key']).toBe(calls[0].header['Idempotency-Key']);
  expect(wx.toasts()[1]).toBe('名额已满，已为您排队候补');
});

test('a team too large for the event (422 on seats) is shown at the team size, the form kept', async () => {
  const page = await open();
  page.openSignup({ currentTarget: { dataset: { id: 51 } } });
  page.onTeamSize({ detail: { value: '5' } });
  page.onAnswer({ currentTarget: { dataset: { index: 0 } }, detail: { value: '小李' } });
  // The organiser lowered the limit after the page was read (eligibility.py PartyTooLarge).
  backend.on(
    'POST /activities/:id/signups',
    jsonError(422, 'party_too_large', '报名人数超过了每户可报名额', { seats: ['每份报名最多 4 人'] })
  );

  await page.submitSignup();
  await settle();
  expect(wx.toasts()).toEqual(['报名人数超过了每户可报名额']);
  expect(page.data.form.errors).toEqual({ team_size: '每份报名最多 4 人' });
  expect(page.data.form).toMatchObject({ activityId: 51, teamSize: '5' });
});

test('a seat offered from the waiting list can be taken up', async () => {
  mine = [mySignup(72, { status: 'offered', offer_expires_at: '2031-04-20T12:00:00+08:00' })];
  const page = await open();
  expect(page.data.signups[0]).toMatchObject({
    statusText: '候补待确认',
    offerText: '请在 2031-04-20 12:00 前确认',
  });

  backend.on('POST /activities/signups/:id/confirm', () => {
    mine = [mySignup(72)];
    return reply(signup(72));
  });
  await page.confirmOffer({ currentTarget: { dataset: { id: 72 } } });
  await settle();
  expect(backend.callsTo('POST /activities/signups/72/confirm')).toHaveLength(1);
  expect(page.data.signups[0].statusText).toBe('已报名');
});

test('someone who acts for no shop is told how to become one; a failed load shows its error', async () => {
  backend.on('GET /me/shops', reply([]));
  let comp = await render();
  expect(comp.instance.data.state).toBe('empty');
  expect(comp.dom.textContent).toContain('您还没有关联的商户');

  backend.on('GET /me/shops', jsonError(503, 'unavailable', '服务繁忙，请稍后再试'));
  comp = await render();
  expect(comp.instance.data).toMatchObject({ state: 'error', error: '服务繁忙，请稍后再试' });
  expect(wx.showToast).not.toHaveBeenCalled();
});
