/** @jest-environment jsdom */
// 报事详情 (staff): photos behind the login, place, timeline; only the steps the backend allows
// now; the note prefilled from the reply templates of the status a step leads to; 驳回 needs a
// reason; refused steps come back as the API's toast and the report is read again; 转派.

const { FakeBackend, installWx, settle, reply, jsonError } = require('../helpers/wx');
const { renderPage, capturePage, texts } = require('../helpers/pages');
const f = require('../helpers/fixtures');
const r = require('../helpers/reports-fixtures');

const REPLIES = [
  { id: 1, status: 'accepted', title: '已受理', body: '您好，您反映的问题已受理。', sort_order: 0 },
  { id: 3, status: 'resolved', title: '已处理', body: '问题已处理完毕。', sort_order: 20 },
  { id: 4, status: 'resolved', title: '已更换', body: '灯泡已更换，请您查看。', sort_order: 30 },
];

function detail(overrides = {}) {
  return {
    id: 5,
    category_id: 2,
    category_name: '路灯不亮',
    text: '3号楼东侧路灯一直不亮，晚上很黑。',
    status: 'submitted',
    status_label: '已提交',
    moderation: 'pass',
    is_public: true,
    building_id: 3,
    building_name: '3号楼',
    unit_code: '2', // the unit's bare code, as the API gives it
    lat: '39.900000',
    lng: '116.400000',
    asset_code: 'LD-12',
    place_note: '东侧小路',
    organisation_name: '北焦物业',
    reporter_nickname: '王**',
    supporter_count: 1,
    photos: [
      { id: 31, url: '/api/v1/media/31/original', thumb_url: '/api/v1/media/31/thumb', moderation: 'review' },
    ],
    timeline: [
      r.step('submit', {
        action_label: '提交报事',
        actor_name: '王**',
        created_at: '2020-03-05T09:10:00+08:00',
      }),
      r.step('route', {
        action_label: '派单',
        actor_name: '',
        actor_role: 'system',
        actor_role_label: '系统',
        organisation_name: '北焦物业',
        from_status: 'submitted',
        note: '已派给北焦物业',
        created_at: '2020-03-05T09:10:00+08:00',
      }),
    ],
    is_mine: false,
    is_supporter: false,
    actions: ['accept', 'reject', 'assign'],
    response_due_at: '2020-03-05T13:10:00+08:00',
    resolution_due_at: '2020-03-07T09:10:00+08:00',
    resolved_at: null,
    rating: null,
    rating_comment: null,
    rated_at: null,
    created_at: '2020-03-05T09:10:00+08:00',
    reporter_user_id: 40,
    organisation_id: 4,
    grid_id: 1,
    first_response_at: null,
    escalation_level: 0,
    overdue: true,
    ...overrides,
  };
}

function ref(status) {
  return r.ref(5, status, status, { supporter_count: 1, organisation_id: 4 });
}

let backend;
let wx;

beforeEach(() => {
  backend = new FakeBackend();
  backend.on('GET /me', reply(f.me({ roles: ['grid_worker'] })));
  backend.on('GET /admin/reports/:id', reply(detail()));
  backend.on('GET /admin/report-setup/replies', reply({ items: REPLIES }));
  wx = installWx(backend);
});

async function render() {
  const comp = renderPage('pages/staff/report-detail/index');
  comp.instance.onLoad({ id: '5' });
  comp.instance.onShow();
  await settle();
  return comp;
}

async function open() {
  const page = capturePage('pages/staff/report-detail/index.js');
  page.onLoad({ id: '5' });
  page.onShow();
  await settle();
  return page;
}

function tapAction(page, action) {
  return page.openAction({ currentTarget: { dataset: { action } } });
}

test('shows the report, its photos (fetched with the login), place and timeline', async () => {
  const comp = await render();

  expect(texts(comp, '.report-category')).toEqual(['路灯不亮']);
  expect(texts(comp, '.report-status')).toEqual(['待受理']);
  expect(texts(comp, '.report-overdue')).toEqual(['已超时']);
  expect(texts(comp, '.report-due')).toEqual(['受理时限 2020-03-05 13:10']);
  expect(texts(comp, '.place-building')).toEqual(['3号楼 2单元']);
  expect(comp.dom.textContent).toContain('设施编号：LD-12');
  expect(texts(comp, '.event-action')).toEqual(['提交报事', '派单']);
  expect(texts(comp, '.event-note')).toEqual(['已派给北焦物业']);
  expect(comp.instance.data.report.timeline[1].who).toBe('系统（北焦物业）');

  expect(backend.callsTo('GET /media/31/thumb').map((c) => c.header.Authorization)).toEqual([
    'Bearer token-1',
  ]);
  expect(comp.instance.data.photos).toEqual([
    { id: 31, url: '/api/v1/media/31/original', src: 'wxfile://tmp/media-31-thumb.jpg' },
  ]);
  await comp.instance.previewPhoto({ currentTarget: { dataset: { index: 0 } } });
  expect(wx.previewImage).toHaveBeenCalledWith({
    urls: ['wxfile://tmp/media-31-original.jpg'],
    current: 'wxfile://tmp/media-31-original.jpg',
  });

  comp.instance.openMap();
  expect(wx.openLocation).toHaveBeenCalledWith({ latitude: 39.9, longitude: 116.4, name: '3号楼 2单元' });
});

