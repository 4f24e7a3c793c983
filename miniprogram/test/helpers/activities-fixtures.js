// Answers shaped like linli's activities and volunteer-hours API (app/activities/schemas.py,
// app/volunteers/schemas.py, app/accounts/schemas.py), for the 活动 page tests on the fake
// backend. Times are relative to now, written as the API writes them (Beijing, +08:00).

const { beijing, subscription } = require('./fixtures');

const HOUR_MS = 60 * 60 * 1000;
const DAY_MS = 24 * HOUR_MS;

/** An ActivitySchema: a community event in three days, sign-up open, seats left. */
function activity(id, overrides = {}) {
  return {
    id,
    kind: 'community_event',
    status: 'published',
    title: `活动 ${id}`,
    description: '一起包饺子，欢迎全家参加。',
    organiser_name: '社区居委会',
    place: '社区活动室',
    cover_media_id: null,
    starts_at: beijing(3 * DAY_MS),
    ends_at: beijing(3 * DAY_MS + 2 * HOUR_MS),
    signup_opens_at: beijing(-DAY_MS),
    signup_closes_at: beijing(3 * DAY_MS),
    cancel_deadline: beijing(2 * DAY_MS),
    capacity: 30,
    seats_left: 12,
    waiting: 0,
    waitlist_capacity: null,
    seats_per_household: 3,
    requires_approval: false,
    audience: { kind: 'everyone', ids: [] },
    questions: [],
    team_id: null,
    shop_teams: false,
    participants_private: false,
    ...overrides,
  };
}

/** An AdminActivitySchema (the staff lists): the activity with what its organisers see. */
function adminActivity(id, overrides = {}) {
  return activity(id, {
    organiser_user_id: 12,
    seats_taken: 18,
    reminder_minutes: 60,
    reminded_at: null,
    checkin_scene: 'q9Zt2mW8xK1pR4vB',
    cancelled_at: null,
    created_at: beijing(-7 * DAY_MS),
    ...overrides,
  });
}

/** A SignupSchema. */
function signup(id, overrides = {}) {
  return {
    id,
    activity_id: 5,
    status: 'confirmed',
    seats: 1,
    household_id: 3,
    shop_id: null,
    companion_ids: [],
    answers: {},
    queued_at: null,
    offer_expires_at: null,
    checked_in_at: null,
    checked_out_at: null,
    cancelled_at: null,
    created_at: beijing(-HOUR_MS),
    ...overrides,
  };
}

/** An ActivitySummarySchema: what a list of sign-ups shows of each one's activity. */
function summary(activityValue) {
  const { id, title, kind, status, starts_at: startsAt, ends_at: endsAt, place } = activityValue;
  return { id, title, kind, status, starts_at: startsAt, ends_at: endsAt, place };
}

/** A MySignupSchema (GET /activities/signups): my sign-up with its activity's summary. */
function mySignup(id, overrides = {}, activityValue = activity(overrides.activity_id || 5)) {
  return { ...signup(id, overrides), activity: summary(activityValue) };
}

/**
 * A StaffScanResultSchema: the sign-up as scanned, whether the scan changed it (false: done
 * before), and whom the code admits (masked name, flat).
 */
function scanResult(signupValue, changed, attendee = { name: '王*', flat: '1-1-0102' }) {
  return { ...signupValue, changed, attendee };
}

/** An ActivityDetailSchema: the activity, my sign-up for it and my place in the queue. */
function detail(activityValue, mySignup = null, position = null) {
  return { activity: activityValue, my_signup: mySignup, position };
}

/** A SignupDetailSchema. */
function signupDetail(signupValue, activityValue, position = null) {
  return { signup: signupValue, activity: activityValue, position };
}

/**
 * GET /me/households with the fields the sign-up form needs, as proposed in the report:
 * `household_id` and `companions` (the flat's other occupants, masked) on each binding.
 */
function households(bindings) {
  return { bindings, claims: [] };
}

function binding(householdId, flat, companions) {
  return {
    id: householdId + 100,
    flat,
    building: `${flat.split('-')[0]}号楼`,
    relation: 'primary_tenant',
    method: 'phone_match',
    since: beijing(-30 * DAY_MS),
    household_id: householdId,
    companions,
  };
}

const SUBSCRIPTIONS = [
  subscription('activity_signup', 'tpl_signup'),
  subscription('activity_reminder', 'tpl_reminder'),
  subscription('waitlist_promotion', 'tpl_waitlist'),
  subscription('notice', 'tpl_notice'),
];

/**
 * A HoursEntryItemSchema: a row of GET /me/volunteer-hours, with the names of its team and
 * activity joined in (a correction carries its credit's team and activity).
 */
function hoursEntry(id, overrides = {}) {
  return {
    id,
    user_id: 12,
    team_id: 2,
    activity_id: 7,
    signup_id: 40 + id,
    minutes: 120,
    kind: 'credit',
    corrects_entry_id: null,
    reason: null,
    created_at: beijing(-id * DAY_MS),
    team_name: '红队',
    activity_title: '楼道清扫',
    ...overrides,
  };
}

module.exports = {
  HOUR_MS,
  DAY_MS,
  beijing,
  activity,
  adminActivity,
  signup,
  summary,
  mySignup,
  scanResult,
  detail,
  signupDetail,
  households,
  binding,
  SUBSCRIPTIONS,
  hoursEntry,
};
