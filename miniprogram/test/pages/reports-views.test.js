/** @jest-environment jsdom */
// The 报事 form and list as rendered by the official compiler: what a resident actually sees of
// the photos' progress, a failed upload, neighbours' reports and the statuses in a list; the
// form with its photo picker sending what was uploaded.

const { FakeBackend, installWx, settle, reply, jsonError } = require('../helpers/wx');
const { renderPage, texts, tap } = require('../helpers/pages');
const r = require('../helpers/reports-fixtures');

let backend;
let wx;

beforeEach(() => {
  backend = new FakeBackend();
  backend.on('GET /reports/categories', reply({ items: r.CATEGORIES }));
  backend.on('GET /community/places', reply(r.PLACES));
  backend.on('GET /reports/similar', reply({ items: [r.similar(5)] }));
  backend.on('GET /me/subscriptions', reply([]));
  backend.on('POST /reports', (call) => reply(r.created(77, call.data), 201));
  wx = installWx(backend);
});

async function render(path) {
  const comp = renderPage(path);
  comp.instance.onLoad({});
  comp.instance.onShow();
  await settle();
  return comp;
}

test('the form shows each photo’s progress, a failed one, and neighbours’ reports above the button', async () => {
  const uploads = [];
  wx.uploadFile.mockImplementation((req) => {
    const listeners = [];
    uploads.push({ req, listeners });
    return { onProgressUpdate: (cb) => listeners.push(cb), abort: jest.fn() };
  });
  wx.will('chooseMedia', {
    tempFiles: [{ tempFilePath: 'wxfile://a.jpg' }, { tempFilePath: 'wxfile://b.jpg' }],
  });
  const comp = await render('pages/reports/new/index');
  expect(texts(comp, '.category-name')).toEqual(['路灯', '电梯', '噪音扰民']);
  expect(texts(comp, '.category-scope')).toEqual(['公开', '公开', '不公开']);
  expect(texts(comp, '.submit-btn')).toEqual(['提交报事']);
  expect(comp.querySelector('#photos').instance.data).toMatchObject({ max: 9, purpose: 'report' });

  comp.instance.chooseCategory({ currentTarget: { dataset: { id: '1' } } });
  comp.instance.onBuildingChange({ detail: { value: '0' } });
  tap(comp.querySelector('#photos'), '.photo-add');
  await settle();
  uploads[0].listeners.forEach((cb) => cb({ progress: 40 }));
  uploads[1].req.success({
    statusCode: 415,
    data: JSON.stringify({
      code: 415,
      reason: 'media_type_unsupported',
      message: '只支持 JPEG、PNG 或 WebP 图片',
    }),
  });
  await settle();

  expect(texts(comp, '.scope-hint')).toEqual(['公开：邻居能看到这条报事，也能点“我也遇到”一起跟进']);
  expect(texts(comp, '.photo-progress', 'photo-picker')).toEqual(['上传中 40%']);
  expect(texts(comp, '.photo-retry', 'photo-picker')).toEqual(['上传失败，点此重试']);
  expect(texts(comp, '.photo-add', 'photo-picker')).toEqual(['+添加照片']);
  expect(texts(comp, '.building-picker')).toEqual(['1号楼']);
  expect(texts(comp, '.similar-summary')).toEqual(['报事 5：1号楼门口路灯不亮']);
  expect(texts(comp, '.join-btn')).toEqual(['我也遇到']);
  expect(texts(comp, '.submit-btn')).toEqual(['仍然提交新报事']);
});

test('photos picked in the form go up at once and are sent with the report', async () => {
  backend.on('GET /reports/similar', reply({ items: [] }));
  backend.on('POST /media/images', (call) =>
    reply(r.media(call.request.filePath === 'wxfile://a.jpg' ? 501 : 502), 201)
  );
  wx.will('chooseMedia', {
    tempFiles: [{ tempFilePath: 'wxfile://a.jpg' }, { tempFilePath: 'wxfile://b.jpg' }],
  });
  const comp = await render('pages/reports/new/index');
  comp.instance.chooseCategory({ currentTarget: { dataset: { id: '1' } } });
  comp.instance.onTextInput({ detail: { value: '1号楼门口的路灯不亮了' } });
  comp.instance.onBuildingChange({ detail: { value: '0' } });

  tap(comp.querySelector('#photos'), '.photo-add');
  await settle();
  tap(comp.querySelector('#photos'), '.photo-remove'); // the first one goes again
  await settle();
  await comp.instance.submit();

  expect(backend.callsTo('POST /media/images')).toHaveLength(2);
  expect(backend.callsTo('POST /reports')[0].data.media_ids).toEqual([502]);
  expect(wx.redirectTo).toHaveBeenCalledWith({ url: '/pages/reports/detail/index?id=77' });
});

test('a list shows each report’s category, Chinese status, place and time', async () => {
  backend.on(
    'GET /reports/mine',
    reply({
      items: [
        r.item(2, { status: 'resolved', status_label: '已解决', supporter_count: 2 }),
        r.item(1, {
          category_name: '噪音扰民',
          status: 'rejected',
          status_label: '已驳回',
          building_name: null,
        }),
      ],
      page: 1,
      page_size: 20,
      total: 2,
    })
  );
  const comp = await render('pages/reports/mine/index');

  expect(texts(comp, '.item-category')).toEqual(['路灯', '噪音扰民']);
  expect(texts(comp, '.item-status')).toEqual(['已解决', '已驳回']);
  expect(texts(comp, '.item-meta')[0]).toMatch(/^1号楼 · (2025-)?03-05 14:30 · 2 人也遇到$/);
  expect(texts(comp, '.more')).toEqual(['共 2 条，已全部显示']);
});

test('an empty list of mine offers 我要报事 in the page', async () => {
  backend.on('GET /reports/mine', reply({ items: [], page: 1, page_size: 20, total: 0 }));
  const comp = await render('pages/reports/mine/index');
  expect(comp.dom.textContent).toContain('您还没有报过事');
  expect(comp.dom.textContent).toContain('我要报事');
});

test('a public list that fails shows the message and 重新加载', async () => {
  backend.on('GET /reports', jsonError(503, 'database_unavailable', '数据服务暂时不可用，请稍后再试'));
  const comp = await render('pages/reports/public/index');
  expect(comp.dom.textContent).toContain('数据服务暂时不可用，请稍后再试');
  expect(comp.dom.textContent).toContain('重新加载');
});
