// 邻居的报事: the community's public reports, newest first, by category, status and building;
// paged as I scroll. A neighbour who has the same problem opens one and taps 我也遇到.

const api = require('../../../utils/api');
const { definePage } = require('../../../utils/page');
const reports = require('../../../utils/reports');
const ui = require('../../../utils/ui');

const PAGE_SIZE = 20;
const ALL_CATEGORIES = { id: 0, name: '全部类别' };
const ALL_BUILDINGS = { id: 0, name: '全部楼栋' };

definePage({
  data: {
    state: 'loading',
    error: '',
    items: [],
    total: 0,
    page: 0,
    hasMore: false,
    loadingMore: false,
    categories: [ALL_CATEGORIES],
    categoryIndex: 0,
    statusFilters: reports.PUBLIC_STATUS_FILTERS,
    statusIndex: 0,
    buildings: [ALL_BUILDINGS],
    buildingIndex: 0,
  },

  onLoad() {
    this.loadFilters();
    this.reload();
  },

  onShow() {
    if (this.loaded) this.reload({ quiet: true }); // back from a report I may have joined
  },

  async onPullDownRefresh() {
    await this.reload({ quiet: true });
    wx.stopPullDownRefresh();
  },

  onReachBottom() {
    if (this.data.hasMore && !this.data.loadingMore) this.loadMore();
  },

  /** The filters' choices. Either may fail: the list still shows, without that filter. */
  loadFilters() {
    api.get('/reports/categories', null, { toast: false }).then(
      ({ items }) =>
        this.setData({
          categories: [ALL_CATEGORIES].concat(items.filter((c) => c.is_public)),
        }),
      () => {}
    );
    api.get('/community/places', null, { toast: false }).then(
      ({ items }) => this.setData({ buildings: [ALL_BUILDINGS].concat(items) }),
      () => {}
    );
  },

  fetch(page) {
    const { categories, categoryIndex, statusFilters, statusIndex, buildings, buildingIndex } = this.data;
    return api.get(
      '/reports',
      {
        page,
        page_size: PAGE_SIZE,
        category_id: categories[categoryIndex].id || undefined,
        status: statusFilters[statusIndex].value || undefined,
        building_id: buildings[buildingIndex].id || undefined,
      },
      { toast: false }
    );
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

  onFilterChange(e) {
    this.setData({ [e.currentTarget.dataset.filter]: Number(e.detail.value) });
    this.reload();
  },

  openReport(e) {
    wx.navigateTo({ url: `/pages/reports/detail/index?id=${e.currentTarget.dataset.id}` });
  },

  newReport() {
    wx.navigateTo({ url: '/pages/reports/new/index' });
  },
});
