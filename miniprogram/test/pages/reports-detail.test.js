/** @jest-environment jsdom */
// 报事详情, rendered: the report, its photos (fetched with our token; unchecked ones as 审核中),
// the timeline, 我也遇到, and the reporter's steps: rating, reopening, cancelling.

const { FakeBackend, installWx, settle, reply, jsonError } = require('../helpers/wx');
const { renderPage, texts } = require('../helpers/pages');
const r = require('../helpers/reports-fixtures');

let backend;
let wx;
let current;

beforeEach(() => {
  current = r.detail(9);
  backend = new FakeBackend();
  backend.on('GET /reports/:id', () => reply(current));
  backend.on('GET /me/subscriptions', reply(r.SUBSCRIPTIONS));
  backend.on('POST /me/subscriptions', reply([]));
  wx = installWx(backend);
});

async function open(id = '9') {
  const comp = renderPage('pages/reports/detail/index');
  comp.instance.onLoad({ id });
  comp.instance.onShow();
  await settle();
  return comp;
}

const has = (comp, selector) => comp.dom.querySelector(selector.replace(/\.([\w-]+)/g, '.main--$1')) !== null;

test('shows the report: category, status, text, place, photos and every step, newest first', async () => {
  current = r.resolved(9, 1, {
    unit_code: '2',
    place_note: '东侧大门旁',
    photos: [r.photo(31, 'pass'), r.photo(32, 'pending')],
  });
  const comp = await open();

  expect(backend.callsTo('GET /reports/9')).toHaveLength(1);
  expect(texts(comp, '.category')).toEqual(['路灯']);
  expect(texts(comp, '.status')).toEqual(['已解决']);
  expect(texts(comp, '.report-text')).toEqual(['1号楼门口的路灯晚上不亮，老人出门看不清。']);
  expect(texts(comp, '.place-text')).toEqual(['1号楼 2单元']);
  expect(texts(comp, '.place-note')).toEqual(['（东侧大门旁）']);
  expect(texts(comp, '.organisation')).toEqual(['负责单位：北焦物业']);

  // The passed photo fetched with our token; the one still being checked is a placeholder.
  expect(wx.downloadFile).toHaveBeenCalledTimes(1);
  expect(wx.downloadFile.mock.calls[0][0]).toMatchObject({
    url: 'http://127.0.0.1:8000/api/v1/media/31/thumb',
    header: { Authorization: expect.stringMatching(/^Bearer /) },
  });
  expect(comp.instance.data.photos.map((p) => [p.src, p.label])).toEqual([
    ['wxfile://tmp/media-31-thumb.jpg', ''],
    ['', '审核中'],
  ]);
  expect(texts(comp, '.photo-placeholder')).toEqual(['审核中']);

  expect(texts(comp, '.step-action')).toEqual(['办结', '受理', '派单', '提交报事']);
  expect(texts(comp, '.step-status')).toEqual(['已解决', '已受理', '已提交', '已提交']);
  expect(texts(comp, '.step-actor')).toEqual([
    '责任单位 物业李师傅 · 北焦物业',
    '责任单位 物业李师傅 · 北焦物业',
    '系统 · 北焦物业',
    '报事人 北焦居民小王',
  ]);
  expect(texts(comp, '.step-note')).toEqual(['已更换灯泡']);
  expect(texts(comp, '.step-time')[0]).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}$/);
});

test('a tap on a photo opens the checked originals in the viewer', async () => {
  current = r.detail(9, { photos: [r.photo(31), r.photo(32, 'review'), r.photo(33)] });
  const comp = await open();

  await comp.instance.previewPhoto({ currentTarget: { dataset: { index: 2 } } });

  expect(wx.previewImage).toHaveBeenCalledWith({
    urls: ['wxfile://tmp/media-31-original.jpg', 'wxfile://tmp/media-33-original.jpg'],
    current: 'wxfile://tmp/media-33-original.jpg',
  });
  expect(wx.hideLoading).toHaveBeenCalled();
});

