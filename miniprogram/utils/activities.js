// Activities (活动) and volunteer hours as residents see them: Chinese labels for the backend's
// codes (app/activities, app/volunteers), the sign-up window and seats in words, times as
// elderly residents read them, and the few rules the pages must mirror to show the right button.

const api = require('./api');

const KIND_LABELS = {
  community_event: '社区活动',
  volunteer_service: '志愿服务',
  youth_lounge: '青年会客厅',
};
// The filter tabs of the list, in this order; '' is every kind.
const KIND_FILTERS = [
  { value: '', label: '全部' },
  { value: 'community_event', label: KIND_LABELS.community_event },
  { value: 'volunteer_service', label: KIND_LABELS.volunteer_service },
  { value: 'youth_lounge', label: KIND_LABELS.youth_lounge },
];

const SIGNUP_STATUS_LABELS = {
  pending: '待审核',
  confirmed: '报名成功',
  waitlisted: '候补中',
  offered: '候补到位，待确认',
  cancelled: '已取消',
  rejected: '未通过审核',
  expired: '候补确认已过期',
};
// The tag colour of each status (app.wxss: tag-done, tag-info, tag-warn, tag-muted).
const SIGNUP_STATUS_TAGS = {
  pending: 'tag-info',
  confirmed: 'tag-done',
  waitlisted: 'tag-info',
  offered: 'tag-warn',
  cancelled: 'tag-muted',
  rejected: 'tag-muted',
  expired: 'tag-muted',
};
// What the resident reads right after submitting a sign-up.
const SIGNUP_RESULT_TEXTS = {
  confirmed: '报名成功！请按时参加。',
  waitlisted: '名额已满，您已进入候补。有空位时会通知您确认。',
  pending: '报名已提交，请等待组织者审核。',
};
// Sign-ups that still hold, wait for or ask for seats (app/activities/models.py ACTIVE).
const ACTIVE_STATUSES = ['pending', 'confirmed', 'waitlisted', 'offered'];

const ENTRY_KIND_LABELS = { credit: '服务时长', correction: '时长更正' };

const QUESTION_TEXT = 'text';
const QUESTION_CHOICE = 'choice';
const ANSWER_MAX_CHARS = 200; // app/activities/services/eligibility.py ANSWER_MAX_CHARS

// Asked in the sign-up tap: the result, the reminder before it starts, a waiting-list seat.
const SIGNUP_PURPOSES = ['activity_signup', 'activity_reminder', 'waitlist_promotion'];

const WEEKDAYS = ['日', '一', '二', '三', '四', '五', '六'];

// The kind the 活动 tab should show next: wx.switchTab takes no query string, so a page that
// opens the tab on one kind leaves it here and the tab takes it when it shows.
const WANTED_KIND_KEY = 'linli.activities.kind';

function label(table, code) {
  return table[code] || code || '';
}

/** An API time ("2026-03-05T14:30:00+08:00") as milliseconds; NaN when absent. */
function ms(value) {
  return value ? Date.parse(value) : NaN;
}

/** The Beijing date and time the API gave, without converting to the phone's zone. */
function parts(value) {
  const match = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}:\d{2})/.exec(value || '');
  if (!match) return null;
  const [, year, month, day, time] = match;
  const weekday = new Date(Date.UTC(Number(year), Number(month) - 1, Number(day))).getUTCDay();
  return { year: Number(year), month: Number(month), day: Number(day), time, weekday };
}

/** "3月5日（周四）14:30"; the year only when it is not this year's. */
function dayTime(value, now = new Date()) {
  const p = parts(value);
  if (!p) return '';
  const year = p.year === now.getFullYear() ? '' : `${p.year}年`;
  return `${year}${p.month}月${p.day}日（周${WEEKDAYS[p.weekday]}）${p.time}`;
}

/** "3月5日（周四）14:30–16:30", or both days in full when it runs past midnight. */
function timeRange(startsAt, endsAt, now = new Date()) {
  const start = parts(startsAt);
  const end = parts(endsAt);
  if (!start || !end) return dayTime(startsAt, now);
  const sameDay = start.year === end.year && start.month === end.month && start.day === end.day;
  return sameDay
    ? `${dayTime(startsAt, now)}–${end.time}`
    : `${dayTime(startsAt, now)} 至 ${dayTime(endsAt, now)}`;
}

/** Whether anyone may still join the waiting list (null capacity: no limit; 0: no list). */
function waitlistOpen(activity) {
  const cap = activity.waitlist_capacity;
  return cap === null || cap === undefined || (activity.waiting || 0) < cap;
}

/**
 * Where sign-up stands, as the list and the detail show it:
 * {key: cancelled | not_open | closed | open | waitlist | full, text, tag, canSignUp}.
 */
function signupWindow(activity, now = Date.now()) {
  const state = (key, text, tag, canSignUp = false) => ({ key, text, tag, canSignUp });
  if (activity.status === 'cancelled') return state('cancelled', '活动已取消', 'tag-muted');
  if (now < ms(activity.signup_opens_at)) {
    return state('not_open', `${dayTime(activity.signup_opens_at)} 开始报名`, 'tag-info');
  }
  if (now >= ms(activity.signup_closes_at)) return state('closed', '报名已截止', 'tag-muted');
  if (activity.requires_approval || activity.seats_left > 0)
    return state('open', '正在报名', 'tag-done', true);
  if (waitlistOpen(activity)) return state('waitlist', '名额已满，可候补', 'tag-warn', true);
  return state('full', '名额已满', 'tag-muted');
}

