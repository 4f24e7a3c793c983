// 扫码签到 (activity organisers, grid workers, admins): pick an activity, then scan residents'
// check-in codes one after another. Each scan shows who it was and what happened (签到成功,
// 已签到过, 签退成功, or why it was refused) and offers the next scan. Scanning the same code
// twice is harmless: the backend changes nothing and the page says it was done before.

const api = require('../../../utils/api');
const format = require('../../../utils/format');
const { definePage } = require('../../../utils/page');
const staff = require('../../../utils/staff');

const SCAN_ROLES = ['admin', 'grid_worker', 'org_staff'];
const LIST_SIZE = 50;
const ROSTER_PAGE = 100;
const ROSTER_MAX_PAGES = 20;
const NOTHING_OPEN = '现在没有可以扫码签到的活动。活动开始前 1 小时至结束后 2 小时内可以扫码。';
const NOT_OPEN = '该活动现在不能扫码签到。活动开始前 1 小时至结束后 2 小时内可以扫码。';

function activityView(activity, now) {
  const starts = Date.parse(activity.starts_at);
  const ended = now >= Date.parse(activity.ends_at);
  return {
    id: activity.id,
    title: activity.title,
    place: activity.place,
    timeText: `${format.shortDateTime(activity.starts_at)} 至 ${format.dateTime(activity.ends_at).slice(11)}`,
    ended,
    stageText: ended ? '已结束，仍可签退' : now < starts ? '即将开始' : '进行中',
  };
}

definePage({
  data: {
    state: 'loading',
    error: '',
    emptyText: NOTHING_OPEN,
    notice: '',
    activities: [],
    activity: null,
    modes: staff.SCAN_MODES,
    mode: 'checkin',
    roster: { available: false, loading: false, total: 0, checkedIn: 0, checkedOut: 0, people: 0 },
    result: null,
    scanning: false,
  },

  onLoad(query) {
    this.preselect = Number(query && query.id) || null;
    this.known = {}; // sign-up id → {row, signup}: the roster, then what each scan returned
    this.load();
  },

  async load() {
    this.setData({ state: 'loading' });
    try {
      const me = await api.get('/me', null, { toast: false });
      if (!SCAN_ROLES.some((role) => staff.hasRole(me.roles, role))) {
        this.setData({ state: 'empty', emptyText: '只有活动组织者和网格员可以扫码签到' });
        return;
      }
      const activities = await this.scannableActivities();
      const chosen = this.preselect && activities.find((a) => a.id === this.preselect);
      // An activity asked for by id but not open now: say so above the ones that are.
      const notice = this.preselect && !chosen ? NOT_OPEN : '';
      this.setData({
        state: activities.length ? 'ready' : 'empty',
        emptyText: notice || NOTHING_OPEN,
        notice,
        activities,
      });
      if (chosen) this.pick(chosen);
    } catch (error) {
      this.setData({ state: 'error', error: error.message });
    }
  },

  /**
   * The activities I may scan at now, soonest first (the backend: those whose check-in or
   * check-out is open — an ended one stays for late check-outs —; grid workers and admins see
   * the whole community's, other organisers their own).
   */
  async scannableActivities() {
    const page = await api.get(
      '/admin/activities',
      { scannable: true, page_size: LIST_SIZE },
      { toast: false }
    );
    const now = Date.now();
    return page.items.map((activity) => activityView(activity, now));
  },

  retry() {
    this.load();
  },

  choose(e) {
    const activity = this.data.activities.find((a) => a.id === e.currentTarget.dataset.id);
    if (activity) this.pick(activity);
  },

  pick(activity) {
    this.known = {};
    // Once it has ended, people are leaving: check-out is what is wanted.
    this.setData({ activity, result: null, notice: '', mode: activity.ended ? 'checkout' : 'checkin' });
    this.loadRoster(activity.id);
  },

  changeActivity() {
    this.setData({ activity: null, result: null });
  },

  /** The confirmed sign-ups with their check-in times: names for the results, and the counts.
   * Only the organiser (and admins) may read it; others scan without names. */
  async loadRoster(activityId) {
    this.setData({ 'roster.loading': true, 'roster.available': false });
    try {
      let page = 1;
      let loaded = 0;
      let total = 0;
      do {
        // eslint-disable-next-line no-await-in-loop
        const result = await api.get(
          `/admin/activities/${activityId}/signups`,
          { status: 'confirmed', page, page_size: ROSTER_PAGE },
          { toast: false }
        );
        if (!this.data.activity || this.data.activity.id !== activityId) return; // another was picked
        result.items.forEach((row) => {
          this.known[row.signup.id] = { row, signup: row.signup };
        });
        loaded += result.items.length;
        total = result.total;
        page += 1;
        if (!result.items.length) break;
      } while (loaded < total && page <= ROSTER_MAX_PAGES);
      this.setData({ 'roster.available': true, 'roster.total': total });
    } catch (error) {
      this.setData({ 'roster.available': false });
    } finally {
      this.setData({ 'roster.loading': false });
      this.count();
    }
  },

  count() {
    const entries = Object.keys(this.known).map((id) => this.known[id].signup);
    const checkedIn = entries.filter((s) => s.checked_in_at);
    this.setData({
      'roster.checkedIn': checkedIn.length,
      'roster.checkedOut': entries.filter((s) => s.checked_out_at).length,
      'roster.people': checkedIn.reduce((sum, s) => sum + (s.seats || 1), 0),
    });
  },

  setMode(e) {
    this.setData({ mode: e.currentTarget.dataset.mode, result: null });
  },

  scan() {
    if (this.data.scanning || !this.data.activity) return;
    wx.scanCode({
      onlyFromCamera: true,
      scanType: ['qrCode'],
      success: (res) => this.submit(res.result),
      fail: () => {}, // closed the camera: nothing to say
    });
  },

  async submit(code) {
    if (!code) return;
    const { activity, mode } = this.data;
    this.setData({ scanning: true });
    try {
      // The result card says what went wrong, in place of a toast that would vanish mid-queue.
      const scanned = await api.post(
        `/admin/activities/${activity.id}/scans`,
        { code, action: mode },
        { toast: false }
      );
      const row = this.known[scanned.id] ? this.known[scanned.id].row : null;
      const outcome = staff.scanOutcome(mode, scanned);
      this.known[scanned.id] = { row, signup: scanned };
      this.count();
      this.setData({ result: { ...outcome, who: staff.scanWho(scanned, row) } });
      if (wx.vibrateShort) wx.vibrateShort({ type: outcome.tone === 'ok' ? 'medium' : 'heavy', fail() {} });
    } catch (error) {
      this.setData({ result: { ...staff.scanFailure(error), who: '' } });
      if (wx.vibrateLong) wx.vibrateLong({ fail() {} });
    } finally {
      this.setData({ scanning: false });
    }
  },
});
