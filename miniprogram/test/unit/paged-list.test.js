// utils/paged-list.js on a page-like object: the first page, the next ones as the list is
// scrolled, pulling down, the states, where a failed load shows, answers to an earlier choice,
// and rows a page keeps and shows in its own way.

const { FakeBackend, installWx, settle } = require('../helpers/wx');
const { setPath } = require('../helpers/pages');
const { PAGED_LIST_DATA, pagedList } = require('../../utils/paged-list');

let wx;

beforeEach(() => {
  wx = installWx(new FakeBackend());
});

/** A page instance as WeChat makes one: `data`, `setData` with paths, the list's methods. */
function listPage(options, data = {}) {
  const page = { data: JSON.parse(JSON.stringify({ ...PAGED_LIST_DATA, items: [], ...data })) };
  page.setData = jest.fn((changes) => {
    Object.keys(changes).forEach((key) => setPath(page.data, key, JSON.parse(JSON.stringify(changes[key]))));
  });
  const methods = pagedList(options);
  Object.keys(methods).forEach((key) => {
    page[key] = methods[key].bind(page);
  });
  return page;
}

/** The API's answer for `page` of a list of `total` rows numbered from 1, `size` a page. */
function answer(page, total, size = 2) {
  const first = (page - 1) * size + 1;
  const count = Math.max(0, Math.min(size, total - first + 1));
  return { items: Array.from({ length: count }, (_, i) => ({ id: first + i })), total };
}

