// 我的报事: the reports I filed, newest first, paged as I scroll, with their status in words.

const api = require('../../../utils/api');
const { definePage } = require('../../../utils/page');
const { PAGED_LIST_DATA, pagedList } = require('../../../utils/paged-list');
const reports = require('../../../utils/reports');

const PAGE_SIZE = 20;

definePage({
  data: {
    ...PAGED_LIST_DATA,
    items: [],
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

  ...pagedList({
    fetch(page) {
      const status = this.data.statusFilters[this.data.statusIndex].value || undefined;
      return api.get('/reports/mine', { page, page_size: PAGE_SIZE, status }, { toast: false });
    },
    item: reports.decorateItem,
    shown(from) {
      reports.fillThumbs(this, from);
    },
  }),

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
