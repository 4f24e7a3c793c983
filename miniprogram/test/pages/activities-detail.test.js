/** @jest-environment jsdom */
// 活动详情: the sign-up form (members of my flat, the organiser's questions), what the sign-up
// sends and answers, the subscribe popup in the same tap, cancelling, and a waiting-list offer.

const { FakeBackend, installWx, settle, reply, jsonError } = require('../helpers/wx');
const { capturePage, renderPage, texts, tap, sel } = require('../helpers/pages');
const a = require('../helpers/activities-fixtures');

const QUESTIONS = [
  { key: 'diet', label: '饮食禁忌', kind: 'text', required: true, options: [] },
  { key: 'session', label: '参加场次', kind: 'choice', required: true, options: ['上午', '下午'] },
  { key: 'note', label: '其他说明', kind: 'text', required: false, options: [] },
];
const FAMILY = [
  { id: 31, name: '冯*', relation: 'co_resident' },
  { id: 32, name: '王**', relation: 'co_resident' },
  { id: 33, name: '王*', relation: 'co_resident' },
];

let backend;
let wx;
let current; // what GET /activities/5 answers

beforeEach(() => {
  current = a.detail(a.activity(5, { title: '包饺子', questions: QUESTIONS }));
  backend = new FakeBackend();
  backend.on('GET /activities/:id', () => reply(current));
  backend.on('GET /me/households', reply(a.households([a.binding(3, '1-1-0101', FAMILY)])));
  backend.on('GET /me/subscriptions', reply(a.SUBSCRIPTIONS));
  backend.on('POST /me/subscriptions', reply(a.SUBSCRIPTIONS));
  backend.on('POST /activities/:id/signups', (call) => {
    const made = a.signup(70, {
      seats: 1 + (call.data.companion_ids || []).length,
      companion_ids: call.data.companion_ids || [],
      answers: call.data.answers,
    });
    current = a.detail(current.activity, made);
    return reply(made, 201);
  });
  wx = installWx(backend);
});

async function open() {
  const page = capturePage('pages/activities/detail.js');
  page.onLoad({ id: '5' });
  page.onShow();
  await settle();
  return page;
}

async function render() {
  const comp = renderPage('pages/activities/detail');
  comp.instance.onLoad({ id: '5' });
  comp.instance.onShow();
  await settle();
  return comp;
}

function answer(page, key, value) {
  page.onAnswer({ currentTarget: { dataset: { key } }, detail: { value } });
}

function answerAll(page) {
  answer(page, 'diet', ' 不吃香菜 ');
  answer(page, 'session', '下午');
}

test('shows the activity, the members of my flat to bring and the questions by their type', async () => {
  const comp = await render();

  expect(texts(comp, '.activity-title')).toEqual(['包饺子']);
  expect(texts(comp, '.place')).toEqual(['地点：社区活动室']);
  expect(texts(comp, '.seats')).toEqual(['名额：剩余 12 / 30 个名额']);
  expect(texts(comp, '.companion')).toEqual(['冯*（同住人）', '王**（同住人）', '王*（同住人）']);
  expect(texts(comp, '.companions .field-label')).toEqual(['带家人一起参加（最多再带 2 人）']);
  expect(texts(comp, '.question .field-label')).toEqual(['饮食禁忌 *', '参加场次 *', '其他说明']);
  // a choice question is a set of options, a text question an input
  const [, choice] = comp.dom.querySelectorAll(sel('.question'));
  expect(choice.textContent).toContain('上午');
  expect(choice.textContent).toContain('下午');
  expect(comp.dom.querySelectorAll(sel('.question .input'))).toHaveLength(2);
  expect(texts(comp, '.submit-btn')).toEqual(['提交报名']);
});