/** A request whose answer the test gives when it chooses. */
function deferred() {
  let resolve;
  let reject;
  const promise = new Promise((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

describe('the first page', () => {
  test('shows loading, then the rows as the page shapes them, and whether there is more', async () => {
    const pending = deferred();
    const fetch = jest.fn(() => pending.promise);
    const shown = jest.fn();
    const page = listPage({ fetch, item: (raw) => ({ id: raw.id, label: `第 ${raw.id} 条` }), shown });
    page.data.state = 'error';

    const loading = page.reload();
    expect(page.data.state).toBe('loading');
    pending.resolve(answer(1, 5));
    await loading;

    expect(fetch).toHaveBeenCalledWith(1);
    expect(fetch.mock.contexts[0]).toBe(page); // the page's own request, on the page
    expect(page.data).toMatchObject({
      state: 'ready',
      items: [
        { id: 1, label: '第 1 条' },
        { id: 2, label: '第 2 条' },
      ],
      total: 5,
      page: 1,
      hasMore: true,
    });
    expect(page.loaded).toBe(true);
    expect(shown).toHaveBeenCalledWith(0);
    expect(shown.mock.contexts[0]).toBe(page);
  });

  test('an empty answer is the empty state, with nothing more to read', async () => {
    const page = listPage({ fetch: async () => answer(1, 0) });

    await page.reload();

    expect(page.data).toMatchObject({ state: 'empty', items: [], total: 0, page: 1, hasMore: false });
  });

  test('a list that fits on one page has no more', async () => {
    const page = listPage({ fetch: async () => answer(1, 2) });

    await page.reload();

    expect(page.data).toMatchObject({ state: 'ready', hasMore: false, total: 2 });
  });
});

describe('scrolling to the bottom', () => {
  test('reads the next page onto the rows as they now are, until the total', async () => {
    const fetch = jest.fn(async (n) => answer(n, 5));
    const shown = jest.fn();
    const page = listPage({ fetch, shown });
    await page.reload();
    page.setData({ 'items[0].thumbSrc': 'wxfile://tmp/1.jpg' }); // filled in after the list showed

    page.onReachBottom();
    await settle();

    expect(fetch).toHaveBeenLastCalledWith(2);
    expect(page.data.items).toEqual([
      { id: 1, thumbSrc: 'wxfile://tmp/1.jpg' },
      { id: 2 },
      { id: 3 },
      { id: 4 },
    ]);
    expect(page.data).toMatchObject({ state: 'ready', page: 2, total: 5, hasMore: true, loadingMore: false });
    expect(shown).toHaveBeenLastCalledWith(2);

    page.onReachBottom();
    await settle();
    expect(page.data.items.map((item) => item.id)).toEqual([1, 2, 3, 4, 5]);
    expect(page.data).toMatchObject({ page: 3, hasMore: false });

    page.onReachBottom();
    await settle();
    expect(fetch).toHaveBeenCalledTimes(3); // nothing more is asked for
  });

  test('asks for one page at a time, showing that it is loading', async () => {
    const pending = deferred();
    const fetch = jest.fn(async (n) => (n === 1 ? answer(1, 5) : pending.promise));
    const page = listPage({ fetch });
    await page.reload();

    page.onReachBottom();
    expect(page.data.loadingMore).toBe(true);
    page.onReachBottom();
    expect(fetch).toHaveBeenCalledTimes(2);

    pending.resolve(answer(2, 5));
    await settle();
    expect(page.data.loadingMore).toBe(false);
    expect(page.data.items).toHaveLength(4);
  });

  test('an empty page ends the list, whatever the total says', async () => {
    const fetch = jest.fn(async (n) => (n === 1 ? answer(1, 5) : { items: [], total: 5 }));
    const page = listPage({ fetch });
    await page.reload();

    await page.loadMore();

    expect(page.data).toMatchObject({ hasMore: false, page: 2 });
    expect(page.data.items).toHaveLength(2);
  });

  test('a next page that fails is a toast; the rows and the page number stay', async () => {
    const fetch = jest.fn(async (n) => {
      if (n === 1) return answer(1, 5);
      throw new Error('网络连接失败，请检查网络后重试');
    });
    const page = listPage({ fetch });
    await page.reload();

    await page.loadMore();

    expect(wx.toasts()).toEqual(['网络连接失败，请检查网络后重试']);
    expect(page.data).toMatchObject({ state: 'ready', page: 1, hasMore: true, loadingMore: false });
    expect(page.data.items).toHaveLength(2);
  });
});

describe('failures and refreshing', () => {
  test('a failed first load shows in the page; 重试 reads the list again', async () => {
    let down = true;
    const page = listPage({
      fetch: async (n) => {
        if (down) throw new Error('服务繁忙，请稍后再试');
        return answer(n, 1);
      },
    });

    await page.reload();
    expect(page.data).toMatchObject({ state: 'error', error: '服务繁忙，请稍后再试' });
    expect(page.loaded).toBeUndefined();
    expect(wx.toasts()).toEqual([]);

    down = false;
    page.retry();
    await settle();
    expect(page.data).toMatchObject({ state: 'ready', items: [{ id: 1 }] });
  });

  test('pulling down reads the first page again without the loading state, then stops the spinner', async () => {
    let total = 3;
    const page = listPage({ fetch: async (n) => answer(n, total) });
    await page.reload();
    await page.loadMore();
    total = 1;

    const states = [];
    page.setData.mockImplementation((changes) => {
      if (changes.state) states.push(changes.state);
      Object.keys(changes).forEach((key) => setPath(page.data, key, changes[key]));
    });
    await page.onPullDownRefresh();

    expect(states).toEqual(['ready']);
    expect(page.data).toMatchObject({ items: [{ id: 1 }], page: 1, total: 1, hasMore: false });
    expect(wx.stopPullDownRefresh).toHaveBeenCalledTimes(1);
  });

  test('a quiet refresh that fails over a shown list is a toast, and the list stays', async () => {
    let down = false;
    const page = listPage({
      fetch: async (n) => {
        if (down) throw new Error('网络超时，请稍后重试');
        return answer(n, 2);
      },
    });
    await page.reload();
    down = true;

    await page.onPullDownRefresh();

    expect(wx.toasts()).toEqual(['网络超时，请稍后重试']);
    expect(page.data).toMatchObject({ state: 'ready', items: [{ id: 1 }, { id: 2 }] });
    expect(wx.stopPullDownRefresh).toHaveBeenCalledTimes(1);
  });

  test('a quiet refresh that fails over nothing shown shows the error in the page', async () => {
    let down = false;
    const page = listPage({
      fetch: async (n) => {
        if (down) throw new Error('网络超时，请稍后重试');
        return answer(n, 0);
      },
    });
    await page.reload();
    down = true;

    await page.reload({ quiet: true });

    expect(page.data).toMatchObject({ state: 'error', error: '网络超时，请稍后重试' });
    expect(wx.toasts()).toEqual([]);
  });
});

test('an answer to an earlier choice (another tab, another filter) is dropped', async () => {
  const answers = { all: deferred(), mine: deferred() };
  const fetch = jest.fn(function fetchChosen() {
    return answers[this.data.kind].promise;
  });
  const page = listPage(
    {
      fetch,
      choice() {
        return this.data.kind;
      },
    },
    { kind: 'all' }
  );

  const first = page.reload();
  page.setData({ kind: 'mine' });
  const second = page.reload();
  answers.mine.resolve({ items: [{ id: 7 }], total: 1 });
  await second;
  answers.all.resolve(answer(1, 5));
  await first;

  expect(page.data).toMatchObject({ state: 'ready', items: [{ id: 7 }], total: 1, hasMore: false });
});

test('a page that keeps its rows elsewhere shows all of them its own way, with what the answer said', async () => {
  const show = jest.fn(function showGroups(rows, result, hasMore) {
    this.rows = rows;
    expect(typeof hasMore).toBe('boolean');
    return { odd: rows.filter((r) => r.id % 2), even: rows.filter((r) => !(r.id % 2)), note: result.note };
  });
  const page = listPage({
    fetch: async (n) => ({ ...answer(n, 3), note: `第 ${n} 页` }),
    show,
    kept() {
      return this.rows;
    },
  });

  await page.reload();
  expect(show).toHaveBeenLastCalledWith([{ id: 1 }, { id: 2 }], expect.objectContaining({ total: 3 }), true);
  expect(page.data).toMatchObject({ state: 'ready', odd: [{ id: 1 }], even: [{ id: 2 }], note: '第 1 页' });

  await page.loadMore();
  expect(show).toHaveBeenLastCalledWith([{ id: 1 }, { id: 2 }, { id: 3 }], expect.anything(), false);
  expect(page.data).toMatchObject({
    odd: [{ id: 1 }, { id: 3 }],
    even: [{ id: 2 }],
    note: '第 2 页',
    page: 2,
  });
  expect(page.data.items).toEqual([]); // nothing was put where the page does not read
});
