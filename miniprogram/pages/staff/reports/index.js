// 报事处理 (grid workers, organisation staff, admins): the reports waiting in my grids' queue,
// my organisation's queue (admins: the whole community's), by status, overdue ones marked.

const api = require('../../../utils/api');
const format = require('../../../utils/format');
const { definePage } = require('../../../utils/page');
const staff = require('../../../utils/staff');
const ui = require('../../../utils/ui');

const PAGE_SIZE = 20;

function row(report) {
  return {
    id: report.id,
    category: report.category_name,
    summary: report.summary,
    status: report.status,
    statusText: format.label(staff.REPORT_STATUS_LABELS, report.status),
    place: staff.placeText(report),
    timeText: format.shortDateTime(report.created_at),
    dueText: staff.dueText(report),
    overdue: !!report.overdue,
    supporters: report.supporter_count || 0,
  };
}

definePage({
  data: {
    state: 'loading',
    error: '',
    emptyText: '没有需要处理的报事',
    queues: [],
    queue: '',
    filters: staff.STATUS_FILTERS,
    filterIndex: 0,
    overdueOnly: false,
    items: [],
    page: 0,
    total: 0,
    hasMore: false,
    loadingMore: false,
  },

  onLoad() {
    this.start();
  },

  onShow() {
    // Back from a report: its status may have changed.
    if (this.loaded) this.reload({ quiet: true });
  },

  async onPullDownRefresh() {
    await this.reload({ quiet: true });
    wx.stopPullDownRefresh();
  },

  onReachBottom() {
    if (this.data.hasMore && !this.data.loadingMore) this.loadMore();
  },

  /** Which queues this person has comes from their roles here. */
  async start() {
    this.setData({ state: 'loading' });
    try {
      const me = await api.get('/me', null, { toast: false });
      const queues = staff.queuesFor(me.roles).map(({ key, label }) => ({ key, label }));
      if (!queues.length) {
        this.setData({ state: 'empty', emptyText: '您没有处理报事的权限，如有需要请联系社区工作人员' });
        return;
      }
      this.setData({ queues, queue: queues[0].key });
      await this.reload();
    } catch (error) {
      this.setData({ state: 'error', error: error.message });
    }
  },

  query(page) {
    const filter = this.data.filters[this.data.filterIndex];
    return {
      status: filter.value,
      overdue: this.data.overdueOnly ? 'true' : undefined,
      page,
      page_size: PAGE_SIZE,
    };
  },

  choice() {
    return JSON.stringify([this.data.queue, this.query(1)]);
  },

  path() {
    return staff.QUEUES.find((queue) => queue.key === this.data.queue).path;
  },

  async reload({ quiet = false } = {}) {
    if (!this.data.queue) return this.start();
    if (!quiet) this.setData({ state: 'loading' });
    const wanted = this.choice();
    try {
      const result = await api.get(this.path(), this.query(1), { toast: false });
      if (wanted !== this.choice()) return undefined; // the tab or filter changed meanwhile
      this.loaded = true;
      this.setData({
        state: result.items.length ? 'ready' : 'empty',
        emptyText: this.data.overdueOnly ? '没有超时的报事' : '没有需要处理的报事',
        items: result.items.map(row),
        page: 1,
        total: result.total,
        hasMore: result.items.length < result.total,
      });
    } catch (error) {
      if (quiet && this.data.state === 'ready') ui.toast(error.message);
      else this.setData({ state: 'error', error: error.message });
    }
    return undefined;
  },

  async loadMore() {
    this.setData({ loadingMore: true });
    try {
      const next = this.data.page + 1;
      const result = await api.get(this.path(), this.query(next), { toast: false });
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

  switchQueue(e) {
    const queue = e.currentTarget.dataset.key;
    if (queue === this.data.queue) return;
    this.setData({ queue });
    this.reload();
  },

  onFilter(e) {
    this.setData({ filterIndex: Number(e.detail.value) });
    this.reload();
  },

  onOverdue(e) {
    this.setData({ overdueOnly: !!e.detail.value });
    this.reload();
  },

  openReport(e) {
    wx.navigateTo({ url: `/pages/staff/report-detail/index?id=${e.currentTarget.dataset.id}` });
  },
});