test('the sign-up sends the members chosen, their flat and the answers, as SignupCreateArgs', async () => {
  const page = await open();
  page.onCompanionsChange({ detail: { value: ['31', '33'] } });
  answerAll(page);
  answer(page, 'note', '   '); // left blank: not sent

  await page.submit();
  await settle();

  const [call] = backend.callsTo('POST /activities/5/signups');
  expect(call.data).toEqual({
    companion_ids: [31, 33],
    household_id: 3,
    answers: { diet: '不吃香菜', session: '下午' },
  });
  expect(call.header['Idempotency-Key']).toMatch(/^mp-/);
  expect(page.data.result).toEqual({ status: 'confirmed', text: '报名成功！请按时参加。' });
  expect(page.data.signup).toMatchObject({ id: 70, statusText: '报名成功', seats: 3, canCancel: true });
  expect(page.data.showForm).toBe(false);
});

test('alone, the sign-up names no flat; a volunteer service sends the answers only', async () => {
  current = a.detail(a.activity(5, { questions: [] }));
  const page = await open();
  await page.submit();
  expect(backend.callsTo('POST /activities/5/signups')[0].data).toEqual({ companion_ids: [], answers: {} });

  current = a.detail(a.activity(5, { kind: 'volunteer_service', seats_per_household: 1 }));
  const service = await open();
  expect(service.data.flats).toEqual([]);
  await service.submit();
  expect(backend.callsTo('POST /activities/5/signups')[1].data).toEqual({ answers: {} });
});

test('no more members than the seats per household allow', async () => {
  current = a.detail(a.activity(5, { seats_per_household: 2 }));
  const page = await open();

  page.onCompanionsChange({ detail: { value: ['31', '32'] } });

  expect(wx.toasts()).toEqual(['每户最多 2 人参加（含您本人）']);
  expect(page.data.flats[0].companions.filter((c) => c.checked).map((c) => c.id)).toEqual([31]);
  expect(page.data.companionsFull).toBe(true);
});

test('a required question left empty is pointed out and nothing is sent, nor any popup opened', async () => {
  const page = await open();
  answer(page, 'diet', '无');

  await page.submit();
  await settle();

  expect(page.data.errors).toEqual({ session: '请选择一项' });
  expect(wx.toasts()).toEqual(['请先回答带 * 号的必答题']);
  expect(backend.callsTo('POST /activities/5/signups')).toHaveLength(0);
  expect(wx.requestSubscribeMessage).not.toHaveBeenCalled();
});

test('the sign-up tap opens the subscribe popup for the activity templates and reports the answers', async () => {
  const page = await open();
  answerAll(page);

  const handled = page.submit(); // what the button's tap runs
  expect(wx.requestSubscribeMessage).toHaveBeenCalledTimes(1); // still inside the tap
  expect(wx.requestSubscribeMessage.mock.calls[0][0].tmplIds).toEqual([
    'tpl_signup',
    'tpl_reminder',
    'tpl_waitlist',
  ]);
  await handled;
  await settle();

  expect(backend.callsTo('POST /activities/5/signups')).toHaveLength(1);
  expect(backend.callsTo('POST /me/subscriptions')[0].data.results).toEqual([
    { template_id: 'tpl_signup', status: 'accept' },
    { template_id: 'tpl_reminder', status: 'accept' },
    { template_id: 'tpl_waitlist', status: 'accept' },
  ]);
});

test('a full activity waitlists the sign-up: the page says so and shows my place', async () => {
  current = a.detail(a.activity(5, { seats_left: 0, waiting: 4 }));
  backend.on('POST /activities/:id/signups', () => {
    const made = a.signup(71, { status: 'waitlisted', queued_at: a.beijing() });
    current = a.detail(a.activity(5, { seats_left: 0, waiting: 5 }), made, 5);
    return reply(made, 201);
  });
  const comp = await render();
  expect(texts(comp, '.window-tag')).toEqual(['名额已满，可候补']);
  expect(texts(comp, '.submit-btn')).toEqual(['报名候补']);

  tap(comp, '.submit-btn');
  await settle();

  expect(texts(comp, '.result-text')).toEqual(['名额已满，您已进入候补。有空位时会通知您确认。']);
  expect(texts(comp, '.status-tag')).toEqual(['候补中']);
  expect(texts(comp, '.position')).toEqual(['目前候补第 5 位，有空位时会通知您。']);
  expect(comp.dom.querySelector(sel('.form-card'))).toBeNull();
});