test('only the steps the backend allows in this state are offered, in a steady order', async () => {
  const comp = await render();
  expect(texts(comp, '.action-btn')).toEqual(['受理', '驳回', '转派']);

  // In progress: 办结 and 驳回; the reporter's own steps never appear on the staff page.
  backend.on(
    'GET /admin/reports/:id',
    reply(detail({ status: 'in_progress', actions: ['reject', 'resolve', 'assign', 'reopen', 'cancel'] }))
  );
  backend.on('GET /me', reply(f.me({ roles: ['org_staff'] })));
  const org = await render();
  // Organisation staff cannot list organisations, so 转派 is not offered to them.
  expect(texts(org, '.action-btn')).toEqual(['办结', '驳回']);

  backend.on('GET /admin/reports/:id', reply(detail({ status: 'closed', actions: [] })));
  const closed = await render();
  expect(closed.dom.querySelectorAll('.main--action-btn')).toHaveLength(0);
  expect(texts(closed, '.no-actions')).toEqual(['该报事当前无需您处理']);
});

test('办结 starts from the first reply template for "resolved"; the picker swaps it; the body carries both', async () => {
  backend.on(
    'GET /admin/reports/:id',
    reply(detail({ status: 'in_progress', actions: ['resolve', 'reject'] }))
  );
  const page = await open();
  await tapAction(page, 'resolve');

  expect(page.data.panel).toMatchObject({
    label: '办结',
    needsNote: true,
    templates: [
      { title: '已处理', body: '问题已处理完毕。' },
      { title: '已更换', body: '灯泡已更换，请您查看。' },
    ],
    templateIndex: 0,
    note: '问题已处理完毕。',
  });
  page.onTemplate({ detail: { value: '1' } });
  expect(page.data.panel.note).toBe('灯泡已更换，请您查看。');

  backend.on('POST /admin/reports/:id/transitions', reply(ref('resolved')));
  backend.on('GET /admin/reports/:id', reply(detail({ status: 'resolved', actions: [] })));
  await page.submitPanel();
  await settle();

  const [call] = backend.callsTo('POST /admin/reports/5/transitions');
  expect(call.data).toEqual({ action: 'resolve', note: '灯泡已更换，请您查看。' });
  expect(call.header['Idempotency-Key']).toMatch(/^mp-/);
  expect(wx.toasts()).toEqual(['已办结']);
  expect(page.data.panel).toBeNull();
  expect(page.data.report.statusText).toBe('已办结');
  expect(page.data.actions).toEqual([]);
});

test('受理 takes an optional note: a cleared template is sent as null', async () => {
  const page = await open();
  await tapAction(page, 'accept');
  expect(page.data.panel.note).toBe('您好，您反映的问题已受理。');
  page.onNote({ detail: { value: '  ' } });
  backend.on('POST /admin/reports/:id/transitions', reply(ref('accepted')));

  await page.submitPanel();
  await settle();
  expect(backend.callsTo('POST /admin/reports/5/transitions')[0].data).toEqual({
    action: 'accept',
    note: null,
  });
});

test('驳回 needs a reason: nothing is sent until one is written', async () => {
  const page = await open();
  await tapAction(page, 'reject');
  expect(page.data.panel).toMatchObject({ label: '驳回', templates: [], note: '', danger: true });

  await page.submitPanel();
  expect(page.data.panel.error).toBe('请填写驳回理由');
  expect(backend.callsTo('POST /admin/reports/5/transitions')).toHaveLength(0);

  page.onNote({ detail: { value: '不属于公共区域，请联系房东' } });
  expect(page.data.panel.error).toBe('');
  backend.on('POST /admin/reports/:id/transitions', reply(ref('rejected')));
  await page.submitPanel();
  await settle();
  expect(backend.callsTo('POST /admin/reports/5/transitions')[0].data).toEqual({
    action: 'reject',
    note: '不属于公共区域，请联系房东',
  });
  expect(wx.toasts()).toEqual(['已驳回']);
});

test('a step the state no longer allows is refused with the API toast, and the report is read again', async () => {
  const page = await open();
  await tapAction(page, 'accept');
  backend.on(
    'POST /admin/reports/:id/transitions',
    jsonError(409, 'report_transition_invalid', '报事当前状态不能进行此操作')
  );
  backend.on(
    'GET /admin/reports/:id',
    reply(detail({ status: 'accepted', actions: ['start', 'resolve', 'reject'] }))
  );

  await page.submitPanel();
  await settle();

  expect(wx.toasts()).toEqual(['报事当前状态不能进行此操作']);
  expect(page.data.panel).toBeNull();
  expect(backend.callsTo('GET /admin/reports/5')).toHaveLength(2);
  expect(page.data.actions.map((a) => a.label)).toEqual(['开始处理', '办结', '驳回']);
});

