// 青年会客厅 (merchants): the shops I act for, the Youth Lounge events, signing my shop up as a
// team, and my shops' sign-ups. A mixer's participant list is for its organisers only, so this
// page never asks for participants.

const activities = require('../../../utils/activities');
const api = require('../../../utils/api');
const format = require('../../../utils/format');
const { definePage, showLoadError } = require('../../../utils/page');
const staff = require('../../../utils/staff');
const subscribe = require('../../../utils/subscribe');
const ui = require('../../../utils/ui');

const LOUNGE = 'youth_lounge';
const LIST_SIZE = 50;
const DONE = {
  confirmed: '报名成功',
  waitlisted: '名额已满，已为您排队候补',
  pending: '已提交，等待组织者审核',
  offered: '有候补名额，请确认',
};

function eventView(activity, signup) {
  const active = !!signup && staff.ACTIVE_SIGNUPS.indexOf(signup.status) >= 0;
  return {
    id: activity.id,
    title: activity.title,
    place: activity.place,
    timeText: format.shortDateTime(activity.starts_at),
    closesText: format.shortDateTime(activity.signup_closes_at),
    seatsLeft: activity.seats_left,
    teams: !!activity.shop_teams,
    mixer: !!activity.participants_private,
    maxTeam: activity.seats_per_household,
    signupText: active ? format.label(staff.SIGNUP_STATUS_LABELS, signup.status) : '',
    canSignUp: !!activity.shop_teams && !active && activity.status === 'published',
  };
}

/** One of my shops' sign-ups (a MySignupSchema, with its activity's summary). */
function signupView(signup, shopName) {
  return {
    id: signup.id,
    activityId: signup.activity_id,
    title: signup.activity.title,
    shopName,
    seats: signup.seats,
    status: signup.status,
    statusText: format.label(staff.SIGNUP_STATUS_LABELS, signup.status),
    offerText: signup.offer_expires_at ? `请在 ${format.shortDateTime(signup.offer_expires_at)} 前确认` : '',
    checkedInText: signup.checked_in_at ? `已签到 ${format.shortDateTime(signup.checked_in_at)}` : '',
  };
}

/**
 * A 422's messages by form field. The backend names the team's size `seats` (a team too large
 * for the event): it belongs under the 参加人数 field, which sends `team_size`.
 */
function formErrors(errors) {
  const messages = api.fieldMessages(errors);
  if (messages.seats && !messages.team_size) messages.team_size = messages.seats;
  delete messages.seats;
  return messages;
}