test('an activity that needs approval: the sign-up is pending', async () => {
  current = a.detail(a.activity(5, { requires_approval: true }));
  backend.on('POST /activities/:id/signups', () => reply(a.signup(72, { status: 'pending' }), 201));
  const page = await open();
  await page.submit();
  expect(page.data.result).toEqual({ status: 'pending', text: '报名已提交，请等待组织者审核。' });
});

test("the backend's answer errors land under their questions; a retry of the same form reuses the key", async () => {
  backend.on(
    'POST /activities/:id/signups',
    jsonError(422, 'signup_answers_invalid', '报名问题的回答有误', { session: ['请从选项中选择'] })
  );
  const page = await open();
  answerAll(page);

  await page.submit();
  await page.submit();
  answer(page, 'diet', '海鲜过敏');
  await page.submit();

  expect(page.data.errors).toEqual({ session: '请从选项中选择' });
  expect(wx.toasts()[0]).toBe('报名问题的回答有误');
  const keys = backend.callsTo('POST /activities/5/signups').map((c) => c.header['Idempotency-Key']);
  expect(keys[0]).toBe(keys[1]);
  expect(keys[2]).not.toBe(keys[1]);
});

test('without a bound flat the resident is offered the way to bind one', async () => {
  backend.on('POST /activities/:id/signups', jsonError(403, 'household_required', '请先绑定您的房屋再报名'));
  const page = await open();
  answerAll(page);

  await page.submit();
  await settle();

  expect(wx.showModal.mock.calls[0][0]).toMatchObject({ title: '请先绑定房屋', confirmText: '去绑定' });
  expect(wx.switchTab).toHaveBeenCalledWith({ url: '/pages/me/index' });
});

test('cancelling asks first, then cancels and offers the form again', async () => {
  current = a.detail(a.activity(5), a.signup(70));
  backend.on('POST /activities/signups/:id/cancel', () => {
    current = a.detail(a.activity(5), a.signup(70, { status: 'cancelled', cancelled_at: a.beijing() }));
    return reply(current.my_signup);
  });
  const comp = await render();
  expect(texts(comp, '.cancel-btn')).toEqual(['取消报名']);

  wx.modalConfirm = false;
  await comp.instance.cancel();
  expect(backend.callsTo('POST /activities/signups/70/cancel')).toHaveLength(0);

  wx.modalConfirm = true;
  await comp.instance.cancel();
  await settle();

  expect(wx.showModal.mock.calls[1][0]).toMatchObject({ title: '取消报名', confirmText: '确定取消' });
  expect(backend.callsTo('POST /activities/signups/70/cancel')).toHaveLength(1);
  expect(wx.toasts()).toContain('已取消报名');
  expect(texts(comp, '.status-tag')).toEqual(['已取消']);
  expect(comp.dom.querySelector(sel('.form-card'))).not.toBeNull();
});

test('past the cancellation deadline a confirmed sign-up offers no cancel, and says why', async () => {
  const deadline = '2031-06-01T18:00:00+08:00';
  current = a.detail(a.activity(5, { cancel_deadline: a.beijing(-a.HOUR_MS) }), a.signup(70));
  const comp = await render();
  expect(comp.dom.querySelector(sel('.cancel-btn'))).toBeNull();
  expect(texts(comp, '.deadline-note')[0]).toMatch(/^已过取消截止时间（.+），如不能参加，请联系组织者。$/);

  // A waiting sign-up can still be cancelled after it.
  current = a.detail(a.activity(5, { cancel_deadline: deadline }), a.signup(70, { status: 'waitlisted' }), 2);
  const waiting = await render();
  expect(texts(waiting, '.cancel-btn')).toEqual(['取消报名']);
});

