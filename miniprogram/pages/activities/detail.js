// 活动详情: one activity and my sign-up for it. The form brings members of my flat (as many as
// the activity allows per household) or, at a Youth Lounge team event, my shop's team, and
// answers the organiser's questions; the result is confirmed, waitlisted or pending approval.
// I can cancel until the cancellation deadline, and take up a seat offered from the waiting
// list before the offer runs out.

const activities = require('../../utils/activities');
const api = require('../../utils/api');
const { definePage, showLoadError } = require('../../utils/page');
const subscribe = require('../../utils/subscribe');
const ui = require('../../utils/ui');

// Refusals after which the page must show the activity as it now is (full, closed, …).
const STALE_REASONS = ['activity_full', 'signup_closed', 'signup_not_open', 'activity_cancelled'];
const OFFER_GONE_REASONS = ['offer_expired', 'signup_not_offered'];

function activityView(activity, now) {
  const stage = activities.signupWindow(activity, now);
  return {
    id: activity.id,
    title: activity.title,
    description: activity.description || '',
    place: activity.place,
    organiser: activity.organiser_name || '',
    kindText: activities.label(activities.KIND_LABELS, activity.kind),
    timeText: activities.timeRange(activity.starts_at, activity.ends_at),
    seatsText: activities.seatsText(activity),
    windowKey: stage.key,
    windowText: stage.text,
    windowTag: stage.tag,
    canSignUp: stage.canSignUp,
    closesText: activities.dayTime(activity.signup_closes_at),
    cancelDeadlineText: activities.dayTime(activity.cancel_deadline),
    seatsPerHousehold: activity.seats_per_household,
    requiresApproval: !!activity.requires_approval,
    shopTeams: !!activity.shop_teams,
    bringsHousehold: activities.bringsHousehold(activity),
    coverMediaId: activity.cover_media_id || null,
  };
}

function signupView(signup, position, activity, now) {
  if (!signup) return null;
  const active = activities.ACTIVE_STATUSES.indexOf(signup.status) >= 0;
  const canCancel = activities.cancellable(signup, activity, now);
  return {
    id: signup.id,
    status: signup.status,
    statusText: activities.label(activities.SIGNUP_STATUS_LABELS, signup.status),
    statusTag: activities.SIGNUP_STATUS_TAGS[signup.status] || 'tag-muted',
    seats: signup.seats,
    active,
    positionText: signup.status === 'waitlisted' && position ? `目前候补第 ${position} 位` : '',
    offered: signup.status === 'offered',
    offerExpiresText: activities.dayTime(signup.offer_expires_at),
    confirmed: signup.status === 'confirmed',
    canCancel,
    deadlinePassed: active && !canCancel,
    checkedInText: activities.dayTime(signup.checked_in_at),
  };
}

function questionViews(questions) {
  return (questions || []).map((q) => ({
    key: q.key,
    label: q.label,
    kind: q.kind,
    required: !!q.required,
    choice: q.kind === activities.QUESTION_CHOICE,
    options: q.options || [],
  }));
}

function firstMessage(value) {
  return Array.isArray(value) ? String(value[0]) : String(value || '');
}

