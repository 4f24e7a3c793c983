// 我的报事: the reports I filed, newest first, paged as I scroll, with their status in words.

const api = require('../../../utils/api');
const { definePage } = require('../../../utils/page');
const reports = require('../../../utils/reports');
const ui = require('../../../utils/ui');

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
    statusFilters: reports.STATUS_FILTERS,
    statusIndex: 0,
  },

  onLoad() {
    this.reload();
  },

  onShow() {
    // Coming back from a report or the form: statuses and the list itself may have changed.
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
    const status = this.data.statusFilters[this.data.statusIndex].value || undefined;
    return api.get('/reports/mine', { page, page_size: PAGE_SIZE, status }, { toast: false });
  },

  async reload({ quiet = false } = {}) {
    if (!quiet) this.setData({ state: 'loading' });
    try {
      const result = await this.fetch(1);
      this.loaded = true;
      this.setData({
        state: result.items.length ? 'ready' : 'empty',
        items: result.items.map(reports.decorateItem),
        total: result.total,
        page: 1,
        hasMore: result.items.length < result.total,
      });
      reports.fillThumbs(this);
    } catch (error) {
      if (quiet && this.data.state === 'ready') ui.toast(error.message);
      else this.setData({ state: 'error', error: error.message });
    }
  },

  async loadMore() {
    this.setData({ loadingMore: true });
    try {
      const result = await this.fetch(this.data.page + 1);
      const from = this.data.items.length;
      const items = this.data.items.concat(result.items.map(reports.decorateItem));
      this.setData({
        items,
        total: result.total,
        page: this.data.page + 1,
        hasMore: result.items.length > 0 && items.length < result.total,
      });
      reports.fillThumbs(this, from);
    } catch (error) {
      ui.toast(error.message);
    } finally {
      this.setData({ loadingMore: false });
    }
  },

  retry() {
    this.reload();
  },

  onStatusChange(e) {
    this.setData({ statusIndex: Number(e.detail.value) });
    this.reload();
  },

  openReport(e) {
    wx.navigateTo({ url: `/pages/reports/detail/index?id=${e.currentTarget.dataset.id}` });
  },

  newReport() {
    wx.navigateTo({ url: '/pages/reports/new/index' });
  },

  openPublic() {
    wx.navigateTo({ url: '/pages/reports/public/index' });
  },
});
