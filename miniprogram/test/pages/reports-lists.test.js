// 我的报事 and 邻居的报事: paging as one scrolls, statuses in Chinese, filters, thumbnails,
// pull-down refresh, and the empty and error states.

const { FakeBackend, installWx, settle, reply, jsonError } = require('../helpers/wx');
const { capturePage } = require('../helpers/pages');
const r = require('../helpers/reports-fixtures');

let backend;
let wx;

function numbered(from, count, overrides = {}) {
  return Array.from({ length: count }, (_, i) => r.item(from + i, overrides));
}

function pagedBy(call) {
  const pageNumber = Number(call.query.page);
  const items = pageNumber === 1 ? numbered(1, 20) : numbered(21, 5);
  return reply({ items, page: pageNumber, page_size: 20, total: 25 });
}

beforeEach(() => {
  backend = new FakeBackend();
  backend.on('GET /reports/mine', pagedBy);
  backend.on('GET /reports', pagedBy);
  backend.on('GET /reports/categories', reply({ items: r.CATEGORIES }));
  backend.on('GET /community/places', reply(r.PLACES));
  wx = installWx(backend);
});

async function open(path) {
  const page = capturePage(path);
  page.onLoad({});
  page.onShow();
  await settle();
  return page;
}

const MINE = 'pages/reports/mine/index.js';
const PUBLIC = 'pages/reports/public/index.js';

describe('我的报事', () => {
  test('shows the first page, then the rest as I scroll, and stops at the total', async () => {
    const page = await open(MINE);
    expect(page.data).toMatchObject({ state: 'ready', total: 25, hasMore: true });
    expect(page.data.items).toHaveLength(20);

    page.onReachBottom();
    await settle();
    expect(page.data.items.map((i) => i.id)).toEqual(numbered(1, 25).map((i) => i.id));
    expect(page.data.hasMore).toBe(false);

    page.onReachBottom();
    await settle();
    expect(backend.callsTo('GET /reports/mine').map((c) => c.query)).toEqual([
      { page: '1', page_size: '20' },
      { page: '2', page_size: '20' },
    ]);
  });

  test('each report shows its status in Chinese, where it is and its first photo', async () => {
    backend.on(
      'GET /reports/mine',
      reply({
        items: [
          r.item(3, { status: 'in_progress', status_label: '处理中', thumb_url: '/api/v1/media/41/thumb' }),
          r.item(2, {
            status: 'reopened',
            status_label: undefined,
            building_name: null,
            asset_code: 'LD-0312',
          }),
        ],
        page: 1,
        page_size: 20,
        total: 2,
      })
    );
    const page = await open(MINE);

    expect(page.data.items.map((i) => [i.statusText, i.statusTag, i.placeText])).toEqual([
      ['处理中', 'tag-warn', '1号楼'],
      ['重新处理', 'tag-warn', '设施编号 LD-0312'],
    ]);
    expect(backend.callsTo('GET /media/41/thumb')).toHaveLength(1);
    expect(wx.downloadFile).toHaveBeenCalledTimes(1);
    expect(page.data.items.map((i) => i.thumbSrc)).toEqual(['wxfile://tmp/media-41-thumb.jpg', '']);
  });

  test('the status filter asks the backend for that status only', async () => {
    const page = await open(MINE);
    const openIndex = page.data.statusFilters.findIndex((f) => f.value === 'open');
    expect(page.data.statusFilters[openIndex].label).toBe('未办结');

    page.onStatusChange({ detail: { value: String(openIndex) } });
    await settle();

    expect(backend.callsTo('GET /reports/mine').pop().query).toMatchObject({ status: 'open', page: '1' });
  });

  test('with no reports yet it says so and offers 我要报事', async () => {
    backend.on('GET /reports/mine', reply({ items: [], page: 1, page_size: 20, total: 0 }));
    const page = await open(MINE);

    expect(page.data.state).toBe('empty');
    page.newReport();
    expect(wx.navigateTo).toHaveBeenCalledWith({ url: '/pages/reports/new/index' });
  });

  test('a failed first load shows the error in the page; a failed refresh keeps the list', async () => {
    backend.on('GET /reports/mine', { status: 503, body: 'Service Unavailable' });
    const page = await open(MINE);
    expect(page.data).toMatchObject({ state: 'error', error: '服务繁忙，请稍后再试' });

    backend.on('GET /reports/mine', pagedBy);
    page.retry();
    await settle();
    expect(page.data.state).toBe('ready');

    backend.on('GET /reports/mine', jsonError(503, 'database_unavailable', '数据服务暂时不可用，请稍后再试'));
    await page.onPullDownRefresh();
    expect(page.data.state).toBe('ready');
    expect(page.data.items).toHaveLength(20);
    expect(wx.toasts()).toEqual(['数据服务暂时不可用，请稍后再试']);
    expect(wx.stopPullDownRefresh).toHaveBeenCalled();
  });

  test('pull-down refresh starts again from the first page', async () => {
    const page = await open(MINE);
    page.onReachBottom();
    await settle();
    backend.on('GET /reports/mine', reply({ items: [r.item(99)], page: 1, page_size: 20, total: 1 }));

    await page.onPullDownRefresh();

    expect(page.data.items.map((i) => i.id)).toEqual([99]);
    expect(page.data).toMatchObject({ page: 1, hasMore: false });
  });

  test('a tap on a report opens it', async () => {
    const page = await open(MINE);
    page.openReport({ currentTarget: { dataset: { id: 7 } } });
    expect(wx.navigateTo).toHaveBeenCalledWith({ url: '/pages/reports/detail/index?id=7' });
  });
});

