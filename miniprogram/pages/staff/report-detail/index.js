// 报事详情 (staff): the report with its photos, place and timeline, and the steps its state
// allows this person (受理, 开始处理, 办结, 驳回, 确认完结, 转派), each with a note that can start
// from one of the community's reply templates for the status the step leads to. The backend
// decides what is allowed: the buttons are its `actions`, and a refusal comes back as a toast.

const api = require('../../../utils/api');
const format = require('../../../utils/format');
const { definePage, showLoadError } = require('../../../utils/page');
const staff = require('../../../utils/staff');
const ui = require('../../../utils/ui');

const NOTE_MAX = 500;
const REASON_MAX = 255; // a moderation reason is kept in the audit log, shorter
const MODERATION = {
  release: { label: '公开内容', done: '已公开', hint: '请写明公开的理由（必填）' },
  hide: { label: '隐藏内容', done: '已隐藏', hint: '请写明隐藏的理由（必填）', danger: true },
};
const MODERATION_LABELS = { review: '内容待审核，邻居暂不可见', hidden: '内容已隐藏，邻居不可见' };
// Admins decide on a text at any time (app/reports/services/moderating.py): hide one neighbours
// see or that waits, release one that waits or was hidden. Only decisions that change something.
const MODERATION_CHOICES = { pass: ['hide'], review: ['release', 'hide'], hidden: ['release'] };

function moderationsFor(report, roles) {
  if (!staff.hasRole(roles, 'admin')) return [];
  return (MODERATION_CHOICES[report.moderation] || []).map((decision) => ({
    decision,
    label: MODERATION[decision].label,
    danger: !!MODERATION[decision].danger,
  }));
}

function timelineEntry(entry, key) {
  const who = [entry.actor_role_label, entry.actor_name].filter(Boolean).join(' ');
  return {
    key,
    action: entry.action_label,
    who: entry.organisation_name ? `${who}（${entry.organisation_name}）` : who,
    note: entry.note || '',
    timeText: format.shortDateTime(entry.created_at),
  };
}

function reportView(report) {
  const hasLocation = !!(report.lat && report.lng);
  return {
    id: report.id,
    category: report.category_name,
    text: report.text,
    status: report.status,
    statusText: format.label(staff.REPORT_STATUS_LABELS, report.status),
    overdue: !!report.overdue,
    escalated: report.escalation_level > 0,
    reporter: report.reporter_nickname || '居民',
    createdText: format.dateTime(report.created_at),
    dueText: staff.dueText(report),
    organisationId: report.organisation_id,
    organisationName: report.organisation_name || '待分派',
    place: staff.placeText({ building_name: report.building_name, unit_code: report.unit_code }),
    assetCode: report.asset_code || '',
    placeNote: report.place_note || '',
    hasLocation,
    lat: hasLocation ? Number(report.lat) : 0,
    lng: hasLocation ? Number(report.lng) : 0,
    supporters: report.supporter_count || 0,
    moderation: report.moderation,
    moderationText: MODERATION_LABELS[report.moderation] || '',
    rating: report.rating,
    ratingComment: report.rating_comment || '',
    timeline: (report.timeline || []).map(timelineEntry),
  };
}

