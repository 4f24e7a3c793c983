// 我要报事: checks before sending, the photos the picker reports (uploaded ones sent, none while
// one uploads or failed; the picker itself: test/components/photo-picker.test.js), the place
// (building, map, scanned facility code), 我也遇到 instead of a new report, the request, the
// subscribe popup in the tap, retries with the same Idempotency-Key, the backend's refusals.

const { FakeBackend, installWx, settle, reply, jsonError } = require('../helpers/wx');
const { capturePage } = require('../helpers/pages');
const r = require('../helpers/reports-fixtures');

let backend;
let wx;

beforeEach(() => {
  backend = new FakeBackend();
  backend.on('GET /reports/categories', reply({ items: r.CATEGORIES }));
  backend.on('GET /community/places', reply(r.PLACES));
  backend.on('GET /reports/similar', reply({ items: [] }));
  backend.on('POST /reports', (call) => reply(r.created(77, call.data), 201));
  backend.on('POST /reports/:id/support', (call) =>
    reply(r.ref(Number(call.params.id), 'accepted', '已受理', { supporter_count: 4, organisation_id: 3 }))
  );
  backend.on('GET /me/subscriptions', reply(r.SUBSCRIPTIONS));
  backend.on('POST /me/subscriptions', reply([]));
  wx = installWx(backend);
});

async function open() {
  const page = capturePage('pages/reports/new/index.js');
  page.onLoad({});
  page.onShow();
  await settle();
  return page;
}

const tapCategory = (page, id) => page.chooseCategory({ currentTarget: { dataset: { id: String(id) } } });
const type = (page, value) => page.onTextInput({ detail: { value } });
const pickBuilding = (page, index) => page.onBuildingChange({ detail: { value: String(index) } });
const pickUnit = (page, index) => page.onUnitChange({ detail: { value: String(index) } });
const placeMode = (page, mode) => page.choosePlaceMode({ currentTarget: { dataset: { mode } } });

/** What components/photo-picker tells the page after its photos changed. */
const photos = (page, mediaIds, { uploading = 0, failed = 0 } = {}) =>
  page.onPhotosChange({ detail: { mediaIds, uploading, failed } });

async function filled({ category = 1, text = '1号楼门口的路灯不亮了' } = {}) {
  const page = await open();
  tapCategory(page, category);
  type(page, text);
  pickBuilding(page, 0);
  await settle();
  return page;
}

test('the form offers the categories, saying which are public, and the buildings with their units', async () => {
  const page = await open();

  expect(page.data.state).toBe('ready');
  expect(page.data.categories.map((c) => [c.name, c.is_public])).toEqual([
    ['路灯', true],
    ['电梯', true],
    ['噪音扰民', false],
  ]);
  expect(page.data.buildingNames).toEqual(['1号楼', '2号楼']);
  pickBuilding(page, 0);
  expect(page.data.unitNames).toEqual(['不选单元', '1单元', '2单元']);
  expect(page.data.limits.textMax).toBe(1000); // ReportCreateArgs.text: 2 to 1000
});

test('without a category, text or place it refuses, says why and calls nothing', async () => {
  const page = await open();
  const before = backend.calls.length;

  await page.submit();

  expect(page.data.errors).toEqual({
    category: '请选择问题类别',
    text: '请描述遇到的问题',
    place: '请选择楼栋',
  });
  expect(wx.toasts()).toEqual(['请检查标红的内容']);
  expect(backend.calls.length).toBe(before);
  expect(wx.requestSubscribeMessage).not.toHaveBeenCalled();
});

test('one character, blank text or a bad facility code is refused before any request', async () => {
  const page = await open();
  tapCategory(page, 6); // private: no "me too" look-up either
  type(page, '灯');
  placeMode(page, 'asset');
  page.onAssetInput({ detail: { value: '路灯 3' } });

  await page.submit();
  expect(page.data.errors).toEqual({ text: '请至少写 2 个字', place: '设施编号只能包含字母、数字、-、_' });

  type(page, '   ');
  await page.submit();
  expect(page.data.errors.text).toBe('请描述遇到的问题');
  expect(backend.callsTo('POST /reports')).toHaveLength(0);
});

