// 报事处理 (grid workers, organisation staff, admins): the reports waiting in my grids' queue,
// my organisation's queue (admins: the whole community's), by status, overdue ones marked.

const api = require('../../../utils/api');
const format = require('../../../utils/format');
const { definePage } = require('../../../utils/page');
const { PAGED_LIST_DATA, pagedList } = require('../../../utils/paged-list');
const staff = require('../../../utils/staff');

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

const list = pagedList({
  fetch(page) {
    return api.get(this.path(), this.query(page), { toast: false });
  },
  item: row,
  choice() {
    return JSON.stringify([this.data.queue, this.query(1)]);
  },
});

definePage({
  data: {
    ...PAGED_LIST_DATA,
    emptyText: '没有需要处理的报事',
    queues: [],
    queue: '',
    filters: staff.STATUS_FILTERS,
    filterIndex: 0,
    overdueOnly: false,
    items: [],
  },

  onLoad() {
    this.start();
  },

  onShow() {
    // Back from a report: its status may have changed.
    if (this.loaded) this.reload({ quiet: true });
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

  path() {
    return staff.QUEUES.find((queue) => queue.key === this.data.queue).path;
  },

  ...list,

  reload(options) {
    // Before the queues are known (their first read failed) there is nothing to list yet.
    if (!this.data.queue) return this.start();
    return list.reload.call(this, options);
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
    const overdueOnly = !!e.detail.value;
    // Shown only once the list answers empty: the reload below sets the state to loading first.
    this.setData({ overdueOnly, emptyText: overdueOnly ? '没有超时的报事' : '没有需要处理的报事' });
    this.reload();
  },

  openReport(e) {
    wx.navigateTo({ url: `/pages/staff/report-detail/index?id=${e.currentTarget.dataset.id}` });
  },
});
