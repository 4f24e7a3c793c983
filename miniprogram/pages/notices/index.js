// 通知: the notices addressed to me, pinned first, newest next; paged as I scroll.

const api = require('../../utils/api');
const { definePage } = require('../../utils/page');
const subscribe = require('../../utils/subscribe');
const ui = require('../../utils/ui');

const PAGE_SIZE = 20;

definePage({
  data: {
    state: 'loading',
    error: '',
    items: [],
    total: 0,
    page: 0,
    hasMore: false,
    loadingMore: false,
    unreadOnly: false,
  },

  onLoad() {
    subscribe.prepare();
    this.reload();
  },

  onShow() {
    // Coming back from a notice: its read and 已知晓 marks have changed.
    if (this.loaded) this.reload({ quiet: true });
  },

  async onPullDownRefresh() {
    await this.reload({ quiet: true });
    wx.stopPullDownRefresh();
  },

  onReachBottom() {
    if (this.data.hasMore && !this.data.loadingMore) this.loadMore();
  },

  fetch(page) {
    const query = { page, page_size: PAGE_SIZE, unread_only: this.data.unreadOnly || undefined };
    return api.get('/notices', query, { toast: false });
  },

  async reload({ quiet = false } = {}) {
    if (!quiet) this.setData({ state: 'loading' });
    try {
      const result = await this.fetch(1);
      this.loaded = true;
      this.setData({
        state: result.items.length ? 'ready' : 'empty',
        items: result.items,
        total: result.total,
        page: 1,
        hasMore: result.items.length < result.total,
      });
    } catch (error) {
      if (quiet && this.data.state === 'ready') ui.toast(error.message);
      else this.setData({ state: 'error', error: error.message });
    }
  },

  async loadMore() {
    this.setData({ loadingMore: true });
    try {
      const result = await this.fetch(this.data.page + 1);
      const items = this.data.items.concat(result.items);
      this.setData({
        items,
        total: result.total,
        page: this.data.page + 1,
        hasMore: result.items.length > 0 && items.length < result.total,
      });
    } catch (error) {
      ui.toast(error.message);
    } finally {
      this.setData({ loadingMore: false });
    }
  },

  retry() {
    this.reload();
  },

  toggleUnread(e) {
    this.setData({ unreadOnly: e.detail.value });
    this.reload();
  },

  openNotice(e) {
    wx.navigateTo({ url: `/pages/notice-detail/index?id=${e.detail.id}` });
  },

  /** A tap on 开启提醒: ask WeChat's popup for the notice template (one message per accept). */
  async enableReminders() {
    const outcome = await subscribe.ask(['notice']);
    if (!outcome.asked) ui.toast('社区暂未开通消息提醒');
    else if (outcome.accepted) ui.toast('已开启，下一条通知将通过微信提醒您');
    else ui.toast('您未开启提醒，可随时再次开启');
  },
});
