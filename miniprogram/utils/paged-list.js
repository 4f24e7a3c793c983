// A list read from linli a page at a time (通知, 报事, 活动, 我的报名, 志愿时长, 发布记录,
// 报事处理): the first page when it opens, the next as the resident scrolls to the bottom, the
// first again when they pull down; loading, empty and error states, and when there is no more.

const { showLoadError } = require('./page');
const ui = require('./ui');

/** What a list page shows before its first answer; the page adds where its rows go (`items`). */
const PAGED_LIST_DATA = {
  state: 'loading',
  error: '',
  total: 0,
  page: 0,
  hasMore: false,
  loadingMore: false,
};

function asItCame(raw) {
  return raw;
}

function showItems(rows) {
  return { items: rows };
}

// Rows so far are read back from the page's data, not from what was set: thumbnails and covers
// written into `items[i]` since must survive the next page.
function itemsShown() {
  return this.data.items;
}

function nothing() {}

/**
 * The methods of a paged list page: reload({quiet}), loadMore, retry, onPullDownRefresh,
 * onReachBottom. The page keeps what is its own, in `options`, each called on the page (`this`):
 * - fetch(page): its request (path, query, filters), answering {items, total, ...};
 * - item(raw): one row as shown (default: as it came);
 * - show(rows, result, hasMore): the data that shows all rows so far (default {items: rows});
 * - kept(): where the rows so far are, when `show` keeps them elsewhere (default data.items);
 * - shown(from): once the rows from index `from` on are set (thumbnails, covers);
 * - choice(): what the list is of now (tab, filters); an answer to an earlier choice is dropped.
 * A first page sets `this.loaded` (pages reload quietly on onShow once it is). A quiet reload's
 * failure over a shown list is a toast and the list stays; a next page's failure is a toast.
 * A next page that comes back empty ends the list, whatever the total says.
 */
function pagedList(options) {
  const {
    fetch,
    item = asItCame,
    show = showItems,
    kept = itemsShown,
    shown = nothing,
    choice = nothing,
  } = options;
  const shape = (items) => items.map((raw) => item(raw));

  return {
    async reload({ quiet = false } = {}) {
      if (!quiet) this.setData({ state: 'loading' });
      const wanted = choice.call(this);
      try {
        const result = await fetch.call(this, 1);
        if (choice.call(this) !== wanted) return; // another tab or filter was chosen meanwhile
        const rows = shape(result.items);
        const hasMore = rows.length < result.total;
        this.loaded = true;
        this.setData({
          state: rows.length ? 'ready' : 'empty',
          ...show.call(this, rows, result, hasMore),
          total: result.total,
          page: 1,
          hasMore,
        });
        shown.call(this, 0);
      } catch (error) {
        showLoadError(this, error, quiet);
      }
    },

    async loadMore() {
      this.setData({ loadingMore: true });
      try {
        const next = this.data.page + 1;
        const result = await fetch.call(this, next);
        const before = kept.call(this);
        const rows = before.concat(shape(result.items));
        const hasMore = result.items.length > 0 && rows.length < result.total;
        this.setData({ ...show.call(this, rows, result, hasMore), total: result.total, page: next, hasMore });
        shown.call(this, before.length);
      } catch (error) {
        ui.toast(error.message);
      } finally {
        this.setData({ loadingMore: false });
      }
    },

    retry() {
      this.reload();
    },

    async onPullDownRefresh() {
      await this.reload({ quiet: true });
      wx.stopPullDownRefresh();
    },

    onReachBottom() {
      if (this.data.hasMore && !this.data.loadingMore) this.loadMore();
    },
  };
}

module.exports = { PAGED_LIST_DATA, pagedList };