test('a photo that cannot be fetched says so instead of a blank square', async () => {
  backend.on('GET /media/:id/:variant', jsonError(404, 'not_found', '找不到该内容'));
  current = r.detail(9, { photos: [r.photo(31)] });
  const comp = await open();

  expect(texts(comp, '.photo-failed')).toEqual(['图片加载失败']);
});

test('text held for review tells its reporter who can see it', async () => {
  current = r.detail(9, { moderation: 'review' });
  const comp = await open();
  expect(texts(comp, '.text-note')).toEqual(['内容审核中，审核通过前只有您和工作人员能看到']);
});

test('the reporter rates a resolved report with stars and a comment, and then sees the rating', async () => {
  current = r.resolved(9);
  backend.on('POST /reports/:id/rating', (call) => {
    current = r.resolved(9, 1, { rating: call.data.rating, rating_comment: call.data.comment });
    return reply({
      id: 9,
      status: 'resolved',
      rating: 4,
      rating_comment: call.data.comment,
      rated_at: r.beijing(),
    });
  });
  const comp = await open();
  expect(has(comp, '.rate-card')).toBe(true);

  await comp.instance.rate();
  expect(wx.toasts()).toEqual(['请先点星星打分']);
  expect(backend.callsTo('POST /reports/9/rating')).toHaveLength(0);

  comp.instance.chooseStar({ currentTarget: { dataset: { value: '4' } } });
  comp.instance.onRatingComment({ detail: { value: ' 修得很快 ' } });
  await comp.instance.rate();
  await settle();

  const [post] = backend.callsTo('POST /reports/9/rating');
  expect(post.data).toEqual({ rating: 4, comment: '修得很快' });
  expect(post.header['Idempotency-Key']).toMatch(/^mp-/);
  expect(wx.toasts()).toContain('感谢您的评价');
  expect(has(comp, '.rate-card')).toBe(false);
  expect(texts(comp, '.rating-value')).toEqual(['4 星']);
  expect(texts(comp, '.rating-card .star-on')).toHaveLength(4);
  expect(texts(comp, '.rating-comment')).toEqual(['修得很快']);
});

test.each([
  [
    'that is still being handled',
    () => r.detail(9, { status: 'in_progress', status_label: '处理中', actions: [] }),
  ],
  ['of a neighbour', () => r.resolved(9, 1, { is_mine: false, actions: [] })],
  ['that is already rated', () => r.resolved(9, 1, { rating: 5 })],
])('no rating form for a report %s', async (_, make) => {
  current = make();
  const comp = await open();
  expect(has(comp, '.rate-card')).toBe(false);
});

test('within the window the reporter may reopen, with a reason, until the backend’s reopen_until', async () => {
  current = r.resolved(9, 1, { reopen_until: '2099-03-17T09:00:00+08:00' });
  backend.on('POST /reports/:id/transitions', (call) => {
    current = r.detail(9, { status: 'reopened', status_label: '重新处理', actions: [] });
    return reply(r.ref(9, 'reopened', '重新处理'));
  });
  const comp = await open();
  expect(texts(comp, '.reopen-card .secondary')[0]).toBe(
    '2099-03-17 09:00 前可以重新打开，工作人员会再次处理。'
  );

  comp.instance.onReopenNote({ detail: { value: '晚上还是不亮' } });
  await comp.instance.reopen();
  await settle();

  expect(backend.callsTo('POST /reports/9/transitions')[0].data).toEqual({
    action: 'reopen',
    note: '晚上还是不亮',
  });
  expect(texts(comp, '.status')).toEqual(['重新处理']);
  expect(has(comp, '.reopen-card')).toBe(false);
});

