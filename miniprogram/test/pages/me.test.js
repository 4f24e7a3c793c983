/** @jest-environment jsdom */
// 我的, rendered: profile, phone binding, households (auto, claim, unbind), links to sign-ups,
// hours and reports, the merchants' Youth Lounge card, large-text mode.

const { FakeBackend, installWx, settle, reply, jsonError } = require('../helpers/wx');
const { renderPage, texts, tap } = require('../helpers/pages');
const f = require('../helpers/fixtures');

const BOUND = {
  id: 31,
  flat: '1-1-0101',
  building: '1号楼',
  relation: 'primary_tenant',
  method: 'phone_match',
  since: '2025-03-05T14:30:00+08:00',
};

let backend;
let wx;
let households;

beforeEach(() => {
  households = { bindings: [], claims: [] };
  backend = new FakeBackend();
  backend.on('GET /me', reply(f.me()));
  backend.on('GET /me/households', () => reply(households));
  wx = installWx(backend);
});

async function open() {
  const comp = renderPage('pages/me/index');
  comp.instance.onShow();
  await settle();
  return comp;
}

test('an unbound newcomer sees their name, community, no roles and the phone button', async () => {
  const comp = await open();

  expect(texts(comp, '.nickname')).toEqual(['北焦居民小王']);
  expect(texts(comp, '.community')).toEqual(['北焦社区']);
  expect(texts(comp, '.role-none')).toEqual(['未绑定房屋']);
  const button = comp.dom.querySelector('.main--phone-btn');
  expect(button.textContent.trim()).toBe('微信手机号一键绑定');
  expect(texts(comp, '.no-households')).toEqual(['还没有绑定房屋']);
});

test('binding the phone sends the one-time code, then shows the masked number, role and flat', async () => {
  backend.on('POST /me/phone', (call) => {
    households = { bindings: [BOUND], claims: [] };
    backend.on('GET /me', reply(f.me({ phone: '138****8000', phone_bound: true, roles: ['resident'] })));
    return reply(
      f.me({ phone: '138****8000', phone_bound: true, roles: ['resident'], code: call.data.code })
    );
  });
  const comp = await open();

  await comp.instance.onGetPhoneNumber({ detail: { code: 'phone-code-1', errMsg: 'getPhoneNumber:ok' } });
  await settle();

  expect(backend.callsTo('POST /me/phone')[0].data).toEqual({ code: 'phone-code-1' });
  expect(texts(comp, '.phone')).toEqual(['138****8000']);
  expect(comp.dom.querySelector('.main--phone-btn')).toBeNull();
  expect(texts(comp, '.role')).toEqual(['居民']);
  expect(texts(comp, '.binding .flat')).toEqual(['1-1-0101']);
  expect(comp.dom.textContent).toContain('1号楼 · 承租人');
  expect(wx.toasts()).toEqual(['已绑定房屋 1-1-0101']);
});

test('a refused phone prompt sends nothing and explains', async () => {
  const comp = await open();
  await comp.instance.onGetPhoneNumber({ detail: { errMsg: 'getPhoneNumber:fail user deny' } });

  expect(backend.callsTo('POST /me/phone')).toHaveLength(0);
  expect(wx.toasts()).toEqual(['需要您同意授权手机号才能绑定']);
});

test('an expired phone code shows the backend message and leaves the page as it was', async () => {
  backend.on('POST /me/phone', jsonError(422, 'wechat_code_invalid', '手机号授权已失效，请重新授权'));
  const comp = await open();

  await comp.instance.onGetPhoneNumber({ detail: { code: 'old' } });
  await settle();

  expect(wx.toasts()).toEqual(['手机号授权已失效，请重新授权']);
  expect(comp.dom.querySelector('.main--phone-btn')).not.toBeNull();
  expect(comp.instance.data.bindingPhone).toBe(false);
});

test('when the roster does not know the phone, 查找 offers the claim form', async () => {
  backend.on('GET /me', reply(f.me({ phone: '139****0000', phone_bound: true })));
  backend.on(
    'POST /me/households/auto',
    jsonError(404, 'roster_no_match', '租户名册中没有找到您的手机号，请按房号申请绑定')
  );
  const comp = await open();

  await comp.instance.autoBind();
  await settle();

  expect(wx.showModal.mock.calls[0][0]).toMatchObject({ title: '未找到您的房屋', confirmText: '按房号申请' });
  expect(wx.navigateTo).toHaveBeenCalledWith({ url: '/pages/household-claim/index' });
});

