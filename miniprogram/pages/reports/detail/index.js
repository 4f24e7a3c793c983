// 报事详情: one report with its photos, place and every step taken on it; 我也遇到 for a
// neighbour's open report; for its reporter: cancel, confirm, reopen (within the backend's
// window) and rating once it is resolved.

const api = require('../../../utils/api');
const format = require('../../../utils/format');
const { definePage, showLoadError } = require('../../../utils/page');
const reports = require('../../../utils/reports');
const subscribe = require('../../../utils/subscribe');
const ui = require('../../../utils/ui');

const { LIMITS } = reports;
const STEP_CONFIRMS = {
  cancel: { title: '撤销报事', content: '撤销后工作人员将不再处理这条报事，确定撤销吗？', danger: true },
  close: { title: '确认已解决', content: '确认问题已经解决了吗？确认后报事将完结。' },
};

function photoView(photo) {
  return {
    id: photo.id,
    url: photo.url,
    thumbUrl: photo.thumb_url,
    // Others see a photo only once WeChat's check passed it; until then it is a placeholder.
    label: photo.moderation === 'pass' ? '' : reports.PHOTO_STATE_LABELS[photo.moderation] || '审核中',
    src: '',
    failed: false,
  };
}

/** What the page shows of a ReportDetailSchema, and which buttons it offers. */
function view(detail, { reopenExpired = false, now = new Date() } = {}) {
  const mine = !!detail.is_mine;
  const actions = mine ? detail.actions || [] : [];
  const deadline = actions.indexOf('reopen') >= 0 && !reopenExpired ? reports.reopenDeadline(detail) : null;
  const canReopen = !!deadline && deadline.getTime() > now.getTime();
  return {
    report: {
      id: detail.id,
      categoryName: detail.category_name,
      statusText: detail.status_label || reports.statusLabel(detail.status),
      statusTag: reports.STATUS_TAGS[detail.status] || 'tag-muted',
      isPublic: detail.is_public,
      text: detail.text,
      textNote: mine ? reports.TEXT_NOTES[detail.moderation] || '' : '',
      placeText: reports.placeText(detail),
      hasPoint: !!(detail.lat && detail.lng),
      lat: Number(detail.lat),
      lng: Number(detail.lng),
      placeNote: detail.place_note || '',
      organisationName: detail.organisation_name || '',
      reporter: detail.reporter_nickname,
      createdText: format.dateTime(detail.created_at),
      supporterCount: detail.supporter_count,
      rating: detail.rating || 0,
      ratingComment: detail.rating_comment || '',
      ratedText: format.dateTime(detail.rated_at),
    },
    mine,
    photos: (detail.photos || []).map(photoView),
    timeline: (detail.timeline || [])
      .map((entry, index) => ({ ...reports.decorateStep(entry), key: index }))
      .reverse(), // newest first
    canJoin:
      !mine &&
      detail.is_public &&
      detail.moderation === 'pass' &&
      reports.isOpen(detail.status) &&
      !detail.is_supporter,
    isSupporter: !mine && !!detail.is_supporter,
    steps: ['close', 'cancel']
      .filter((action) => actions.indexOf(action) >= 0)
      .map((action) => ({ action, label: reports.REPORTER_ACTION_LABELS[action] })),
    canReopen,
    reopenUntil: canReopen ? reports.deadlineText(deadline, now) : '',
    canRate: mine && reports.RATABLE_STATUSES.indexOf(detail.status) >= 0 && !detail.rating,
  };
}

