// 签到: my check-in code for a sign-up, drawn as a QR code for the organiser to scan (its signed
// payload comes from the backend and is fetched again before it runs out), and 扫活动码签到:
// scanning the activity's own mini-program code on site. WeChat also opens this page with
// `?scene=…` when that code is scanned with WeChat itself; the scan then checks me in at once.

const activities = require('../../utils/activities');
const api = require('../../utils/api');
const { definePage, showLoadError } = require('../../utils/page');
const qrcode = require('../../utils/qrcode');
const ui = require('../../utils/ui');

// Fetch the code again this long before it expires, and at least this often while shown (so
// the page also picks up a check-in made by staff meanwhile).
const REFRESH_MARGIN_MS = 10 * 60 * 1000;
const MAX_REFRESH_MS = 30 * 60 * 1000;
const QUIET_ZONE = 4; // modules of white around the code, as scanners expect

function pixelRatio() {
  try {
    if (typeof wx.getWindowInfo === 'function') return wx.getWindowInfo().pixelRatio || 2;
  } catch (error) {
    // an old base library: draw at twice the size, sharp enough on any screen
  }
  return 2;
}

function signupView(view) {
  const { signup, activity } = view;
  const checkedIn = !!signup.checked_in_at;
  const checkedOut = !!signup.checked_out_at;
  const confirmed = signup.status === 'confirmed';
  return {
    id: signup.id,
    status: signup.status,
    statusText: activities.label(activities.SIGNUP_STATUS_LABELS, signup.status),
    statusTag: activities.SIGNUP_STATUS_TAGS[signup.status] || 'tag-muted',
    confirmed,
    checkedInText: checkedIn ? activities.dayTime(signup.checked_in_at) : '',
    checkedOutText: checkedOut ? activities.dayTime(signup.checked_out_at) : '',
    canCheckOut: confirmed && checkedIn && !checkedOut && activity.kind === 'volunteer_service',
    activityId: activity.id,
    title: activity.title,
    timeText: activities.timeRange(activity.starts_at, activity.ends_at),
    place: activity.place,
  };
}

function scanCode() {
  return new Promise((resolve) => {
    wx.scanCode({
      onlyFromCamera: true,
      scanType: ['wxCode', 'qrCode'],
      success: resolve,
      fail: () => resolve(null), // cancelled, or the camera refused: nothing to say
    });
  });
}

definePage({
  data: {
    state: 'loading',
    error: '',
    signup: null,
    code: null, // {expiresText} while a QR code is shown
    codeNote: '',
    scanning: false,
  },

  onLoad(query) {
    if (query.scene) {
      this.scene = decodeURIComponent(query.scene);
      this.checkInByScene();
    } else {
      this.signupId = Number(query.id);
      this.load();
    }
  },

  onShow() {
    if (this.loaded) this.load({ quiet: true });
  },

  onHide() {
    this.stopRefresh();
  },

  onUnload() {
    this.stopRefresh();
  },

  async onPullDownRefresh() {
    await this.load({ quiet: true });
    wx.stopPullDownRefresh();
  },

  /** Opened from the activity's code scanned with WeChat: check in, then show my sign-up. */
  async checkInByScene() {
    this.setData({ state: 'loading' });
    try {
      const signup = await api.post(
        '/activities/scan',
        { scene: this.scene, action: 'checkin' },
        { toast: false }
      );
      this.scene = null;
      this.signupId = signup.id;
      ui.toast('签到成功');
      await this.load();
    } catch (error) {
      this.setData({ state: 'error', error: error.message });
    }
  },

  async load({ quiet = false } = {}) {
    if (!this.signupId) {
      // Opened without a sign-up (and not by an activity's code): no code to show.
      if (!this.scene) this.setData({ state: 'empty' });
      return;
    }
    if (!quiet) this.setData({ state: 'loading' });
    this.stopRefresh();
    try {
      const view = await api.get(`/activities/signups/${this.signupId}`, null, { toast: false });
      const signup = signupView(view);
      const code = signup.confirmed
        ? await api.get(`/activities/signups/${this.signupId}/checkin-code`, null, { toast: false })
        : null;
      this.loaded = true;
      this.show(signup, code);
    } catch (error) {
      showLoadError(this, error, quiet);
    }
  },

  show(signup, code) {
    const left = code ? activities.ms(code.expires_at) - Date.now() : 0;
    if (!code || !(left > 0)) {
      const codeNote = signup.confirmed ? '签到码已过期，活动已结束' : '报名确认后才有签到码';
      this.setData({ state: 'ready', signup, code: null, codeNote });
      return;
    }
    const shown = { expiresText: activities.dayTime(code.expires_at) };
    this.setData({ state: 'ready', signup, code: shown, codeNote: '' }, () => this.drawQr(code.code));
    this.scheduleRefresh(
      left > REFRESH_MARGIN_MS ? Math.min(MAX_REFRESH_MS, left - REFRESH_MARGIN_MS) : left
    );
  },

  /** Draw the payload's modules on the 2d canvas, in whole device pixels so edges stay sharp. */
  drawQr(payload) {
    const matrix = qrcode.encode(payload, { ecc: 'M', border: QUIET_ZONE });
    this.createSelectorQuery()
      .select('#qr')
      .fields({ node: true, size: true })
      .exec((res) => {
        const box = res && res[0];
        if (!box || !box.node) return;
        const canvas = box.node;
        const side = Math.floor(Math.min(box.width, box.height) * pixelRatio());
        canvas.width = side;
        canvas.height = side;
        const ctx = canvas.getContext('2d');
        const cell = Math.max(1, Math.floor(side / matrix.size));
        const offset = Math.floor((side - cell * matrix.size) / 2);
        ctx.fillStyle = '#ffffff';
        ctx.fillRect(0, 0, side, side);
        ctx.fillStyle = '#000000';
        matrix.data.forEach((row, y) =>
          row.forEach((dark, x) => {
            if (dark) ctx.fillRect(offset + x * cell, offset + y * cell, cell, cell);
          })
        );
      });
  },

  scheduleRefresh(delay) {
    this.stopRefresh();
    this.refreshTimer = setTimeout(() => {
      this.refreshTimer = null;
      this.load({ quiet: true });
    }, delay);
  },

  stopRefresh() {
    if (this.refreshTimer) clearTimeout(this.refreshTimer);
    this.refreshTimer = null;
  },

  retry() {
    if (this.scene) this.checkInByScene();
    else this.load();
  },

  scanCheckIn() {
    return this.scan('checkin');
  },

  scanCheckOut() {
    return this.scan('checkout');
  },

  /** 扫活动码: the camera reads the activity's mini-program code; linli checks me in or out. */
  async scan(action) {
    if (this.data.scanning) return;
    const result = await scanCode();
    if (!result) return;
    const scene = activities.sceneFromScan(result);
    if (!scene) {
      ui.toast('这不是活动签到码，请扫描活动现场的小程序码');
      return;
    }
    this.setData({ scanning: true });
    try {
      const signup = await api.post('/activities/scan', { scene, action });
      ui.toast(action === 'checkout' ? '签退成功' : '签到成功');
      this.signupId = signup.id; // the code may be another activity's I signed up for
      await this.load({ quiet: true });
    } catch (error) {
      // api.js showed why (not signed up, not yet time, …)
    } finally {
      this.setData({ scanning: false });
    }
  },

  openMine() {
    wx.redirectTo({ url: '/pages/activities/mine' });
  },

  openActivity() {
    wx.navigateTo({ url: `/pages/activities/detail?id=${this.data.signup.activityId}` });
  },
});
