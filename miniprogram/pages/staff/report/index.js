// 通知发布情况 (staff): who read it, which households confirmed, the WeChat push's progress
// (refreshed every few seconds while it is still going out) and, by grid, the households not
// reached yet: the doors to knock on.

const api = require('../../../utils/api');
const config = require('../../../config');
const format = require('../../../utils/format');
const { definePage, showLoadError } = require('../../../utils/page');
const ui = require('../../../utils/ui');

const SHOWN_PER_GRID = 50;

function audienceText(audience) {
  if (!audience) return '';
  if (audience.kind === 'community') return '全社区';
  const count = (audience.ids || []).length;
  if (audience.kind === 'grids') return `${count} 个网格`;
  if (audience.kind === 'buildings') return `${count} 栋楼`;
  if (audience.kind === 'households') return `${count} 户`;
  return audience.kind;
}

function reportView(report) {
  const { notice } = report;
  const summary = format.deliverySummary(report.progress);
  return {
    id: notice.id,
    title: notice.title,
    status: notice.status,
    statusText: format.label(format.NOTICE_STATUS_LABELS, notice.status),
    timeText: format.dateTime(notice.published_at || notice.publish_at),
    audienceText: audienceText(notice.audience),
    requiresAck: notice.requires_ack,
    recipients: report.recipients,
    read: report.read,
    households: report.households,
    readHouseholds: report.read_households,
    acknowledgedHouseholds: report.acknowledged_households,
    push: report.push,
    pushText: format.label(format.PUSH_LABELS, report.push),
    progress: report.progress,
    sending: report.push === 'queued' && summary.pending > 0 && notice.status !== 'cancelled',
  };
}

function notReachedView(result) {
  return {
    total: result.total,
    grids: result.grids.map((grid) => ({
      name: grid.grid_name,
      count: grid.households.length,
      households: grid.households.slice(0, SHOWN_PER_GRID).map((h) => ({
        id: h.household_id,
        flat: h.flat,
        tenant: h.primary_tenant || '',
        reasons: h.reasons.map((r) => format.label(format.UNREACHED_REASON_LABELS, r)).join('、'),
      })),
      more: Math.max(0, grid.households.length - SHOWN_PER_GRID),
    })),
  };
}

definePage({
  data: {
    state: 'loading',
    error: '',
    report: null,
    notReached: null,
    expanded: {},
    cancelling: false,
    pollSeconds: config.deliveryPollMs / 1000,
  },

  onLoad(query) {
    this.noticeId = Number(query.id);
    this.load();
  },

  onShow() {
    if (this.data.report && this.data.report.sending) this.schedulePoll();
  },

  onHide() {
    this.stopPolling();
  },

  onUnload() {
    this.stopPolling();
  },

  async onPullDownRefresh() {
    await this.load({ quiet: true });
    wx.stopPullDownRefresh();
  },

  async load({ quiet = false } = {}) {
    if (!quiet) this.setData({ state: 'loading' });
    try {
      const base = `/admin/notices/${this.noticeId}`;
      const [report, notReached] = await Promise.all([
        api.get(base, null, { toast: false }),
        api.get(`${base}/not-reached`, null, { toast: false }),
      ]);
      const view = reportView(report);
      this.setData({ state: 'ready', report: view, notReached: notReachedView(notReached) });
      if (view.sending) this.schedulePoll();
    } catch (error) {
      showLoadError(this, error, quiet);
    }
  },

  retry() {
    this.load();
  },

  schedulePoll() {
    this.stopPolling();
    this.pollTimer = setTimeout(() => this.poll(), config.deliveryPollMs);
  },

  stopPolling() {
    if (this.pollTimer) clearTimeout(this.pollTimer);
    this.pollTimer = null;
  },

  /** One refresh of the progress; once the push is done, the not-reached list is fetched too. */
  async poll() {
    this.pollTimer = null;
    try {
      const view = reportView(await api.get(`/admin/notices/${this.noticeId}`, null, { toast: false }));
      this.setData({ report: view });
      if (view.sending) {
        this.schedulePoll();
      } else {
        const notReached = await api.get(`/admin/notices/${this.noticeId}/not-reached`, null, {
          toast: false,
        });
        this.setData({ notReached: notReachedView(notReached) });
      }
    } catch (error) {
      ui.toast(`刷新失败：${error.message}`);
      this.schedulePoll(); // a dropped connection must not freeze the progress for good
    }
  },

  toggleGrid(e) {
    const index = e.currentTarget.dataset.index;
    this.setData({ [`expanded.${index}`]: !this.data.expanded[index] });
  },

  async cancel() {
    const sure = await ui.confirm({
      title: '撤回通知',
      content: '撤回后住户将看不到这条通知，尚未发出的微信消息也不再发送。确定撤回吗？',
      confirmText: '撤回',
      danger: true,
    });
    if (!sure) return;
    this.cancelKey = this.cancelKey || api.newIdempotencyKey();
    this.setData({ cancelling: true });
    try {
      await api.post(`/admin/notices/${this.noticeId}/cancel`, undefined, { idempotencyKey: this.cancelKey });
      this.cancelKey = null;
      this.stopPolling();
      ui.toast('已撤回');
      await this.load({ quiet: true });
    } catch (error) {
      // shown by api.js
    } finally {
      this.setData({ cancelling: false });
    }
  },
});