definePage({
  data: {
    state: 'loading',
    error: '',
    report: null,
    mine: false,
    photos: [],
    timeline: [],
    canJoin: false,
    isSupporter: false,
    steps: [],
    canReopen: false,
    reopenUntil: '',
    canRate: false,
    stars: [1, 2, 3, 4, 5],
    ratingValue: 0,
    ratingComment: '',
    reopenNote: '',
    limits: LIMITS,
    busy: '', // the action under way: join | leave | rate | reopen | close | cancel
  },

  onLoad(query) {
    this.reportId = Number(query.id);
    this.keys = {};
    subscribe.prepare(); // 我也遇到 opens the subscribe popup within its tap
    this.load();
  },

  async onPullDownRefresh() {
    await this.load({ quiet: true });
    wx.stopPullDownRefresh();
  },

  async load({ quiet = false } = {}) {
    if (!quiet) this.setData({ state: 'loading' });
    try {
      const detail = await api.get(`/reports/${this.reportId}`, null, { toast: false });
      this.setData({ state: 'ready', ...view(detail, { reopenExpired: this.reopenExpired }) });
      this.loadThumbs();
    } catch (error) {
      showLoadError(this, error, quiet);
    }
  },

  retry() {
    this.load();
  },

  loadThumbs() {
    this.data.photos.forEach((photo, index) => {
      if (photo.label) return;
      reports.photoFile(photo.thumbUrl).then(
        (src) => this.setData({ [`photos[${index}].src`]: src }),
        () => this.setData({ [`photos[${index}].failed`]: true })
      );
    });
  },

  /** A photo large: the originals, fetched with our token, in the phone's viewer. */
  async previewPhoto(e) {
    const index = Number(e.currentTarget.dataset.index);
    const shown = this.data.photos.filter((p) => !p.label);
    const current = shown.indexOf(this.data.photos[index]);
    if (current < 0) return;
    wx.showLoading({ title: '正在打开', mask: true });
    try {
      const urls = await Promise.all(shown.map((p) => reports.photoFile(p.url)));
      wx.hideLoading();
      wx.previewImage({ urls, current: urls[current] });
    } catch (error) {
      wx.hideLoading();
      ui.toast('图片打开失败，请稍后再试');
    }
  },

  openMap() {
    const { lat, lng, placeNote } = this.data.report;
    wx.openLocation({ latitude: lat, longitude: lng, name: placeNote || '报事位置' });
  },

  /** One write of an action: its Idempotency-Key kept until it succeeds, so a retried tap
   * after a lost answer is the same action. Resolves the body, or null when it failed. */
  async act(name, send) {
    if (this.data.busy) return null;
    this.setData({ busy: name });
    this.keys[name] = this.keys[name] || api.newIdempotencyKey();
    try {
      const body = await send(this.keys[name]);
      this.keys[name] = null;
      return body;
    } catch (error) {
      return null; // api.js showed why
    } finally {
      this.setData({ busy: '' });
    }
  },

  // -- neighbours ---------------------------------------------------------------------------

  /** 我也遇到. WeChat allows the subscribe popup only from the tap itself: ask first. */
  async join() {
    if (this.data.busy) return;
    subscribe.ask(['report_update']);
    const ref = await this.act('join', (key) =>
      api.post(`/reports/${this.reportId}/support`, undefined, { idempotencyKey: key })
    );
    if (!ref) return;
    this.setData({ canJoin: false, isSupporter: true, 'report.supporterCount': ref.supporter_count });
    ui.toast('已加入，处理进展会通知您');
  },

  async leave() {
    const sure = await ui.confirm({
      title: '不再跟进',
      content: '不再跟进后，这条报事的进展将不再通知您。',
      confirmText: '不再跟进',
    });
    if (!sure) return;
    const ref = await this.act('leave', (key) =>
      api.del(`/reports/${this.reportId}/support`, { idempotencyKey: key })
    );
    if (!ref) return;
    this.setData({
      isSupporter: false,
      canJoin: reports.isOpen(ref.status),
      'report.supporterCount': ref.supporter_count,
    });
  },

  // -- the reporter -------------------------------------------------------------------------

  async takeStep(e) {
    const action = e.currentTarget.dataset.action;
    const sure = await ui.confirm({
      ...STEP_CONFIRMS[action],
      confirmText: reports.REPORTER_ACTION_LABELS[action],
    });
    if (!sure) return;
    const ref = await this.act(action, (key) =>
      api.post(`/reports/${this.reportId}/transitions`, { action }, { idempotencyKey: key })
    );
    if (ref) await this.load({ quiet: true });
  },

  onReopenNote(e) {
    this.keys.reopen = null;
    this.setData({ reopenNote: e.detail.value });
  },

  async reopen() {
    const note = this.data.reopenNote.trim() || null;
    let expired = false;
    const ref = await this.act('reopen', (key) =>
      api
        .post(`/reports/${this.reportId}/transitions`, { action: 'reopen', note }, { idempotencyKey: key })
        .catch((error) => {
          expired = error.reason === 'report_reopen_expired';
          throw error;
        })
    );
    if (expired) this.reopenExpired = true; // the backend's clock has the last word
    if (ref || expired) await this.load({ quiet: true });
    if (ref) this.setData({ reopenNote: '' });
  },

  chooseStar(e) {
    this.keys.rate = null;
    this.setData({ ratingValue: Number(e.currentTarget.dataset.value) });
  },

  onRatingComment(e) {
    this.keys.rate = null;
    this.setData({ ratingComment: e.detail.value });
  },

  async rate() {
    if (!this.data.ratingValue) {
      ui.toast('请先点星星打分');
      return;
    }
    const payload = { rating: this.data.ratingValue, comment: this.data.ratingComment.trim() || null };
    const rated = await this.act('rate', (key) =>
      api.post(`/reports/${this.reportId}/rating`, payload, { idempotencyKey: key })
    );
    if (!rated) return;
    ui.toast('感谢您的评价');
    await this.load({ quiet: true });
  },
});