/** "剩余 5 / 30 个名额", "名额已满 · 3 人候补". */
function seatsText(activity) {
  const waiting = activity.waiting ? ` · ${activity.waiting} 人候补` : '';
  if (activity.seats_left > 0) return `剩余 ${activity.seats_left} / ${activity.capacity} 个名额${waiting}`;
  return `名额已满${waiting}`;
}

/**
 * Whether a sign-up brings members of the flat (app/activities/services/eligibility.py):
 * volunteers and Youth Lounge guests come one by one, so do team and merchant audiences, and
 * a shop signs up a team instead.
 */
function bringsHousehold(activity) {
  const audience = (activity.audience && activity.audience.kind) || 'everyone';
  return (
    activity.kind === 'community_event' &&
    !activity.shop_teams &&
    audience !== 'team' &&
    audience !== 'merchants'
  );
}

/**
 * The flats whose other registered members may come along, from GET /me/households.
 *
 * Each binding of GET /me/households carries `household_id` and `companions: [{id (occupant
 * id), name (masked), relation}]`, the flat's other active occupants; a binding without
 * companions offers nobody, and the resident signs up alone.
 */
function companionChoices(households) {
  const bindings = (households && households.bindings) || [];
  return bindings
    .filter((b) => b.household_id && Array.isArray(b.companions) && b.companions.length)
    .map((b) => ({
      householdId: b.household_id,
      flat: b.flat,
      companions: b.companions.map((c) => ({
        id: c.id,
        name: c.name,
        relationText: c.relation === 'primary_tenant' ? '承租人' : '同住人',
        checked: false,
      })),
    }));
}

/**
 * Whether the resident may still cancel: a confirmed sign-up until the cancellation deadline,
 * waiting, pending or offered ones at any time (cancel_signup in the backend).
 */
function cancellable(signup, activity, now = Date.now()) {
  if (!signup || ACTIVE_STATUSES.indexOf(signup.status) < 0) return false;
  return signup.status !== 'confirmed' || now <= ms(activity.cancel_deadline);
}

/** The text answers the backend takes, and the required ones left empty. */
function checkAnswers(questions, answers) {
  const body = {};
  const errors = {};
  (questions || []).forEach((q) => {
    const value = typeof answers[q.key] === 'string' ? answers[q.key].trim() : '';
    if (value) body[q.key] = value;
    else if (q.required) errors[q.key] = q.kind === QUESTION_CHOICE ? '请选择一项' : '此题必答';
  });
  return { answers: body, errors };
}

/** "2 小时 30 分钟", "45 分钟"; `signed` puts + or − in front (ledger lines). */
function minutesText(minutes, { signed = false } = {}) {
  const value = Number(minutes) || 0;
  const size = Math.abs(value);
  const hours = Math.floor(size / 60);
  const rest = size % 60;
  let text = `${rest} 分钟`;
  if (hours) text = rest ? `${hours} 小时 ${rest} 分钟` : `${hours} 小时`;
  if (!signed) return value < 0 ? `-${text}` : text;
  return `${value < 0 ? '-' : '+'}${text}`;
}

/**
 * The scene of an activity's own mini-program code, from what wx.scanCode returned (its
 * `path` is "pages/activities/checkin?scene=…"); '' for any other code.
 */
function sceneFromScan(result) {
  const path = (result && result.path) || '';
  const match = /[?&]scene=([^&#]*)/.exec(path);
  if (!match || path.indexOf('pages/activities/checkin') < 0) return '';
  try {
    return decodeURIComponent(match[1]);
  } catch (error) {
    return '';
  }
}

function isKind(kind) {
  return !!kind && Object.prototype.hasOwnProperty.call(KIND_LABELS, kind);
}

/** Before wx.switchTab to the 活动 tab: show `kind` there. */
function wantKind(kind) {
  if (isKind(kind)) wx.setStorageSync(WANTED_KIND_KEY, kind);
}

/** The kind a page asked the 活动 tab to show, once; null when none was asked. */
function takeWantedKind() {
  const kind = wx.getStorageSync(WANTED_KIND_KEY);
  if (kind) wx.removeStorageSync(WANTED_KIND_KEY);
  return isKind(kind) ? kind : null;
}

const covers = {}; // media id + variant → a promise of the local file: one download per run

/**
 * An activity's cover as a local file for <image>, or '' when it has none or cannot be had.
 * Images need our login (Authorization), which <image src> cannot send: download them.
 */
function coverPath(mediaId, variant = 'thumb') {
  if (!mediaId) return Promise.resolve('');
  const key = `${mediaId}/${variant}`;
  if (!covers[key]) {
    covers[key] = api.download({ path: `/media/${key}`, toast: false }).catch(() => '');
    covers[key].then((path) => {
      if (!path) delete covers[key]; // try again on the next visit
    });
  }
  return covers[key];
}

module.exports = {
  KIND_LABELS,
  KIND_FILTERS,
  SIGNUP_STATUS_LABELS,
  SIGNUP_STATUS_TAGS,
  SIGNUP_RESULT_TEXTS,
  ACTIVE_STATUSES,
  ENTRY_KIND_LABELS,
  QUESTION_TEXT,
  QUESTION_CHOICE,
  ANSWER_MAX_CHARS,
  SIGNUP_PURPOSES,
  label,
  ms,
  dayTime,
  timeRange,
  waitlistOpen,
  signupWindow,
  seatsText,
  bringsHousehold,
  companionChoices,
  cancellable,
  checkAnswers,
  minutesText,
  sceneFromScan,
  isKind,
  wantKind,
  takeWantedKind,
  coverPath,
};