test('the backend asking for a note shows its message at the field and keeps the panel', async () => {
  const page = await open();
  await tapAction(page, 'accept');
  backend.on(
    'POST /admin/reports/:id/transitions',
    jsonError(422, 'report_note_required', '请填写处理说明或驳回理由')
  );
  await page.submitPanel();
  await settle();
  expect(page.data.panel.error).toBe('请填写处理说明或驳回理由');
});

test('转派 lists the other active organisations and sends the one picked', async () => {
  backend.on(
    'GET /admin/organisations',
    reply([
      { id: 4, kind: 'property_company', name: '北焦物业', service_phone: '010-84000000', is_active: true },
      { id: 5, kind: 'maintenance_contractor', name: '电梯维保公司', service_phone: null, is_active: true },
      { id: 6, kind: 'maintenance_contractor', name: '原维保公司', service_phone: null, is_active: false },
    ])
  );
  const page = await open();
  await tapAction(page, 'assign');
  expect(page.data.panel.organisations).toEqual([{ id: 5, name: '电梯维保公司' }]);

  await page.submitPanel();
  expect(page.data.panel.error).toBe('请选择转派给哪个单位');

  page.onOrganisation({ detail: { value: '0' } });
  backend.on('POST /admin/reports/:id/assign', reply(ref('submitted')));
  await page.submitPanel();
  await settle();
  expect(backend.callsTo('POST /admin/reports/5/assign')[0].data).toEqual({ organisation_id: 5, note: null });
  expect(wx.toasts()).toEqual(['已转派']);
});

test('admins decide on a text held for review, with a reason', async () => {
  backend.on('GET /me', reply(f.me({ roles: ['admin'] })));
  backend.on('GET /admin/reports/:id', reply(detail({ moderation: 'review' })));
  const page = await open();
  expect(page.data.moderations.map((m) => m.label)).toEqual(['公开内容', '隐藏内容']);
  expect(page.data.report.moderationText).toBe('内容待审核，邻居暂不可见');

  page.openModeration({ currentTarget: { dataset: { decision: 'hide' } } });
  await page.submitPanel();
  expect(page.data.panel.error).toBe('请填写理由');

  page.onNote({ detail: { value: '含有住户电话' } });
  backend.on(
    'POST /admin/reports/:id/moderation',
    reply(r.ref(5, 'submitted', '已提交', { moderation: 'hidden' }))
  );
  backend.on('GET /admin/reports/:id', reply(detail({ moderation: 'hidden' })));
  await page.submitPanel();
  await settle();
  expect(backend.callsTo('POST /admin/reports/5/moderation')[0].data).toEqual({
    decision: 'hide',
    reason: '含有住户电话',
  });
  expect(wx.toasts()).toEqual(['已隐藏']);
  // Hidden now: it can be made public again.
  expect(page.data.moderations.map((m) => m.decision)).toEqual(['release']);
});

test('admins may hide a text neighbours already see, and make a hidden one public again', async () => {
  backend.on('GET /me', reply(f.me({ roles: ['admin'] })));
  const comp = await render();
  expect(texts(comp, '.moderation-btn')).toEqual(['隐藏内容']);

  backend.on('GET /admin/reports/:id', reply(detail({ moderation: 'hidden' })));
  const hidden = await render();
  expect(texts(hidden, '.report-moderation')).toEqual(['内容已隐藏，邻居不可见']);
  expect(texts(hidden, '.moderation-btn')).toEqual(['公开内容']);

  hidden.instance.openModeration({ currentTarget: { dataset: { decision: 'release' } } });
  hidden.instance.onNote({ detail: { value: '已删去电话号码' } });
  backend.on(
    'POST /admin/reports/:id/moderation',
    reply(r.ref(5, 'submitted', '已提交', { moderation: 'pass' }))
  );
  await hidden.instance.submitPanel();
  await settle();
  expect(backend.callsTo('POST /admin/reports/5/moderation')[0].data).toEqual({
    decision: 'release',
    reason: '已删去电话号码',
  });
});

test('only admins moderate: other staff get no moderation buttons, whatever the text’s state', async () => {
  backend.on('GET /admin/reports/:id', reply(detail({ moderation: 'review' })));
  const comp = await render();
  expect(texts(comp, '.moderation-btn')).toEqual([]);
  expect(comp.instance.data.moderations).toEqual([]);
});

test('without reply templates the steps still work; a report one may not see is an error in the page', async () => {
  backend.on('GET /admin/report-setup/replies', jsonError(403, 'role_required', '当前身份无权进行此操作'));
  let page = await open();
  expect(page.data.state).toBe('ready');
  await tapAction(page, 'accept');
  expect(page.data.panel).toMatchObject({ templates: [], note: '' });

  backend.on('GET /admin/reports/:id', jsonError(404, 'report_not_found', '找不到该报事'));
  page = await open();
  expect(page.data).toMatchObject({ state: 'error', error: '找不到该报事' });
  expect(wx.showToast).not.toHaveBeenCalled();
});