definePage({
  data: {
    state: 'loading',
    error: '',
    shops: [],
    events: [],
    signups: [],
    form: null,
    submitting: false,
    confirming: 0,
  },

  onLoad() {
    subscribe.prepare(); // so the 报名 tap can open the subscribe popup at once
    this.load();
  },

  async onPullDownRefresh() {
    await this.load({ quiet: true });
    wx.stopPullDownRefresh();
  },

  async load({ quiet = false } = {}) {
    if (!quiet) this.setData({ state: 'loading' });
    try {
      const [shops, events, mine] = await Promise.all([
        api.get('/me/shops', null, { toast: false }),
        api.get('/activities', { kind: LOUNGE, page_size: LIST_SIZE }, { toast: false }),
        api.get('/activities/signups', { page_size: LIST_SIZE }, { toast: false }),
      ]);
      if (!shops.length) {
        this.setData({ state: 'empty', shops: [] });
        return;
      }
      const shopNames = {};
      shops.forEach((shop) => {
        shopNames[shop.id] = shop.name;
      });
      // My own sign-ups for my shops: a sign-up belongs to the person who made it.
      const teamSignups = mine.items.filter((s) => s.shop_id && shopNames[s.shop_id]);
      const byActivity = {};
      teamSignups.forEach((s) => {
        if (!byActivity[s.activity_id] || staff.ACTIVE_SIGNUPS.indexOf(s.status) >= 0)
          byActivity[s.activity_id] = s;
      });
      this.events = events.items;
      this.setData({
        state: 'ready',
        shops: shops.map((shop) => ({
          id: shop.id,
          name: shop.name,
          detail: [shop.unit_label, shop.category].filter(Boolean).join(' · '),
        })),
        events: events.items.map((activity) => eventView(activity, byActivity[activity.id])),
        signups: teamSignups.map((s) => signupView(s, shopNames[s.shop_id])),
      });
    } catch (error) {
      showLoadError(this, error, quiet);
    }
  },

  retry() {
    this.load();
  },

  // -- signing my shop up as a team ----------------------------------------------------------

  openSignup(e) {
    const activity = (this.events || []).find((a) => a.id === e.currentTarget.dataset.id);
    if (!activity) return;
    this.signupKey = null;
    this.setData({
      form: {
        activityId: activity.id,
        title: activity.title,
        shopIndex: 0,
        teamSize: '',
        maxTeam: activity.seats_per_household,
        questions: (activity.questions || []).map((q) => ({
          key: q.key,
          label: q.label,
          kind: q.kind,
          required: q.required,
          options: q.options || [],
          value: '',
          optionIndex: -1,
        })),
        errors: {},
      },
    });
  },

  closeSignup() {
    this.setData({ form: null });
  },

  // Any change makes the next submit a new action with a new Idempotency-Key.
  onShop(e) {
    this.signupKey = null;
    this.setData({ 'form.shopIndex': Number(e.detail.value) });
  },

  onTeamSize(e) {
    this.signupKey = null;
    this.setData({ 'form.teamSize': e.detail.value, 'form.errors.team_size': '' });
  },

  onAnswer(e) {
    const index = e.currentTarget.dataset.index;
    const question = this.data.form.questions[index];
    this.signupKey = null;
    const changes = { [`form.errors.${question.key}`]: '' };
    if (question.kind === 'choice') {
      const optionIndex = Number(e.detail.value);
      changes[`form.questions[${index}].optionIndex`] = optionIndex;
      changes[`form.questions[${index}].value`] = question.options[optionIndex];
    } else {
      changes[`form.questions[${index}].value`] = e.detail.value;
    }
    this.setData(changes);
  },

  /** The sign-up body, or {errors}. */
  build() {
    const { form, shops } = this.data;
    const errors = {};
    const size = Number(form.teamSize);
    if (!/^\d+$/.test(String(form.teamSize).trim()) || size < 1) errors.team_size = '请填写参加的人数';
    else if (size > form.maxTeam) errors.team_size = `每个商户最多 ${form.maxTeam} 人`;
    const answers = {};
    form.questions.forEach((q) => {
      const value = String(q.value || '').trim();
      if (q.required && !value) errors[q.key] = '此题必答';
      if (value) answers[q.key] = value;
    });
    if (Object.keys(errors).length) return { errors };
    return { body: { shop_id: shops[form.shopIndex].id, team_size: size, answers } };
  },

  async submitSignup() {
    if (this.data.submitting || !this.data.form) return;
    const { body, errors } = this.build();
    if (errors) {
      this.setData({ 'form.errors': errors });
      ui.toast('请检查标红的内容');
      return;
    }
    // First thing in the tap, before any await: WeChat opens the popup only from a tap.
    subscribe.ask(activities.SIGNUP_PURPOSES);
    this.signupKey = this.signupKey || api.newIdempotencyKey();
    this.setData({ submitting: true });
    try {
      const signup = await api.post(`/activities/${this.data.form.activityId}/signups`, body, {
        idempotencyKey: this.signupKey,
      });
      this.signupKey = null;
      this.setData({ form: null });
      ui.toast(DONE[signup.status] || '已报名');
      await this.load({ quiet: true });
    } catch (error) {
      // api.js showed the message; keep the key so tapping again retries this same sign-up.
      if (error.status === 422) this.setData({ 'form.errors': formErrors(error.errors) });
    } finally {
      this.setData({ submitting: false });
    }
  },

  /** A seat offered from the waiting list: take it up before it lapses. */
  async confirmOffer(e) {
    const id = e.currentTarget.dataset.id;
    if (this.data.confirming) return;
    this.setData({ confirming: id });
    try {
      await api.post(`/activities/signups/${id}/confirm`);
      ui.toast('已确认名额');
      await this.load({ quiet: true });
    } catch (error) {
      // shown by api.js
    } finally {
      this.setData({ confirming: 0 });
    }
  },
});
