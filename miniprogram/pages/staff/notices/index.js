// 发布记录 (staff): the notices I published (admins: all of the community's), newest first.

const api = require('../../../utils/api');
const format = require('../../../utils/format');
const { definePage } = require('../../../utils/page');
const ui = require('../../../utils/ui');

const PAGE_SIZE = 20;

function row(notice) {
  return {
    id: notice.id,
    title: notice.title,
    status: notice.status,
    statusText: format.label(format.NOTICE_STATUS_LABELS, notice.status),
    timeText: format.dateTime(notice.published_at || notice.publish_at),
    pinned: notice.pinned,
    requires_ack: notice.requires_ack,
  };
}

definePage({
  data: { state: 'loading', error: '', items: [], page: 0, total: 0, hasMore: false, loadingMore: false },

  onLoad() {
    this.reload();
  },

  onShow() {
    if (this.loaded) this.reload({ quiet: true });
  },

  async onPullDownRefresh() {
    await this.reload({ quiet: true });
    wx.stopPullDownRefresh();
  },

  onReachBottom() {
    if (this.data.hasMore && !this.data.loadingMore) this.loadMore();
  },

  async reload({ quiet = false } = {}) {
    if (!quiet) this.setData({ state: 'loading' });
    try {
      const result = await api.get('/admin/notices', { page: 1, page_size: PAGE_SIZE }, { toast: false });
      this.loaded = true;
      this.setData({
        state: result.items.length ? 'ready' : 'empty',
        items: result.items.map(row),
        page: 1,
        total: result.total,
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
      const next = this.data.page + 1;
      const result = await api.get('/admin/notices', { page: next, page_size: PAGE_SIZE }, { toast: false });
      const items = this.data.items.concat(result.items.map(row));
      this.setData({
        items,
        page: next,
        total: result.total,
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

  openReport(e) {
    wx.navigateTo({ url: `/pages/staff/report/index?id=${e.currentTarget.dataset.id}` });
  },

  goCompose() {
    wx.navigateTo({ url: '/pages/staff/compose/index' });
  },
});