definePage({
  data: {
    state: 'loading',
    error: '',
    report: null,
    photos: [],
    actions: [],
    moderations: [],
    panel: null,
    submitting: false,
  },

  onLoad(query) {
    this.reportId = Number(query.id);
    this.load();
  },

  async onPullDownRefresh() {
    await this.load({ quiet: true });
    wx.stopPullDownRefresh();
  },

  async load({ quiet = false } = {}) {
    if (!quiet) this.setData({ state: 'loading' });
    try {
      const [report, me, replies] = await Promise.all([
        api.get(`/admin/reports/${this.reportId}`, null, { toast: false }),
        this.me || api.get('/me', null, { toast: false }),
        // Templates only prefill the note: without them the page still works.
        this.replies || api.get('/admin/report-setup/replies', null, { toast: false }).catch(() => null),
      ]);
      this.me = me;
      if (replies) this.replies = replies;
      this.report = report;
      this.setData({
        state: 'ready',
        report: reportView(report),
        actions: staff.reportActions(report.actions, me.roles),
        moderations: moderationsFor(report, me.roles),
      });
      this.loadPhotos(report.photos || []);
    } catch (error) {
      showLoadError(this, error, quiet);
    }
  },

  retry() {
    this.load();
  },

  async loadPhotos(photos) {
    if (!photos.length) {
      this.setData({ photos: [] });
      return;
    }
    const sources = await Promise.all(photos.map((photo) => staff.loadImage(photo.thumb_url)));
    this.setData({
      photos: photos.map((photo, i) => ({ id: photo.id, url: photo.url, src: sources[i] })),
    });
  },

  async previewPhoto(e) {
    const photo = this.data.photos[e.currentTarget.dataset.index];
    const full = (await staff.loadImage(photo.url)) || photo.src;
    if (full) wx.previewImage({ urls: [full], current: full });
  },

  openMap() {
    const { report } = this.data;
    wx.openLocation({ latitude: report.lat, longitude: report.lng, name: report.place || report.category });
  },

  // -- one step at a time: a panel with the note (and the organisation, for 转派) --------------

  templatesFor(status) {
    const items = (this.replies && this.replies.items) || [];
    return items.filter((reply) => reply.status === status).map(({ title, body }) => ({ title, body }));
  },

  async openAction(e) {
    const action = e.currentTarget.dataset.action;
    const step = staff.REPORT_ACTIONS[action];
    const templates = this.templatesFor(step.target);
    const panel = {
      kind: 'step',
      action,
      label: step.label,
      danger: !!step.danger,
      needsNote: step.needsNote,
      max: NOTE_MAX,
      hint: staff.NOTE_HINTS[action] || '可填写说明（选填），住户会收到',
      templates,
      templateIndex: templates.length ? 0 : -1,
      note: templates.length ? templates[0].body : '',
      organisations: [],
      orgIndex: -1,
      error: '',
    };
    if (action === 'assign') {
      const organisations = await this.organisations();
      if (!organisations) return;
      if (!organisations.length) {
        ui.toast('没有可转派的单位');
        return;
      }
      panel.organisations = organisations;
    }
    this.panelKey = null;
    this.setData({ panel });
  },

  /** Active organisations other than the report's own; null when they could not be read. */
  async organisations() {
    try {
      const all = await api.get('/admin/organisations');
      const current = this.data.report.organisationId;
      return all.filter((o) => o.is_active && o.id !== current).map(({ id, name }) => ({ id, name }));
    } catch (error) {
      return null; // api.js showed why
    }
  },

  openModeration(e) {
    const decision = e.currentTarget.dataset.decision;
    const choice = MODERATION[decision];
    this.panelKey = null;
    this.setData({
      panel: {
        kind: 'moderation',
        action: decision,
        label: choice.label,
        danger: !!choice.danger,
        needsNote: true,
        max: REASON_MAX,
        hint: choice.hint,
        templates: [],
        templateIndex: -1,
        note: '',
        organisations: [],
        orgIndex: -1,
        error: '',
      },
    });
  },

  closePanel() {
    this.setData({ panel: null });
  },

  // Any change makes the next submit a new action with a new Idempotency-Key.
  onTemplate(e) {
    const index = Number(e.detail.value);
    this.panelKey = null;
    this.setData({
      'panel.templateIndex': index,
      'panel.note': this.data.panel.templates[index].body,
      'panel.error': '',
    });
  },

  onNote(e) {
    this.panelKey = null;
    this.setData({ 'panel.note': e.detail.value, 'panel.error': '' });
  },

  onOrganisation(e) {
    this.panelKey = null;
    this.setData({ 'panel.orgIndex': Number(e.detail.value), 'panel.error': '' });
  },

  /** {path, body} of the panel's request, or {error} when something is missing. */
  build() {
    const { panel } = this.data;
    const note = (panel.note || '').trim();
    if (panel.needsNote && !note) {
      if (panel.action === 'reject') return { error: '请填写驳回理由' };
      return { error: panel.kind === 'moderation' ? '请填写理由' : '请填写处理结果' };
    }
    if (note.length > panel.max) return { error: `说明最多 ${panel.max} 个字` };
    const base = `/admin/reports/${this.reportId}`;
    if (panel.kind === 'moderation') {
      return {
        path: `${base}/moderation`,
        body: { decision: panel.action, reason: note },
        done: MODERATION[panel.action].done,
      };
    }
    const done = staff.REPORT_ACTIONS[panel.action].done;
    if (panel.action === 'assign') {
      const organisation = panel.organisations[panel.orgIndex];
      if (!organisation) return { error: '请选择转派给哪个单位' };
      return { path: `${base}/assign`, body: { organisation_id: organisation.id, note: note || null }, done };
    }
    return { path: `${base}/transitions`, body: { action: panel.action, note: note || null }, done };
  },

  async submitPanel() {
    if (this.data.submitting || !this.data.panel) return;
    const { path, body, done, error } = this.build();
    if (error) {
      this.setData({ 'panel.error': error });
      return;
    }
    this.panelKey = this.panelKey || api.newIdempotencyKey();
    this.setData({ submitting: true });
    try {
      await api.post(path, body, { idempotencyKey: this.panelKey });
      this.panelKey = null;
      this.setData({ panel: null });
      ui.toast(done);
      await this.load({ quiet: true });
    } catch (failure) {
      // api.js showed the message. A step the report's state no longer allows (someone else
      // acted first) or this person may not take: show the report as it is now.
      if (failure.reason === 'report_note_required') {
        this.setData({ 'panel.error': failure.message });
      } else if ([403, 404, 409].indexOf(failure.status) >= 0) {
        this.setData({ panel: null });
        await this.load({ quiet: true });
      }
    } finally {
      this.setData({ submitting: false });
    }
  },
});