test('the photos the picker has uploaded are sent with the report', async () => {
  const page = await filled();
  photos(page, [501], { uploading: 1 });
  photos(page, [501, 502]);
  photos(page, [502]); // the first one removed

  await page.submit();

  expect(backend.callsTo('POST /reports')[0].data.media_ids).toEqual([502]);
});

test('a failed upload blocks the submit and says what to do at the photos', async () => {
  const page = await filled();
  photos(page, [501], { failed: 1 });

  await page.submit();

  expect(page.data.errors.photos).toBe('有照片没有传成功，请点照片重试或删掉');
  expect(wx.toasts()).toContain('有照片没有传成功');
  expect(backend.callsTo('POST /reports')).toHaveLength(0);
  expect(wx.requestSubscribeMessage).not.toHaveBeenCalled();

  photos(page, [501, 600]); // tapped again, and this time it went up
  expect(page.data.errors.photos).toBe('');
  await page.submit();
  expect(backend.callsTo('POST /reports')[0].data.media_ids).toEqual([501, 600]);
});

test('a submit while a photo is still uploading waits for it', async () => {
  const page = await filled();
  photos(page, [], { uploading: 1 });

  await page.submit();

  expect(wx.toasts()).toContain('照片还在上传，请稍候');
  expect(backend.callsTo('POST /reports')).toHaveLength(0);
});

test('a photo added or removed makes the next submit a new report (a new key)', async () => {
  backend.on('POST /reports', { fail: 'request:fail' });
  const page = await filled();
  await page.submit();
  photos(page, [501]);
  await page.submit();

  const keys = backend.callsTo('POST /reports').map((c) => c.header['Idempotency-Key']);
  expect(keys).toHaveLength(2);
  expect(keys[1]).not.toBe(keys[0]);
  expect(backend.callsTo('POST /reports')[1].data.media_ids).toEqual([501]);
});

test('neighbours’ open reports of the same kind at the building are offered, and joining one does not file a new one', async () => {
  backend.on('GET /reports/similar', reply({ items: [r.similar(5)] }));
  const page = await filled();

  expect(backend.callsTo('GET /reports/similar').pop().query).toEqual({
    category_id: '1',
    building_id: '10',
  });
  expect(page.data.similar).toEqual([
    expect.objectContaining({
      id: 5,
      statusText: '已受理',
      supporter_count: 3,
      summary: '报事 5：1号楼门口路灯不亮',
    }),
  ]);

  const handled = page.joinSimilar({ currentTarget: { dataset: { id: '5' } } });
  expect(wx.requestSubscribeMessage).toHaveBeenCalledTimes(1); // still inside the tap
  await handled;
  await settle();

  const [support] = backend.callsTo('POST /reports/5/support');
  expect(support.header['Idempotency-Key']).toMatch(/^mp-/);
  expect(backend.callsTo('POST /reports')).toHaveLength(0);
  expect(wx.toasts()).toContain('已加入，处理进展会通知您');
  expect(wx.redirectTo).toHaveBeenCalledWith({ url: '/pages/reports/detail/index?id=5' });
});

test('suggestions that only turn up on the submit tap are shown first; the next tap files it', async () => {
  backend.on('GET /reports/similar', { status: 503, body: 'busy' }); // the look-up while filling failed
  const page = await filled();
  expect(page.data.similar).toEqual([]);

  backend.on('GET /reports/similar', reply({ items: [r.similar(5)] }));
  await page.submit();
  expect(page.data.similar.map((s) => s.id)).toEqual([5]);
  expect(backend.callsTo('POST /reports')).toHaveLength(0);

  expect(backend.callsTo('GET /reports/similar')).toHaveLength(2);
  await page.submit();
  expect(backend.callsTo('GET /reports/similar')).toHaveLength(2); // the answer on screen stands
  expect(backend.callsTo('POST /reports')).toHaveLength(1);
});