definePage({
  data: {
    state: 'loading',
    error: '',
    activity: null,
    signup: null,
    showForm: false,
    coverPath: '',
    questions: [],
    answers: {},
    flats: [],
    flatIndex: 0,
    maxCompanions: 0,
    companionsFull: false,
    shops: [],
    shopIndex: 0,
    teamSizes: [],
    teamSizeIndex: 0,
    errors: {},
    result: null,
    submitting: false,
    cancelling: false,
    confirming: false,
    participants: null,
    participantsNote: '',
  },

  onLoad(query) {
    this.activityId = Number(query.id);
    subscribe.prepare(); // so the sign-up tap can open the subscribe popup at once
    this.load();
  },

  async onPullDownRefresh() {
    await this.load({ quiet: true });
    wx.stopPullDownRefresh();
  },

  async load({ quiet = false } = {}) {
    if (!quiet) this.setData({ state: 'loading' });
    try {
      const [detail, households] = await Promise.all([
        api.get(`/activities/${this.activityId}`, null, { toast: false }),
        this.households || api.get('/me/households', null, { toast: false }).catch(() => null),
      ]);
      this.households = households;
      if (detail.activity.shop_teams && !this.shops) {
        this.shops = await api.get('/me/shops', null, { toast: false }).catch(() => []);
      }
      this.show(detail);
    } catch (error) {
      showLoadError(this, error, quiet);
    }
  },

  show(detail) {
    const now = Date.now();
    const activity = activityView(detail.activity, now);
    const signup = signupView(detail.my_signup, detail.position, detail.activity, now);
    // A sign-up that ended may begin again, except one the organiser turned down.
    const showForm = activity.canSignUp && !(signup && (signup.active || signup.status === 'rejected'));
    const flats = activity.bringsHousehold ? activities.companionChoices(this.households) : [];
    const perParty = Math.max(1, activity.seatsPerHousehold || 1);
    const teamSizes = Array.from({ length: perParty }, (_, i) => `${i + 1} 人`);
    this.setData({
      state: 'ready',
      activity,
      signup,
      showForm,
      questions: questionViews(detail.activity.questions),
      flats,
      flatIndex: Math.min(this.data.flatIndex, Math.max(0, flats.length - 1)),
      maxCompanions: perParty - 1,
      companionsFull: perParty - 1 <= 0,
      shops: (this.shops || []).map((s) => ({ id: s.id, name: s.name })),
      teamSizes,
      teamSizeIndex: Math.min(this.data.teamSizeIndex, teamSizes.length - 1),
    });
    this.loadCover(activity.coverMediaId);
  },

  loadCover(mediaId) {
    if (!mediaId || this.data.coverPath) return;
    activities.coverPath(mediaId, 'original').then((path) => {
      if (path) this.setData({ coverPath: path });
    });
  },

  retry() {
    this.load();
  },

  // -- the form --------------------------------------------------------------------------

  onAnswer(e) {
    const key = e.currentTarget.dataset.key;
    this.setData({ [`answers.${key}`]: e.detail.value, [`errors.${key}`]: '' });
  },

  onFlatChange(e) {
    const flatIndex = Number(e.detail.value);
    const flats = this.data.flats.map((flat) => ({
      ...flat,
      companions: flat.companions.map((c) => ({ ...c, checked: false })),
    }));
    this.setData({ flatIndex, flats, companionsFull: this.data.maxCompanions <= 0, 'errors.companions': '' });
  },

  /** Members of my flat who come along; one seat each, as many as the activity allows. */
  onCompanionsChange(e) {
    const chosen = e.detail.value.map(String);
    const flat = this.data.flats[this.data.flatIndex];
    if (!flat) return;
    const max = this.data.maxCompanions;
    if (chosen.length > max) {
      ui.toast(`每户最多 ${max + 1} 人参加（含您本人）`);
    }
    const kept = chosen.slice(0, max);
    const companions = flat.companions.map((c) => ({ ...c, checked: kept.indexOf(String(c.id)) >= 0 }));
    this.setData({
      [`flats[${this.data.flatIndex}].companions`]: companions,
      companionsFull: kept.length >= max,
      'errors.companions': '',
    });
  },

  onShopChange(e) {
    this.setData({ shopIndex: Number(e.detail.value) });
  },

  onTeamSizeChange(e) {
    this.setData({ teamSizeIndex: Number(e.detail.value) });
  },

  /** The body of POST /activities/<id>/signups (SignupCreateArgs). */
  signupBody(answers) {
    const { activity } = this.data;
    if (activity.shopTeams) {
      const shop = this.data.shops[this.data.shopIndex];
      return { shop_id: shop.id, team_size: this.data.teamSizeIndex + 1, answers };
    }
    if (!activity.bringsHousehold) return { answers };
    const flat = this.data.flats[this.data.flatIndex];
    const companionIds = flat ? flat.companions.filter((c) => c.checked).map((c) => c.id) : [];
    const body = { companion_ids: companionIds, answers };
    // The members belong to this flat: name it, in case I am bound to more than one.
    if (companionIds.length) body.household_id = flat.householdId;
    return body;
  },

  /**
   * 提交报名. The subscribe popup opens in this same tap, right before the sign-up is sent:
   * WeChat refuses it once the tap has awaited a network answer. Only a form that passes the
   * checks here gets that far, so nobody is asked for reminders of a sign-up never sent.
   */
  async submit() {
    if (this.data.submitting) return;
    const { answers, errors } = activities.checkAnswers(this.data.questions, this.data.answers);
    if (Object.keys(errors).length) {
      this.setData({ errors });
      ui.toast('请先回答带 * 号的必答题');
      return;
    }
    if (this.data.activity.shopTeams && !this.data.shops.length) {
      ui.toast('本活动以商户组队报名，您还没有可以代表的商户');
      return;
    }
    subscribe.ask(activities.SIGNUP_PURPOSES);
    const body = this.signupBody(answers);
    const fingerprint = JSON.stringify(body);
    // The same details again are the same sign-up (a retry); changed details are a new one.
    if (fingerprint !== this.signupFingerprint) {
      this.signupKey = api.newIdempotencyKey();
      this.signupFingerprint = fingerprint;
    }
    this.setData({ submitting: true, errors: {} });
    try {
      const signup = await api.post(`/activities/${this.activityId}/signups`, body, {
        idempotencyKey: this.signupKey,
        toast: false,
      });
      this.signupFingerprint = null;
      const text =
        activities.SIGNUP_RESULT_TEXTS[signup.status] ||
        activities.label(activities.SIGNUP_STATUS_LABELS, signup.status);
      this.setData({ result: { status: signup.status, text } });
      await this.load({ quiet: true });
    } catch (error) {
      await this.signupFailed(error);
    } finally {
      this.setData({ submitting: false });
    }
  },

  async signupFailed(error) {
    if (error.reason === 'household_required') {
      const go = await ui.confirm({
        title: '请先绑定房屋',
        content: '报名社区活动需要先绑定您承租的房屋，绑定后再来报名。',
        confirmText: '去绑定',
        cancelText: '以后再说',
      });
      if (go) wx.switchTab({ url: '/pages/me/index' });
      return;
    }
    ui.toast(error.message);
    const errors = {};
    this.data.questions.forEach((q) => {
      if (error.errors[q.key]) errors[q.key] = firstMessage(error.errors[q.key]);
    });
    if (error.errors.companion_ids || error.errors.seats || error.reason === 'companion_invalid') {
      errors.companions = error.errors.seats ? firstMessage(error.errors.seats) : error.message;
    }
    this.setData({ errors });
    if (STALE_REASONS.indexOf(error.reason) >= 0) await this.load({ quiet: true });
  },

  // -- my sign-up ------------------------------------------------------------------------

  async cancel() {
    if (this.data.cancelling) return;
    const signup = this.data.signup;
    const sure = await ui.confirm({
      title: '取消报名',
      content: signup.confirmed ? '取消后您的名额会让给候补的居民。确定取消吗？' : '确定取消这次报名吗？',
      confirmText: '确定取消',
      cancelText: '不取消',
      danger: true,
    });
    if (!sure) return;
    this.cancelKey = this.cancelKey || api.newIdempotencyKey();
    this.setData({ cancelling: true });
    try {
      await api.post(`/activities/signups/${signup.id}/cancel`, undefined, {
        idempotencyKey: this.cancelKey,
      });
      this.cancelKey = null;
      this.setData({ result: null });
      ui.toast('已取消报名');
      await this.load({ quiet: true });
    } catch (error) {
      // api.js showed why; past the deadline the page must stop offering to cancel.
      if (error.reason === 'cancel_deadline_passed') await this.load({ quiet: true });
    } finally {
      this.setData({ cancelling: false });
    }
  },

  /** 确认参加: take up the seat the waiting list offered, before the offer runs out. */
  async confirmOffer() {
    if (this.data.confirming) return;
    subscribe.ask(['activity_reminder']); // the same tap: a reminder before it starts
    this.confirmKey = this.confirmKey || api.newIdempotencyKey();
    this.setData({ confirming: true });
    try {
      await api.post(`/activities/signups/${this.data.signup.id}/confirm`, undefined, {
        idempotencyKey: this.confirmKey,
      });
      this.confirmKey = null;
      this.setData({ result: { status: 'confirmed', text: '已确认参加，请按时到场。' } });
      await this.load({ quiet: true });
    } catch (error) {
      if (OFFER_GONE_REASONS.indexOf(error.reason) >= 0) await this.load({ quiet: true });
    } finally {
      this.setData({ confirming: false });
    }
  },

  openCheckin() {
    wx.navigateTo({ url: `/pages/activities/checkin?id=${this.data.signup.id}` });
  },

  async showParticipants() {
    try {
      const rows = await api.get(`/activities/${this.activityId}/participants`, null, { toast: false });
      this.setData({
        participants: rows.map((r) => ({ name: r.shop_name || r.name, seats: r.seats })),
        participantsNote: rows.length ? '' : '还没有人报名',
      });
    } catch (error) {
      this.setData({ participants: [], participantsNote: error.message });
    }
  },
});
