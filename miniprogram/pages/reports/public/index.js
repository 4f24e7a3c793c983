// 邻居的报事: the community's public reports, newest first, by category, status and building;
// paged as I scroll. A neighbour who has the same problem opens one and taps 我也遇到.

const api = require('../../../utils/api');
const { definePage } = require('../../../utils/page');
const { PAGED_LIST_DATA, pagedList } = require('../../../utils/paged-list');
const reports = require('../../../utils/reports');

const PAGE_SIZE = 20;
const ALL_CATEGORIES = { id: 0, name: '全部类别' };
const ALL_BUILDINGS = { id: 0, name: '全部楼栋' };

definePage({
  data: {
    ...PAGED_LIST_DATA,
    items: [],
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

  ...pagedList({
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
    item: reports.decorateItem,
    shown(from) {
      reports.fillThumbs(this, from);
    },
  }),

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