test('past the window there is no reopen, and the backend’s “expired” hides it too', async () => {
  current = r.resolved(9, 8);
  let comp = await open();
  expect(has(comp, '.reopen-card')).toBe(false);

  // Still offered by the backend's clock, but reopen_until has passed by the phone's.
  current = r.resolved(9, 1, { reopen_until: r.beijing(-60 * 1000) });
  comp = await open();
  expect(has(comp, '.reopen-card')).toBe(false);

  current = r.resolved(9, 6);
  backend.on(
    'POST /reports/:id/transitions',
    jsonError(409, 'report_reopen_expired', '已超过可重新打开的期限')
  );
  comp = await open();
  expect(has(comp, '.reopen-card')).toBe(true);
  await comp.instance.reopen();
  await settle();
  expect(wx.toasts()).toContain('已超过可重新打开的期限');
  expect(has(comp, '.reopen-card')).toBe(false);
});

test('the reporter cancels a report nobody has taken yet, after confirming', async () => {
  backend.on('POST /reports/:id/transitions', (call) => {
    current = r.detail(9, { status: 'cancelled', status_label: '已撤销', actions: [] });
    return reply(r.ref(9, 'cancelled', '已撤销'));
  });
  const comp = await open();
  expect(texts(comp, '.step-btn')).toEqual(['撤销报事']);

  await comp.instance.takeStep({ currentTarget: { dataset: { action: 'cancel' } } });
  await settle();

  expect(wx.showModal.mock.calls[0][0].title).toBe('撤销报事');
  expect(backend.callsTo('POST /reports/9/transitions')[0].data).toEqual({ action: 'cancel' });
  expect(texts(comp, '.status')).toEqual(['已撤销']);
  expect(has(comp, '.step-btn')).toBe(false);
});

test('a neighbour joins an open public report with 我也遇到; the popup opens within the tap', async () => {
  current = r.detail(9, {
    is_mine: false,
    actions: [],
    status: 'accepted',
    status_label: '已受理',
    supporter_count: 3,
  });
  backend.on('POST /reports/:id/support', reply(r.ref(9, 'accepted', '已受理', { supporter_count: 4 })));
  const comp = await open();
  expect(has(comp, '.step-btn')).toBe(false);
  expect(has(comp, '.rate-card')).toBe(false);

  const handled = comp.instance.join();
  expect(wx.requestSubscribeMessage).toHaveBeenCalledTimes(1);
  await handled;
  await settle();

  expect(backend.callsTo('POST /reports/9/support')).toHaveLength(1);
  expect(has(comp, '.join-btn')).toBe(false);
  expect(has(comp, '.supporter-card')).toBe(true);
  expect(texts(comp, '.supporters')).toEqual(['4 位邻居也遇到']);
});

test.each([
  ['my own report', { is_mine: true }],
  ['a closed report', { is_mine: false, actions: [], status: 'closed' }],
  ['a private report', { is_mine: false, actions: [], is_public: false }],
  ['one I already joined', { is_mine: false, actions: [], is_supporter: true }],
])('no 我也遇到 on %s', async (_, overrides) => {
  current = r.detail(9, overrides);
  const comp = await open();
  expect(has(comp, '.join-btn')).toBe(false);
});

test('a report one may not see shows the backend’s not-found message', async () => {
  backend.on('GET /reports/:id', jsonError(404, 'report_not_found', '找不到该报事'));
  const comp = await open('99');

  expect(comp.instance.data.state).toBe('error');
  expect(comp.dom.textContent).toContain('找不到该报事');
});

test('pull-down refresh reloads it and stops the spinner', async () => {
  const comp = await open();
  current = r.detail(9, { status: 'accepted', status_label: '已受理', actions: [] });

  await comp.instance.onPullDownRefresh();

  expect(texts(comp, '.status')).toEqual(['已受理']);
  expect(wx.stopPullDownRefresh).toHaveBeenCalled();
});

test('a map point opens in the map', async () => {
  current = r.detail(9, {
    building_id: null,
    building_name: null,
    lat: '39.912346',
    lng: '116.456789',
    place_note: '南门',
  });
  const comp = await open();
  expect(texts(comp, '.place-text')).toEqual(['地图位置']);

  comp.instance.openMap();
  expect(wx.openLocation).toHaveBeenCalledWith({ latitude: 39.912346, longitude: 116.456789, name: '南门' });
});