test('a cancel refused for the deadline is shown and the cancel button goes away', async () => {
  current = a.detail(a.activity(5), a.signup(70));
  backend.on('POST /activities/signups/:id/cancel', () => {
    current = a.detail(a.activity(5, { cancel_deadline: a.beijing(-60000) }), a.signup(70));
    return jsonError(409, 'cancel_deadline_passed', '已过取消报名的截止时间');
  });
  const page = await open();

  await page.cancel();
  await settle();

  expect(wx.toasts()).toEqual(['已过取消报名的截止时间']);
  expect(page.data.signup).toMatchObject({ canCancel: false, deadlinePassed: true });
});

test('a seat offered from the waiting list shows its expiry and 确认参加 confirms it', async () => {
  const offered = a.signup(70, { status: 'offered', offer_expires_at: '2031-06-01T20:30:00+08:00' });
  current = a.detail(a.activity(5, { seats_left: 0 }), offered);
  backend.on('POST /activities/signups/:id/confirm', () => {
    current = a.detail(a.activity(5, { seats_left: 0 }), a.signup(70));
    return reply(current.my_signup);
  });
  const comp = await render();
  expect(texts(comp, '.status-tag')).toEqual(['候补到位，待确认']);
  expect(texts(comp, '.offer-text')).toEqual([
    '有空位了！请在 2031年6月1日（周日）20:30 前确认参加，逾期名额将让给下一位。',
  ]);

  tap(comp, '.confirm-btn');
  await settle();

  const [call] = backend.callsTo('POST /activities/signups/70/confirm');
  expect(call.header['Idempotency-Key']).toMatch(/^mp-/);
  expect(wx.requestSubscribeMessage.mock.calls[0][0].tmplIds).toEqual(['tpl_reminder']);
  expect(texts(comp, '.status-tag')).toEqual(['报名成功']);
  expect(comp.dom.querySelector(sel('.offer'))).toBeNull();
  expect(texts(comp, '.checkin-btn')).toEqual(['我的签到码']);
});

test('an offer that lapsed meanwhile: the message is shown and the page catches up', async () => {
  current = a.detail(a.activity(5), a.signup(70, { status: 'offered', offer_expires_at: a.beijing(60000) }));
  backend.on('POST /activities/signups/:id/confirm', () => {
    current = a.detail(a.activity(5), a.signup(70, { status: 'expired' }));
    return jsonError(409, 'offer_expired', '候补名额的确认时间已过');
  });
  const page = await open();

  await page.confirmOffer();
  await settle();

  expect(wx.toasts()).toEqual(['候补名额的确认时间已过']);
  expect(page.data.signup).toMatchObject({ status: 'expired', active: false });
});

test('a confirmed sign-up opens its check-in page; participants are listed on request', async () => {
  current = a.detail(a.activity(5), a.signup(70));
  backend.on(
    'GET /activities/:id/participants',
    reply([
      { name: '王*', seats: 3, shop_name: null },
      { name: '李*', seats: 1, shop_name: null },
    ])
  );
  const page = await open();

  page.openCheckin();
  await page.showParticipants();

  expect(wx.navigateTo).toHaveBeenCalledWith({ url: '/pages/activities/checkin?id=70' });
  expect(page.data.participants).toEqual([
    { name: '王*', seats: 3 },
    { name: '李*', seats: 1 },
  ]);
});

test('closed sign-up shows no form; an unknown activity shows the error', async () => {
  current = a.detail(a.activity(5, { signup_closes_at: a.beijing(-60000) }));
  const comp = await render();
  expect(comp.dom.querySelector(sel('.form-card'))).toBeNull();
  expect(texts(comp, '.closed-card')).toEqual(['报名已截止']);

  backend.on('GET /activities/:id', jsonError(404, 'activity_not_found', '找不到该活动'));
  const missing = await render();
  expect(missing.instance.data.state).toBe('error');
  expect(missing.dom.textContent).toContain('找不到该活动');
});

test('a sign-up the organiser turned down offers no new form', async () => {
  current = a.detail(a.activity(5), a.signup(70, { status: 'rejected' }));
  const comp = await render();
  expect(texts(comp, '.status-tag')).toEqual(['未通过审核']);
  expect(comp.dom.querySelector(sel('.form-card'))).toBeNull();
  expect(comp.dom.querySelector(sel('.closed-card'))).toBeNull();
});