test('查找 binds a flat the roster now lists', async () => {
  backend.on('GET /me', reply(f.me({ phone: '138****8000', phone_bound: true })));
  backend.on('POST /me/households/auto', () => {
    households = { bindings: [BOUND], claims: [] };
    return reply(BOUND);
  });
  const comp = await open();

  await comp.instance.autoBind();
  await settle();

  expect(texts(comp, '.binding .flat')).toEqual(['1-1-0101']);
  expect(wx.toasts()).toEqual(['已绑定房屋 1-1-0101']);
});

test('unbinding asks first, then deletes the binding and refreshes the list', async () => {
  households = { bindings: [BOUND], claims: [] };
  backend.on('DELETE /me/households/:id', () => {
    households = { bindings: [], claims: [] };
    return reply(undefined, 204);
  });
  const comp = await open();

  wx.modalConfirm = false;
  await comp.instance.unbind({ currentTarget: { dataset: { id: 31, flat: '1-1-0101' } } });
  expect(backend.callsTo('DELETE /me/households/31')).toHaveLength(0);

  wx.modalConfirm = true;
  await comp.instance.unbind({ currentTarget: { dataset: { id: 31, flat: '1-1-0101' } } });
  await settle();

  expect(wx.showModal.mock.calls[1][0].content).toContain('1-1-0101');
  expect(backend.callsTo('DELETE /me/households/31')[0].header['Idempotency-Key']).toMatch(/^mp-/);
  expect(texts(comp, '.no-households')).toEqual(['还没有绑定房屋']);
  expect(wx.toasts()).toEqual(['已解除绑定']);
});

test('a pending claim is listed and can be withdrawn', async () => {
  households = {
    bindings: [],
    claims: [{ id: 4, flat: '3-2-1502', status: 'pending', created_at: '2025-03-01T09:00:00+08:00' }],
  };
  backend.on('DELETE /me/households/claims/:id', reply(undefined, 204));
  const comp = await open();

  expect(texts(comp, '.claim-status')).toEqual(['待审核']);
  await comp.instance.withdrawClaim({ currentTarget: { dataset: { id: 4, flat: '3-2-1502' } } });

  expect(backend.callsTo('DELETE /me/households/claims/4')).toHaveLength(1);
});

test('the large-text switch is remembered and enlarges this page at once', async () => {
  const comp = await open();

  comp.instance.toggleLargeText({ detail: { value: true } });
  await settle();

  expect(wx.storage.get('linli.largeText')).toBe(true);
  expect(comp.dom.querySelector('.main--page').classList.contains('main--large-text')).toBe(true);
});

test('staff see the workbench; residents do not', async () => {
  let comp = await open();
  expect(comp.dom.querySelector('.main--staff')).toBeNull();

  backend.on('GET /me', reply(f.me({ roles: ['admin'] })));
  comp = await open();
  expect(texts(comp, '.role')).toEqual(['社区管理员']);
  expect(comp.dom.querySelector('.main--staff')).not.toBeNull();
});

test('links lead to my sign-ups, my volunteer hours and the 报事 tab', async () => {
  const comp = await open();
  expect(texts(comp, '.link .row-main')).toEqual([
    '我的报名报名的活动和签到码',
    '志愿时长我的志愿服务记录',
    '我的报事报过的事和处理进展',
  ]);

  comp.instance.goSignups();
  comp.instance.goHours();
  comp.instance.goReports();

  expect(wx.navigateTo.mock.calls.map(([arg]) => arg.url)).toEqual([
    '/pages/activities/mine',
    '/pages/volunteer-hours/index',
  ]);
  expect(wx.switchTab).toHaveBeenCalledWith({ url: '/pages/reports/mine/index' });
});

test('merchants get a card for the Youth Lounge; others do not', async () => {
  let comp = await open();
  expect(comp.dom.querySelector('.main--merchant')).toBeNull();

  backend.on('GET /me', reply(f.me({ roles: ['merchant'] })));
  comp = await open();
  expect(texts(comp, '.role')).toEqual(['商户']);
  expect(texts(comp, '.lounge-btn')).toEqual(['进入青年会客厅']);
  tap(comp, '.lounge-btn');
  await settle();
  expect(wx.navigateTo).toHaveBeenCalledWith({ url: '/pages/merchant/lounge/index' });
});
