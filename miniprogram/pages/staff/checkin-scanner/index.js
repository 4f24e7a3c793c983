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
const OPENS_BEFORE_MS = 60 * 60 * 1000; // as the backend: check-in opens 1 hour before
const GRACE_MS = 2 * 60 * 60 * 1000; // and closes 2 hours after the end

function activityView(activity) {
  const starts = Date.parse(activity.starts_at);
  return {
    id: activity.id,
    title: activity.title,
    place: activity.place,
    timeText: `${format.shortDateTime(activity.starts_at)} 至 ${format.dateTime(activity.ends_at).slice(11)}`,
    starts,
    ends: Date.parse(activity.ends_at),
    live: Date.now() >= starts - OPENS_BEFORE_MS,
  };
}

/** Who a sign-up is, as far as the roster tells. */
function whoOf(row, signup) {
  if (!row) return `报名号 ${signup.id} · ${signup.seats} 人`;
  const name = row.shop_name || row.nickname || '居民';
  return [name, row.flat, `${signup.seats} 人`].filter(Boolean).join(' · ');
}

definePage({
  data: {
    state: 'loading',
    error: '',
    emptyText: '近期没有可以签到的活动',
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
      const activities = await this.openActivities(me.roles);
      if (this.preselect) {
        const chosen = activities.find((a) => a.id === this.preselect);
        const activity =
          chosen ||
          activityView(await api.get(`/admin/activities/${this.preselect}`, null, { toast: false }));
        this.setData({ state: 'ready', activities });
        this.pick(activity);
        return;
      }
      this.setData({ state: activities.length ? 'ready' : 'empty', activities });
    } catch (error) {
      this.setData({ state: 'error', error: error.message });
    }
  },

  /**
   * Activities whose check-in is open or still to come: those I organise (admins: all), and for
   * grid workers also those they see as residents (they may scan at any activity).
   */
  async openActivities(roles) {
    const asks = [
      api.get('/admin/activities', { status: 'published', page_size: LIST_SIZE }, { toast: false }),
    ];
    if (staff.hasRole(roles, 'grid_worker') && !staff.hasRole(roles, 'admin')) {
      asks.push(
        api.get('/activities', { page_size: LIST_SIZE }, { toast: false }).catch(() => ({ items: [] }))
      );
    }
    const pages = await Promise.all(asks);
    const seen = {};
    const now = Date.now();
    return pages
      .reduce((all, page) => all.concat(page.items), [])
      .filter((activity) => {
        if (seen[activity.id]) return false;
        seen[activity.id] = true;
        return activity.status !== 'cancelled';
      })
      .map(activityView)
      .filter((activity) => activity.ends + GRACE_MS > now)
      .sort((a, b) => a.starts - b.starts);
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
    this.setData({ activity, result: null });
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
    const scannedAt = Date.now();
    this.setData({ scanning: true });
    try {
      // The result card says what went wrong, in place of a toast that would vanish mid-queue.
      const signup = await api.post(
        `/admin/activities/${activity.id}/scans`,
        { code, action: mode },
        { toast: false }
      );
      const before = this.known[signup.id];
      const outcome = staff.scanOutcome(mode, signup, before ? before.signup : null, scannedAt);
      this.known[signup.id] = { row: before && before.row, signup };
      this.count();
      this.setData({ result: { ...outcome, who: whoOf(before && before.row, signup) } });
      if (wx.vibrateShort) wx.vibrateShort({ type: outcome.tone === 'ok' ? 'medium' : 'heavy', fail() {} });
    } catch (error) {
      this.setData({ result: { ...staff.scanFailure(error), who: '' } });
      if (wx.vibrateLong) wx.vibrateLong({ fail() {} });
    } finally {
      this.setData({ scanning: false });
    }
  },
});