test('suggestions for another building than the one now chosen do not count as seen', async () => {
  backend.on('GET /reports/similar', (call) =>
    reply({ items: [r.similar(call.query.building_id === '10' ? 5 : 6)] })
  );
  const page = await filled();
  expect(page.data.similar.map((s) => s.id)).toEqual([5]);

  pickBuilding(page, 1); // its look-up is still under way when the resident taps
  await page.submit();

  expect(page.data.similar.map((s) => s.id)).toEqual([6]);
  expect(backend.callsTo('POST /reports')).toHaveLength(0);
});

test('a private category is never matched with neighbours’ reports', async () => {
  const page = await filled({ category: 6 });
  await page.submit();

  expect(backend.callsTo('GET /reports/similar')).toHaveLength(0);
  expect(backend.callsTo('POST /reports')).toHaveLength(1);
});

test('submitting sends what the backend takes, opens the subscribe popup in the tap and opens the report', async () => {
  const page = await filled({ text: '  1号楼2单元门口的路灯不亮了  ' });
  pickUnit(page, 2);
  page.onPlaceNoteInput({ detail: { value: '东侧大门旁' } });
  photos(page, [501]);

  const handled = page.submit();
  expect(wx.requestSubscribeMessage).toHaveBeenCalledTimes(1); // WeChat allows it only in the tap
  expect(wx.requestSubscribeMessage.mock.calls[0][0].tmplIds).toEqual(['tpl_report']);
  await handled;
  await settle();

  const [post] = backend.callsTo('POST /reports');
  expect(post.data).toEqual({
    category_id: 1,
    text: '1号楼2单元门口的路灯不亮了',
    place: { building_id: 10, unit_id: 102, note: '东侧大门旁' },
    media_ids: [501],
  });
  expect(post.header['Idempotency-Key']).toMatch(/^mp-/);
  expect(backend.callsTo('POST /me/subscriptions')[0].data.results).toEqual([
    { template_id: 'tpl_report', status: 'accept' },
  ]);
  expect(wx.redirectTo).toHaveBeenCalledWith({ url: '/pages/reports/detail/index?id=77' });
});

test('a point on the map is sent as lat/lng with six decimals and its name as the note', async () => {
  wx.will('chooseLocation', {
    name: '北焦小区南门',
    address: '朝阳区北焦路1号',
    latitude: 39.912345678,
    longitude: 116.4567891,
  });
  const page = await open();
  tapCategory(page, 1);
  type(page, '南门口的路面塌了一块');
  placeMode(page, 'map');
  page.chooseLocation();
  await settle();
  expect(page.data.point).toEqual({ lat: 39.912346, lng: 116.456789, name: '北焦小区南门' });

  await page.submit();
  await settle();

  expect(backend.callsTo('GET /reports/similar')).toHaveLength(0); // a point alone has no neighbours' match
  expect(backend.callsTo('POST /reports')[0].data.place).toEqual({
    lat: 39.912346,
    lng: 116.456789,
    note: '北焦小区南门',
  });
});

test('a map WeChat will not open says how to allow it; closing the map says nothing', async () => {
  const page = await open();
  placeMode(page, 'map');

  wx.will('chooseLocation', { fail: 'chooseLocation:fail auth deny' });
  page.chooseLocation();
  page.chooseLocation(); // nothing more planned: the person closes the map
  await settle();

  expect(wx.toasts()).toEqual(['无法打开地图，请在设置中允许使用位置信息']);
  expect(page.data.point).toBeNull();
});