describe('邻居的报事', () => {
  test('filters by public category, status and building, each asked of the backend', async () => {
    const page = await open(PUBLIC);
    expect(page.data.categories.map((c) => c.name)).toEqual(['全部类别', '路灯', '电梯']); // no private ones
    expect(page.data.statusFilters.map((f) => f.value)).not.toContain('cancelled');
    expect(page.data.buildings.map((b) => b.name)).toEqual(['全部楼栋', '1号楼', '2号楼']);
    expect(backend.callsTo('GET /reports')[0].query).toEqual({ page: '1', page_size: '20' });

    const filter = (name, value) =>
      page.onFilterChange({ currentTarget: { dataset: { filter: name } }, detail: { value: String(value) } });
    filter('categoryIndex', 2);
    filter(
      'statusIndex',
      page.data.statusFilters.findIndex((f) => f.value === 'resolved')
    );
    filter('buildingIndex', 1);
    await settle();

    expect(backend.callsTo('GET /reports').pop().query).toEqual({
      page: '1',
      page_size: '20',
      category_id: '2',
      status: 'resolved',
      building_id: '10',
    });
  });

  test('pages on as one scrolls, keeping the filters', async () => {
    const page = await open(PUBLIC);
    page.onFilterChange({ currentTarget: { dataset: { filter: 'categoryIndex' } }, detail: { value: '1' } });
    await settle();

    page.onReachBottom();
    await settle();

    expect(page.data.items).toHaveLength(25);
    expect(backend.callsTo('GET /reports').pop().query).toMatchObject({ page: '2', category_id: '1' });
  });

  test('nothing matching the filters is an empty state, not an error', async () => {
    const page = await open(PUBLIC);
    backend.on('GET /reports', reply({ items: [], page: 1, page_size: 20, total: 0 }));

    page.onFilterChange({ currentTarget: { dataset: { filter: 'statusIndex' } }, detail: { value: '3' } });
    await settle();

    expect(page.data.state).toBe('empty');
  });

  test('without the building list the reports still show, without that filter', async () => {
    backend.on('GET /community/places', jsonError(404, 'not_found', '找不到该内容'));
    const page = await open(PUBLIC);

    expect(page.data.state).toBe('ready');
    expect(page.data.buildings).toEqual([{ id: 0, name: '全部楼栋' }]);
    expect(wx.showToast).not.toHaveBeenCalled();
  });

  test('a failed load shows the error in the page', async () => {
    backend.on('GET /reports', { fail: 'request:fail' });
    const page = await open(PUBLIC);
    expect(page.data).toMatchObject({ state: 'error', error: '网络连接失败，请检查网络后重试' });
  });
});