test('a scanned facility code, bare or inside a link, fills the code and looks for the same facility', async () => {
  const page = await open();
  tapCategory(page, 1);
  placeMode(page, 'asset');

  wx.will('scanCode', { result: 'https://bj.example.cn/asset?asset_code=LD-0312' });
  page.scanAsset();
  await settle();
  expect(page.data.assetCode).toBe('LD-0312');
  expect(backend.callsTo('GET /reports/similar').pop().query).toEqual({
    category_id: '1',
    asset_code: 'LD-0312',
  });

  wx.will('scanCode', { result: 'CD_07' });
  page.scanAsset();
  await settle();
  expect(page.data.assetCode).toBe('CD_07');

  wx.will('scanCode', { result: '欢迎光临' });
  page.scanAsset();
  await settle();
  expect(page.data.assetCode).toBe('CD_07');
  expect(wx.toasts()).toContain('没有识别到设施编号，请手动填写');

  type(page, '充电桩充不进电');
  await page.submit();
  expect(backend.callsTo('POST /reports')[0].data.place).toEqual({ asset_code: 'CD_07' });
});

test('a tap again after a lost answer is the same report (same key); an edit makes a new one', async () => {
  backend.on('POST /reports', { fail: 'request:fail' });
  const page = await filled();

  await page.submit();
  expect(wx.toasts()).toContain('网络连接失败，请检查网络后重试');
  expect(wx.redirectTo).not.toHaveBeenCalled();
  expect(page.data.text).toBe('1号楼门口的路灯不亮了'); // the form stays

  await page.submit();
  type(page, '1号楼门口的路灯一直不亮');
  await page.submit();

  const keys = backend.callsTo('POST /reports').map((c) => c.header['Idempotency-Key']);
  expect(keys).toHaveLength(3);
  expect(keys[1]).toBe(keys[0]);
  expect(keys[2]).not.toBe(keys[0]);
  expect(wx.requestSubscribeMessage).toHaveBeenCalledTimes(1); // one popup per form
});

test('text refused by the content check shows the backend message at the text and keeps the form', async () => {
  backend.on('POST /reports', jsonError(422, 'report_text_risky', '内容含有不当信息，请修改后再提交'));
  const page = await filled();

  await page.submit();

  expect(wx.toasts()).toContain('内容含有不当信息，请修改后再提交');
  expect(page.data.errors.text).toBe('内容含有不当信息，请修改后再提交');
  expect(page.data.text).toBe('1号楼门口的路灯不亮了');
  expect(page.data.submitting).toBe(false);
  expect(wx.redirectTo).not.toHaveBeenCalled();
});

test('a refusal naming the fields shows each message at its part of the form', async () => {
  backend.on(
    'POST /reports',
    jsonError(422, 'validation_failed', '提交的内容有误，请检查后重试', {
      category_id: ['该类别已停用'],
      media_ids: ['图片不存在或不属于您'],
    })
  );
  const page = await filled();
  photos(page, [501]);

  await page.submit();

  expect(page.data.errors).toEqual({ category: '该类别已停用', photos: '图片不存在或不属于您' });
  expect(wx.toasts()).toContain('提交的内容有误，请检查后重试');
});

test('categories that fail to load show the error in the page, and 重新加载 tries again', async () => {
  backend.on('GET /reports/categories', { status: 503, body: 'Service Unavailable' });
  const page = await open();
  expect(page.data).toMatchObject({ state: 'error', error: '服务繁忙，请稍后再试' });

  backend.on('GET /reports/categories', reply({ items: r.CATEGORIES }));
  page.retry();
  await settle();
  expect(page.data.state).toBe('ready');
});

test('a community without categories says reports are not open yet', async () => {
  backend.on('GET /reports/categories', reply({ items: [] }));
  const page = await open();
  expect(page.data.state).toBe('empty');
});

test('without the building list the form still works by map or facility code', async () => {
  backend.on('GET /community/places', jsonError(404, 'not_found', '找不到该内容'));
  const page = await open();

  expect(page.data).toMatchObject({ state: 'ready', placeMode: 'map' });
  expect(page.data.buildingsError).toContain('可改用地图选点或设施编号');
});
